"""LakePilot's own telemetry: LLM calls, task durations, and Prometheus metrics from the ops tables."""
