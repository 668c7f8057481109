"""Benchmarks for the site generator: run `make bench` (see bench/run.py)."""
