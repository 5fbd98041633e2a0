"""Benchmarks: synthetic exports (``bench.generate``) and ``python -m bench`` (README.md)."""
