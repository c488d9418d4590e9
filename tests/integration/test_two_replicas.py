"""Two replicas on one Neo4j: two ``marketgraph serve`` processes, each with its worker and
outbox delivery, approve and execute the same plans at the same time; one is killed
while webhooks are going out. Nothing is done twice: one decision per step, one
execution per action, one webhook send per action (bar what the dead process had in
flight, sent again under the same Idempotency-Key), and every approval names its key.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from demo import dataset_parts, generate
from graph.neo4j import Neo4jGraphStore
from graph.schema import Label
from ingest import ingest
from tests.integration.execution_helpers import receiver, wait_for
from tests.integration.http_server import free_port
from tests.integration.test_cli import BIN

pytestmark = pytest.mark.neo4j

KEYS = {
    "replica-planner-key-01": "planner",
    "replica-approver-key-01": "approver",
    "replica-approver-key-02": "approver",
    "replica-admin-key-0001": "admin",
}
PLANNER, APPROVER_1, APPROVER_2, ADMIN = (
    {"Authorization": f"Bearer {key}"} for key in KEYS
)  # fmt: skip
# Both plans start today (the servers run on the system clock), so their budgets are set
# as soon as they are handed over; a plan starting later would wait for its first day.
TODAY = datetime.now(UTC).date()
PLANS = (
    {"brand_id": "brand-trailhead", "budget": 30_000, "start_date": TODAY.isoformat(),
     "end_date": (TODAY + timedelta(days=13)).isoformat(),
     "brief": "Summer push for trail shoes"},
    {"brand_id": "brand-trailhead", "budget": 24_000, "start_date": TODAY.isoformat(),
     "end_date": (TODAY + timedelta(days=20)).isoformat(), "brief": "Back to school rucksacks"},
)  # fmt: skip


@contextmanager
def _replica(name: str, tmp_path: Path, env: dict[str, str]) -> Iterator[tuple[str, Any]]:
    """``marketgraph serve`` in a process of its own; yields its URL and the process."""
    port = free_port()
    data_dir = tmp_path / name  # its own local text index; the graph is shared
    data_dir.mkdir()
    log = (tmp_path / f"{name}.log").open("w")
    process = subprocess.Popen(
        [str(BIN), "serve", "--port", str(port)],
        env={**env, "MARKETGRAPH_DATA_DIR": str(data_dir)},
        cwd=data_dir, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:

        def ready() -> bool:
            if process.poll() is not None:
                raise AssertionError((tmp_path / f"{name}.log").read_text()[-3000:])
            try:
                return httpx.get(f"{url}/readyz", timeout=2).status_code == 200
            except httpx.HTTPError:
                return False

        assert wait_for(ready, timeout=120, step=0.3), (tmp_path / f"{name}.log").read_text()
        yield url, process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=30)
        log.close()


def _post(url: str, path: str, headers: dict[str, str], body: Any = None) -> httpx.Response:
    return httpx.post(f"{url}{path}", json=body or {}, headers=headers, timeout=120)


def _all(calls: list[tuple[str, str, dict[str, str]]]) -> list[int]:
    """POST every (url, path, headers) at once; the statuses."""
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return [r.status_code for r in pool.map(lambda c: _post(*c), calls)]


def test_two_replicas_do_nothing_twice(neo4j_store: Neo4jGraphStore, tmp_path: Path) -> None:
    store = neo4j_store
    ingest(store, dataset_parts(generate(seed=7, outcome_rows=3000)))
    with ExitStack() as stack:
        hook = stack.enter_context(receiver())
        webhooks = tmp_path / "webhooks.toml"
        webhooks.write_text(
            "base_delay_seconds = 0.2\nmax_delay_seconds = 1.0\ntimeout_seconds = 2.0\n"
            f'lease_seconds = 4.0\n[channels."*"]\nurl = "{hook.url}"\n'
            'secret = "replica-webhook-secret"\n'
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith("MARKETGRAPH_")}
        env |= {
            "MARKETGRAPH_NEO4J_URI": store._uri,
            "MARKETGRAPH_API_KEYS": ",".join(f"{k}:{r}" for k, r in KEYS.items()),
            "MARKETGRAPH_WEBHOOKS_FILE": str(webhooks),
            "MARKETGRAPH_SANDBOX": "false",
            "MARKETGRAPH_WORKER_SECONDS": "0.3",
            "MARKETGRAPH_LEASE_SECONDS": "5",
            "MARKETGRAPH_LOG_LEVEL": "WARNING",
        }
        a, killed = stack.enter_context(_replica("a", tmp_path, env))
        b, _ = stack.enter_context(_replica("b", tmp_path, env))

        plans = [_post(a, "/v1/plans", PLANNER, body).json() for body in PLANS]
        # Both approvers, on both replicas, at once, twice over.
        statuses = _all(
            [(url, f"/v1/plans/{p['id']}/approve", who)
             for p in plans for url in (a, b, a, b) for who in (APPROVER_1, APPROVER_2)]
        )  # fmt: skip
        assert set(statuses) <= {200, 409} and 200 in statuses, statuses
        # Both replicas hand each plan over at once; asking again changes nothing.
        statuses = _all([(url, f"/v1/plans/{p['id']}/execute", PLANNER)
                         for p in plans for url in (a, b, a, b)])  # fmt: skip
        assert set(statuses) == {200}, statuses

        # Replica a dies while webhooks are going out.
        assert hook.received.wait(timeout=180), "no webhook was sent"
        killed.send_signal(signal.SIGKILL)
        killed.wait(timeout=30)
        killed_at = time.monotonic()

        def finished() -> bool:
            waiting = httpx.get(f"{b}/v1/approvals", headers=ADMIN, timeout=60).json()
            calls = [(b, f"/v1/approvals/{w['decision_id']}/approve", who)
                     for w in waiting for who in (APPROVER_1, APPROVER_1, APPROVER_2)]  # fmt: skip
            if calls:
                assert set(_all(calls)) <= {200, 409}
                return False
            states = [
                httpx.get(f"{b}/v1/plans/{p['id']}", headers=ADMIN, timeout=60).json()
                for p in plans
            ]
            tasks_done = all(t["status"] == "done" for s in states for t in s["tasks"])
            outbox = httpx.get(f"{b}/v1/outbox", headers=ADMIN, timeout=60).json()
            return tasks_done and outbox["total"] == 0

        assert wait_for(finished, timeout=420, step=1.0), (tmp_path / "b.log").read_text()[-3000:]
        verified = httpx.get(f"{b}/v1/audit/verify", headers=ADMIN, timeout=120).json()
        assert verified["findings"] == [], verified

    # One decision per step: no two decisions of a kind on the same inputs.
    decisions = store.list_nodes(Label.DECISION, limit=100_000)
    steps = Counter((str(d.properties.get("kind")), str(d.properties.get("inputs")))
                    for d in decisions)  # fmt: skip
    assert [s for s, n in steps.items() if n > 1] == []
    assert sum(1 for d in decisions if d.properties.get("kind") == "execute") == len(plans)
    # One execution per action, and every approval names the key that gave it.
    executions = store.list_nodes(Label.EXECUTION, limit=100_000)
    keys = Counter(str(e.properties.get("idempotency_key")) for e in executions)
    assert executions and max(keys.values()) == 1
    approvals = store.list_nodes(Label.APPROVAL, limit=10_000)
    assert approvals and all(str(p.properties.get("key_id", "")).startswith("key_")
                             for p in approvals)  # fmt: skip
    # One send per action; a second only for what the dead replica had in flight.
    sent = Counter(hook.keys())
    assert set(sent) == set(keys), "every action was sent, and nothing else"
    for key, count in sent.items():
        if count > 1:
            first = min(r.at for r in hook.requests if r.key == key)
            assert count == 2 and first < killed_at, (key, count)
    assert all(n == 1 for n in hook.effects.values())
    assert json.dumps(sorted(sent)) == json.dumps(sorted(hook.effects))
