"""The process metrics the workflows count (exported at /metrics by ``api/metrics.py``)."""

from __future__ import annotations

from prometheus_client import Counter

INGESTED_ROWS = Counter(
    "marketgraph_ingested_rows",
    "Records this process ingested, by kind (from:SOURCE for platform exports)",
    ["kind"],
)
