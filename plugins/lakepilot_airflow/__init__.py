"""Airflow-side glue for LakePilot: connection resolution, sensors, triggers, operators, UI."""
