"""Inkwell's benchmarks: ``python -m bench``. Numbers, not pass/fail; see bench/RESULTS.md."""
