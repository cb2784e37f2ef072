"""The orchestrator: turns a user's question into answers from the domain agents.

`agents.orchestrator.router` decides which domains answer and over which time window.
"""
