"""Benchmarks and the synthetic-story generator they run on."""
