"""Provisioning: a conversation becomes a validated Terraform plan, approved in Airflow, applied exactly."""
