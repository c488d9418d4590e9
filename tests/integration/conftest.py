"""Fixtures shared by the integration tests (the stores themselves are in tests/conftest.py)."""

from __future__ import annotations

import pytest

from demo import dataset_parts, generate
from graph.base import GraphStore
from ingest import ingest


@pytest.fixture
def demo(graph_store: GraphStore) -> GraphStore:
    """The demo data set, small (about 3,000 outcome rows: enough history for curves), in
    a migrated store of each backend."""
    ingest(graph_store, dataset_parts(generate(seed=7, outcome_rows=3000)))
    return graph_store
