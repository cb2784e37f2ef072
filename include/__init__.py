"""LakePilot platform core: lakehouse access, simulated workspace, Jobs API emulator, reports.

Importable without Airflow (a test enforces it).
"""
