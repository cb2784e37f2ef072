"""LakePilot's pages, JSON API and Prometheus metrics, mounted in Airflow's api-server at /lakepilot.

Registered by `plugins/lakepilot_ui_plugin.py`; modules here import each other absolutely
(`lakepilot_airflow.ui.*`) because Airflow puts the plugins folder, not the project, on the path.
"""
