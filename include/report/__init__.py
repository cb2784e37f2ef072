"""The daily health report: data, charts, HTML/text rendering, storage and delivery."""
