"""Airflow pieces of remediation: the failed-run trigger and sensor, and the act operator."""
