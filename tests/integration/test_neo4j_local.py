"""scripts/neo4j-local: ``--data DIR`` keeps the databases across a restart, and the hint it
prints runs a MarketGraph service on Neo4j beside a running ``make run`` (its own port and
data dir: neither the port nor the embedded text index is shared), which stays up."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from neo4j import GraphDatabase

import migrations
from demo import dataset_parts, generate
from ingest import ingest
from tests.conftest import ROOT, Neo4jConnection, clear_neo4j, open_neo4j_store
from tests.integration.http_server import free_port
from tests.neo4j_server import Neo4jServer, java_available

pytestmark = [pytest.mark.integration, pytest.mark.neo4j]

MARKETGRAPH = Path(sys.executable).parent / "marketgraph"
KEY = "local-admin-key-123"


def script() -> ModuleType:
    loader = importlib.machinery.SourceFileLoader("neo4j_local", str(ROOT / "scripts/neo4j-local"))
    spec = importlib.util.spec_from_loader("neo4j_local", loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def test_the_hint_keeps_clear_of_make_run() -> None:
    text = script().hint("bolt://127.0.0.1:7687", "http://127.0.0.1:7474")
    assert "bolt://" in text and "No authentication" in text
    [command] = [ln for ln in text.splitlines() if "marketgraph serve" in ln]
    assert "--port 8000" not in command and "--port 8001" in command
    assert "MARKETGRAPH_DATA_DIR=.marketgraph-neo4j" in command
    assert "MARKETGRAPH_NEO4J_URI=bolt://127.0.0.1:7687" in command
    args = script().arguments(["--data", "/tmp/x", "--bolt-port", "0"])
    assert (args.data, args.bolt_port, args.http_port) == (Path("/tmp/x"), 0, 7474)


def test_a_data_dir_keeps_the_databases_across_a_restart(tmp_path: Path) -> None:
    if not java_available():
        pytest.skip("needs java")
    data = tmp_path / "data"

    def started() -> Neo4jServer:
        server = Neo4jServer(
            ROOT, data_dir=data, log_path=tmp_path / "neo4j.log", logs_dir=tmp_path / "logs"
        )
        server.start()
        return server

    server = started()
    try:
        with GraphDatabase.driver(server.bolt_uri, auth=None) as driver:
            driver.execute_query("CREATE (:Brand {id: 'brand-kept', name: 'Kept'})")
    finally:
        server.stop()
    assert any(data.rglob("*")), "nothing was written to the data dir"
    server = started()
    try:
        with GraphDatabase.driver(server.bolt_uri, auth=None) as driver:
            records, _, _ = driver.execute_query("MATCH (b:Brand {id: 'brand-kept'}) RETURN b.name")
        assert [r[0] for r in records] == ["Kept"]
    finally:
        server.stop()


def _ready(url: str, proc: subprocess.Popen[Any], seconds: float = 180) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"{url}: the service exited with {proc.returncode}")
        try:
            r = httpx.get(f"{url}/readyz", timeout=5)
            if r.status_code == 200:
                answer: dict[str, Any] = r.json()
                return answer
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"{url} did not get ready")


def test_the_hinted_service_runs_beside_make_run(
    neo4j_connection: Neo4jConnection, tmp_path: Path
) -> None:
    store = open_neo4j_store(neo4j_connection)
    try:
        clear_neo4j(store)
        migrations.apply_pending(store)
        ingest(store, dataset_parts(generate(seed=7, outcome_rows=1500)))
    finally:
        store.close()
    env = {**os.environ, "MARKETGRAPH_API_KEYS": f"{KEY}:admin"}
    for name in list(env):
        if name.startswith("MARKETGRAPH_NEO4J_") or name == "MARKETGRAPH_DATA_DIR":
            del env[name]
    make_run, beside = free_port(), free_port()
    # `make run`: the embedded stores under ./.marketgraph
    first = subprocess.Popen(
        [str(MARKETGRAPH), "serve", "--host", "127.0.0.1", "--port", str(make_run)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    second = None
    try:
        _ready(f"http://127.0.0.1:{make_run}", first)
        text = script().hint(neo4j_connection.uri, "http://127.0.0.1:7474", serve_port=beside)
        [line] = [ln.strip() for ln in text.splitlines() if "marketgraph serve" in ln]
        words = shlex.split(line.replace(".venv/bin/marketgraph", str(MARKETGRAPH)))
        hinted = dict(w.split("=", 1) for w in words if "=" in w and not w.startswith("-"))
        command = [w for w in words if w not in {f"{k}={v}" for k, v in hinted.items()}]
        auth = {}
        if neo4j_connection.user:
            auth = {
                "MARKETGRAPH_NEO4J_USER": neo4j_connection.user,
                "MARKETGRAPH_NEO4J_PASSWORD": neo4j_connection.password or "",
            }
        second = subprocess.Popen(
            command,
            cwd=tmp_path,
            env={**env, **hinted, **auth},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        ready = _ready(f"http://127.0.0.1:{beside}", second)
        assert "neo4j" in str(ready).lower()
        headers = {"Authorization": f"Bearer {KEY}"}
        for port in (make_run, beside):
            r = httpx.post(
                f"http://127.0.0.1:{port}/v1/search",
                json={"query": "trail boots", "k": 3},
                headers=headers,
                timeout=60,
            )
            assert r.status_code == 200, (port, r.text)
        campaigns = httpx.get(
            f"http://127.0.0.1:{beside}/v1/campaigns", headers=headers, timeout=60
        )
        assert campaigns.status_code == 200 and campaigns.json()
        time.sleep(3)
        assert first.poll() is None and second.poll() is None, "a service died"
        assert (tmp_path / ".marketgraph").is_dir()
        assert (tmp_path / ".marketgraph-neo4j").is_dir()
    finally:
        for proc in (second, first):
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGINT)
                try:
                    proc.wait(30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
