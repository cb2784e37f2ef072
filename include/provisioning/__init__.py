"""Provisioning: a validated plan over pluggable capabilities becomes Terraform, planned, approved in
Airflow and applied exactly (`service.py`: one function per step of `provision_infrastructure`). The
conversation that turns a request into a plan is in agents/provisioning/."""
