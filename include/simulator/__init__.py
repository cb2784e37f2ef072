"""The simulated workspace: realistic system-table data with injected incidents.

`generate.generate_workspace` (CLI: `lakepilot workspace generate`) builds the world
(`world*.py`), plans incidents (`incidents.py`), simulates job runs (`runs.py`), writes every
table (`gen_*.py`), derives knock-on incidents (`consequences.py`) and saves the manifest and
the truth file (`_truth/incidents.json`).
"""
