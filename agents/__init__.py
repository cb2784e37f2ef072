"""LakePilot's agents: domain health agents, the orchestrator, triage, and provisioning.

Importable without Airflow. Every agent works with no LLM configured (a deterministic path)
and records which path produced its output.
"""
