"""LakePilot's own tables (`lakepilot.ops.*`): what it found, decided, provisioned and answered."""
