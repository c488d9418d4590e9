"""Benchmarks, run by `python -m bench`."""

import os

# Figures are measured on the demo data set of the generator's own calendar (its default
# is to end yesterday, which would move the figures with the date).
os.environ.setdefault("MARKETGRAPH_DEMO_END", "2026-11-30")
