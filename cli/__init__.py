"""The `lakepilot` command line: the output layer over include/ and agents/."""
