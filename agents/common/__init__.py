"""What the six health domain agents share: models, the deterministic writer, the LLM loop,
the read-only tools, and the sweep → store → analyse pipeline the DAGs and the CLI call."""
