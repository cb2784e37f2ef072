"""Remediation triage agent: classify a failed Databricks run and decide what to do about it.

See `agent.py` for the entry points and docs/remediation.md for the contract.
"""
