"""Terraform for LakePilot: templates per capability, renderer, runner, plan summary, plan guard."""
