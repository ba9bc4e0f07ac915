"""Deterministic, realistic sample data for a 1372-like consumer agency."""
