"""Prometheus series the service exports at /metrics."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

REQUEST_LATENCY = Histogram(
    "marketgraph_http_request_duration_seconds",
    "HTTP request latency by route",
    ["method", "route", "status"],
)
INGESTED_ROWS = Counter("marketgraph_ingested_rows", "Records written by ingestion", ["kind"])
