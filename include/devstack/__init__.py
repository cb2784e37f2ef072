"""Running the local product: Airflow's environment, child processes, and its REST API."""
