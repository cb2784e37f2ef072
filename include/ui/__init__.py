"""Airflow-free view models and queries behind LakePilot's pages in the Airflow UI."""
