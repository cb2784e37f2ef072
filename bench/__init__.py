"""LakePilot benchmarks: each bench_*.py exposes run() -> dict and a __main__."""
