"""API fuzzing: schemathesis generates requests from /openapi.json against a real server over
the demo data, and not one of them may get a 5xx (a server error is a defect).

The server runs on the embedded store with a small demo data set, an index and a plan
waiting at its gate, so that ids in paths sometimes exist. ``MARKETGRAPH_FUZZ_EXAMPLES``
sets the examples per operation (default 40); each example is sent twice, with an
admin key and with a planner key limited to one brand.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

import migrations
from api.services import open_index
from api.settings import Settings
from demo import dataset_parts, generate
from graph.embedded import EmbeddedGraphStore
from ingest import ingest
from retrieval.indexer import Indexer
from tests.integration.http_server import serve

ADMIN = {"Authorization": "Bearer fuzz-admin-0001"}
LIMITED = {"Authorization": "Bearer fuzz-limited-0001"}  # a planner limited to one brand
EXAMPLES = int(os.environ.get("MARKETGRAPH_FUZZ_EXAMPLES", "40"))


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    data_dir: Path = tmp_path_factory.mktemp("fuzz")
    store = EmbeddedGraphStore(data_dir / "graph.sqlite")
    try:
        migrations.apply_pending(store)
        ingest(store, dataset_parts(generate(seed=7, outcome_rows=2000)))
        index = open_index(Settings(data_dir=data_dir))  # type: ignore[call-arg]
        Indexer(store, index).reindex_all()
        index.close()
        keys = {"fuzz-admin-0001": "admin", "fuzz-limited-0001": "planner@brand-trailhead"}
        with serve(store, data_dir, keys, run_worker=False) as client:
            plan = {
                "brand_id": "brand-trailhead",
                "budget": 20_000,
                "start_date": "2026-07-01",
                "end_date": "2026-07-14",
            }
            assert client.post("/v1/plans", json=plan, headers=ADMIN).status_code == 200
            yield client
    finally:
        store.close()


def test_no_request_gets_a_server_error(fuzz_server: httpx.Client) -> None:
    base = str(fuzz_server.base_url)
    schema = schemathesis.openapi.from_url(f"{base}/openapi.json")
    errors: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        strategy = result.ok().as_strategy()
        operations += 1

        @given(case=strategy)
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def fuzz(case: Any) -> None:
            for headers in (ADMIN, LIMITED):
                response = case.call(base_url=base, headers=headers)
                if response.status_code < 500:
                    continue
                errors.append(
                    f"{case.operation.label}: {response.status_code} for "
                    f"{case.formatted_path} query={case.query} body={case.body!r:.300} -> "
                    f"{response.text[:300]}"
                )

        fuzz()
    assert operations >= 30
    assert errors == [], "\n".join(errors[:20])
