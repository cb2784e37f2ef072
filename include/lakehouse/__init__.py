"""The lakehouse LakePilot reads and writes: table schemas, Delta storage, and the SQL engines."""
