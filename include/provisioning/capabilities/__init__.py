"""Shipped capabilities; every module here is imported by `get_registry()`."""
