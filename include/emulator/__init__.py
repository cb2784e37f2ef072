"""A local Databricks Jobs API emulator that the real Airflow `DatabricksHook` talks to.

Jobs come from the simulated workspace manifest; runs progress over (compressed) time, fail the way
real jobs fail, can be repaired, and are written to the lakehouse's job timelines. See
docs/emulator.md for the endpoints, the failure behaviours and the control API.
"""
