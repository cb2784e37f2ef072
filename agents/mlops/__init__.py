"""MLOps health agent: tools, prompts and per-check templates."""
