"""Remediation core (no Airflow, no LLM): triage patterns, fingerprints, the decision engine.

Entry points: `patterns.classify_failure`, `decide.decide`, `run_context.failure_from_run`;
see docs/remediation.md for the contract with the Airflow side.
"""
