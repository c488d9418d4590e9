"""Runs that end: a ``marketgraph ingest`` killed mid-write leaves its run ``running``; the
next start marks it ``interrupted`` with what it committed, and ingesting the same file
again completes it. Real processes on a real store, both backends.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from graph.base import GraphStore
from graph.embedded import EmbeddedGraphStore
from graph.models import GraphBatch, Node
from graph.schema import Label
from ingest import Part, describe, ingest, read_rows
from ingest.runs import recover_interrupted
from tests.integration.test_cli import BIN

CAMPAIGNS = ("cmp-a", "cmp-b", "cmp-c")
CHANNELS = ("ch-1", "ch-2", "ch-3", "ch-4", "ch-5")
DAYS = 3_000  # 45,000 outcome rows: nine node batches and many edge batches to kill it in


def _world(store: GraphStore) -> None:
    records = {
        "brands": [{"id": "b1", "name": "Brand"}],
        "channels": [{"id": c, "name": c, "kind": "web"} for c in CHANNELS],
        "campaigns": [{"id": c, "brand_id": "b1", "name": c} for c in CAMPAIGNS],
    }
    parts = []
    for kind, rows in records.items():
        data = "\n".join(json.dumps(r) for r in rows).encode()
        parts.append(Part(kind, describe(f"{kind}.jsonl", data), read_rows(data, "jsonl")))
    ingest(store, parts)


def _outcomes(path: Path) -> int:
    start = date(2000, 1, 1)
    with path.open("w") as out:
        for day in range(DAYS):
            when = (start + timedelta(days=day)).isoformat()
            for campaign in CAMPAIGNS:
                for channel in CHANNELS:
                    row = {"date": when, "campaign_id": campaign, "channel_id": channel,
                           "spend": 10.0, "revenue": 25.0}  # fmt: skip
                    out.write(json.dumps(row) + "\n")
    return DAYS * len(CAMPAIGNS) * len(CHANNELS)


def _env(store: GraphStore, data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MARKETGRAPH_")}
    env["MARKETGRAPH_DATA_DIR"] = str(data_dir)
    if not isinstance(store, EmbeddedGraphStore):
        env["MARKETGRAPH_NEO4J_URI"] = store._uri  # type: ignore[attr-defined]
    return env


def _runs(store: GraphStore) -> list[Node]:
    return [
        r
        for r in store.list_nodes(Label.INGEST_RUN, limit=100)
        if "outcomes" in r.properties["kinds"]
    ]


def test_a_killed_ingest_is_marked_interrupted_then_completed(
    graph_store: GraphStore, tmp_path: Path
) -> None:
    _world(graph_store)
    rows = _outcomes(tmp_path / "outcomes.jsonl")
    env = _env(graph_store, tmp_path)
    command = [str(BIN), "ingest", "outcomes", str(tmp_path / "outcomes.jsonl")]
    process = subprocess.Popen(
        command, env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 240
    try:
        while time.monotonic() < deadline and process.poll() is None:
            runs = _runs(graph_store)
            if runs and int(runs[0].properties.get("written") or 0) > 0:
                break
            time.sleep(0.05)
        assert process.poll() is None, "the ingest finished before it could be killed"
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.wait(timeout=60)
    (run,) = _runs(graph_store)
    assert run.properties["status"] == "running"  # a dead process cannot say otherwise
    assert run.properties["pid"] == process.pid and run.properties["host"] == socket.gethostname()
    committed = graph_store.count(Label.OUTCOME)
    assert 0 < committed < rows

    # The next start (here, another ingest) marks it interrupted, keeping what it wrote.
    other = tmp_path / "brands.jsonl"
    other.write_text(json.dumps({"id": "b2", "name": "Other"}) + "\n")
    started = subprocess.run(
        [str(BIN), "ingest", "brands", str(other)], env=env, cwd=tmp_path,
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert started.returncode == 0, started.stderr
    (run,) = _runs(graph_store)
    assert run.properties["status"] == "interrupted" and run.properties.get("interrupted_at")
    assert 0 < int(run.properties["written"]) < int(run.properties["to_write"])

    # Ingesting the same file again completes the same run.
    again = subprocess.run(
        command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=600
    )
    assert again.returncode == 0, again.stderr
    assert f"ingested {rows} records as {run.id}" in again.stdout
    (run,) = _runs(graph_store)
    assert run.properties["status"] == "completed"
    assert graph_store.count(Label.OUTCOME) == rows
    _remove_outcomes(graph_store)


def _remove_outcomes(store: GraphStore) -> None:
    """In small transactions: the test Neo4j's memory pool would not clear them at once."""
    while batch := store.list_nodes(Label.OUTCOME, limit=2000):
        store.delete_nodes([n.ref for n in batch])


def test_only_runs_of_gone_processes_are_interrupted(graph_store: GraphStore) -> None:
    """A run of a live process here, or with a fresh heartbeat elsewhere, is left alone."""
    now = datetime.now(UTC)
    dead = subprocess.Popen(["true"])
    dead.wait()
    here = socket.gethostname()
    runs = {
        "run_dead_here": {"host": here, "pid": dead.pid},
        "run_alive_here": {"host": here, "pid": os.getpid()},
        "run_stale_elsewhere": {"host": "elsewhere", "pid": 1,
                                "heartbeat_at": (now - timedelta(hours=1)).isoformat()},
        "run_fresh_elsewhere": {"host": "elsewhere", "pid": 1,
                                "heartbeat_at": (now - timedelta(seconds=5)).isoformat()},
        "run_done": {"host": here, "pid": dead.pid, "status": "completed"},
    }  # fmt: skip
    nodes = [
        Node(Label.INGEST_RUN, run_id, {"id": run_id, "status": "running",
             "started_at": (now - timedelta(hours=2)).isoformat(), **props})
        for run_id, props in runs.items()
    ]  # fmt: skip
    graph_store.write(GraphBatch(nodes=nodes))
    assert sorted(recover_interrupted(graph_store, now=now)) == [
        "run_dead_here",
        "run_stale_elsewhere",
    ]
    status = {n.id: n.properties["status"] for n in graph_store.list_nodes(Label.INGEST_RUN)}
    assert status == {
        "run_dead_here": "interrupted",
        "run_alive_here": "running",
        "run_stale_elsewhere": "interrupted",
        "run_fresh_elsewhere": "running",
        "run_done": "completed",
    }
    assert recover_interrupted(graph_store, now=now) == []  # once
