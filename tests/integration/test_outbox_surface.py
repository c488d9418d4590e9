"""``marketgraph outbox …`` as a real process, and ``/v1/outbox`` on a real HTTP server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from agents.channels import Action, Target
from agents.channels.outbox import ChannelHook, OutboxWorker, WebhookAdapter, WebhookConfig
from graph.base import GraphStore
from graph.embedded import EmbeddedGraphStore
from tests.integration.execution_helpers import load_catalogue, receiver
from tests.integration.http_server import serve

BIN = Path(sys.executable).parent / "marketgraph"


def run(data_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MARKETGRAPH_")}
    clean.update(MARKETGRAPH_DATA_DIR=str(data_dir), COLUMNS="250", **env)
    return subprocess.run(
        [str(BIN), *args], env=clean, capture_output=True, text=True, timeout=300, cwd=data_dir
    )


def one_line_error(result: subprocess.CompletedProcess[str], code: int, needle: str) -> None:
    assert result.returncode == code, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.lstrip().startswith("error:") and needle in result.stderr


def failed_entry(store: GraphStore, url: str) -> str:
    """Queue one action and have its delivery refused, so it ends ``failed``."""
    load_catalogue(store)
    config = WebhookConfig(channels={"*": ChannelHook(url=url)}, max_attempts=2)
    action = Action(
        kind="set_budget",
        target=Target(channel_id="ch-meta", audience_id="aud-trailhead-returning"),
        params={"daily_budget": 40.0},
        idempotency_key="plan-9/meta",
    )
    receipt = WebhookAdapter(store, config).apply(action)
    worker = OutboxWorker(store, config)
    assert worker.deliver_pending().failed == 1
    worker.close()
    return receipt.execution_id


def test_the_outbox_commands(tmp_path: Path) -> None:
    refused = {"now": True}
    with receiver(answer=lambda key, n: 400 if refused["now"] else 200) as hook:
        store = EmbeddedGraphStore(tmp_path / "graph.sqlite")
        try:
            entry_id = failed_entry(store, hook.url)
        finally:
            store.close()

        listed = run(tmp_path, "outbox", "list", "--status", "failed")
        assert listed.returncode == 0, listed.stderr
        assert entry_id in listed.stdout and "HTTP 400" in listed.stdout
        one_line_error(run(tmp_path, "outbox", "list", "--status", "lost"), 2, "--status must be")
        one_line_error(
            run(tmp_path, "outbox", "retry", "nope"), 1, "no outbox entry with id 'nope'"
        )
        one_line_error(run(tmp_path, "outbox", "deliver"), 2, "no webhook file")

        retried = run(tmp_path, "outbox", "retry", entry_id)
        assert retried.returncode == 0 and "pending again" in retried.stdout
        shown = json.loads(run(tmp_path, "outbox", "list", "--json").stdout)
        assert [(e["id"], e["status"], e["manual_retries"]) for e in shown] == [
            (entry_id, "pending", 1)
        ]

        refused["now"] = False
        webhooks = tmp_path / "hooks.toml"
        webhooks.write_text(f'[channels."*"]\nurl = "{hook.url}"\n')
        delivered = run(tmp_path, "outbox", "deliver", MARKETGRAPH_WEBHOOKS_FILE=str(webhooks))
        assert delivered.returncode == 0, delivered.stderr
        assert "delivered 1" in delivered.stdout
        assert "0 outbox entries" in run(tmp_path, "outbox", "list").stdout
        one_line_error(run(tmp_path, "outbox", "retry", entry_id), 1, "was delivered at")


KEYS = {"view-key-123": "viewer", "plan-key-456": "planner"}


def test_the_outbox_over_http(graph_store: GraphStore, tmp_path: Path) -> None:
    with receiver(answer=lambda key, n: 400) as hook:
        entry_id = failed_entry(graph_store, hook.url)
    viewer = {"Authorization": "Bearer view-key-123"}
    planner = {"Authorization": "Bearer plan-key-456"}

    with serve(graph_store, tmp_path, KEYS) as http:
        assert http.get("/v1/outbox").status_code == 401
        listed = http.get("/v1/outbox", params={"status": "failed"}, headers=viewer)
        assert listed.status_code == 200
        body = listed.json()
        assert body["total"] == 1 and body["entries"][0]["id"] == entry_id
        assert body["entries"][0]["last_status"] == 400 and "payload" not in body["entries"][0]
        assert http.get("/v1/outbox", params={"status": "pending"}, headers=viewer).json() == {
            "entries": [],
            "total": 0,
        }
        bad = http.get("/v1/outbox", params={"status": "lost"}, headers=viewer)
        assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_request"

        assert http.post(f"/v1/outbox/{entry_id}/retry", headers=viewer).status_code == 403
        missing = http.post("/v1/outbox/nope/retry", headers=planner)
        assert missing.status_code == 404 and "nope" in missing.json()["error"]["message"]
        retried = http.post(f"/v1/outbox/{entry_id}/retry", headers=planner)
        assert retried.status_code == 200
        assert (retried.json()["status"], retried.json()["attempts"]) == ("pending", 0)
        assert retried.json()["history"][-1]["by"].startswith("api:")
