"""Health checks: deterministic SQL over the system tables that find and measure.

    from include.health.runner import run_domain, run_all
    sweep = run_domain(warehouse, "cost", as_of)          # -> DomainSweep (findings, errors, ...)

Checks live in `include/health/checks/<domain>.py` (one `Check` per SQL file under
`include/sql/health/<domain>/`); thresholds in `settings.HealthSettings`; read-only ad-hoc
queries for agents in `adhoc.py`. Entity ids are the system tables' own identifiers; a spend
spike's entity is the composite `<workspace_id>/<sku_name>`.
"""
