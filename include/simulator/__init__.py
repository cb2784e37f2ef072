"""The simulated Databricks workspace: realistic system-table data with injected incidents."""
