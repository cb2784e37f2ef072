"""Health checks: deterministic SQL over the system tables that find and measure."""
