"""The command line beside a running server on one data dir (real processes, real shard).

The server holds the Qdrant Edge shard and lends it through its index host (``server.json``):
commands search and index through it, commands that need no index never touch it, and
nothing says "index unavailable".
"""

from __future__ import annotations

import json
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest

from tests.integration.cli_process import ADMIN, BIN, cli, env_for, no_index_warnings
from tests.integration.http_server import free_port


@dataclass
class Served:
    data_dir: Path
    process: subprocess.Popen[bytes]
    http: httpx.Client
    log: Path


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    data_dir = tmp_path_factory.mktemp("beside")
    loaded = cli(data_dir, "demo", "--cycles", "0", "--outcome-rows", "3000")
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    port = free_port()
    log = data_dir / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(BIN), "serve", "--port", str(port)],
            env=env_for(data_dir),
            cwd=data_dir,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    headers = {"Authorization": f"Bearer {ADMIN}"}
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=60) as http:
            deadline = time.monotonic() + 90
            while True:
                try:
                    if http.get("/readyz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the server did not start:\n{log.read_text()}")
                time.sleep(0.3)
            yield Served(data_dir, process, http, log)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_the_server_says_where_it_lends_the_index(served: Served) -> None:
    path = served.data_dir / "server.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # the token is for this user alone
    info = json.loads(path.read_text())
    assert info["pid"] == served.process.pid
    assert info["url"].startswith("http://127.0.0.1:") and len(info["token"]) >= 32
    with httpx.Client(base_url=info["url"], timeout=10) as host:
        assert host.get("/v1/index").status_code == 401  # no token
        wrong = {"Authorization": "Bearer " + "x" * 43}
        assert host.post("/v1/index/search", json={"query": "x"}, headers=wrong).status_code == 401
        right = {"Authorization": f"Bearer {info['token']}"}
        found = host.post("/v1/index/search", json={"query": "cold brew", "k": 2}, headers=right)
        assert found.status_code == 200 and len(found.json()["hits"]) == 2


def test_search_beside_the_server_goes_through_it(served: Served) -> None:
    query = "cold brew bags for Mother's Day"
    result = cli(served.data_dir, "search", query, "--json")
    no_index_warnings(result)
    items = json.loads(result.stdout)["items"]
    assert items and "Cold brew bags" in items[0]["title"]
    own = served.http.post("/v1/search", json={"query": query, "k": 10}).json()["items"]
    assert [i["node_id"] for i in items] == [i["node_id"] for i in own]


def test_texts_ingested_beside_the_server_are_searchable_at_once(served: Served) -> None:
    asset = {
        "id": "ast-beside-1",
        "brand_id": "brand-emberoak",
        "kind": "email",
        "title": "Quokka espresso for quizzical commuters",
        "body": "A quokka-approved blend.",
    }
    path = served.data_dir / "beside.jsonl"
    path.write_text(json.dumps(asset) + "\n")
    ingested = cli(served.data_dir, "ingest", "assets", str(path))
    no_index_warnings(ingested)
    assert "wait for the index" not in ingested.stdout
    # Through the server's own API: the point is in the shard the server holds...
    found = served.http.post("/v1/search", json={"query": "quokka espresso", "k": 3}).json()
    assert found["items"][0]["node_id"] == "Asset:ast-beside-1"
    # ...and the command line finds it through the server too.
    again = cli(served.data_dir, "search", "quokka espresso", "--k", "1", "--json")
    no_index_warnings(again)
    assert json.loads(again.stdout)["items"][0]["node_id"] == "Asset:ast-beside-1"


def test_commands_without_the_index_say_nothing_about_it(served: Served) -> None:
    lineage = cli(served.data_dir, "lineage", "cmp-trailhead-0001", "--depth", "1")
    no_index_warnings(lineage)
    assert lineage.stderr == ""
    usecase = cli(served.data_dir, "usecase", "content", "--brand", "brand-trailhead")
    no_index_warnings(usecase)
    assert usecase.stderr == ""


def test_plan_create_beside_the_server_runs_its_research(served: Served) -> None:
    start = date.today() + timedelta(days=500)
    created = cli(
        served.data_dir,
        "plan",
        "create",
        "--brand",
        "brand-trailhead",
        "--budget",
        "20000",
        "--start",
        start.isoformat(),
        "--end",
        (start + timedelta(days=13)).isoformat(),
        "--brief",
        "Grow revenue from hiking boots with returning customers",
        "--json",
    )
    no_index_warnings(created)
    assert "research before planning failed" not in created.stderr
    decision = json.loads(created.stdout)["decision_id"]
    shown = cli(served.data_dir, "lineage", decision, "--depth", "1", "--all", "--json")
    assert shown.returncode == 0, shown.stderr
    labels = {n["label"] for n in json.loads(shown.stdout)["nodes"]}
    assert "ResearchBrief" in labels  # the plan cites the research it ran through the server


def test_the_demo_loop_beside_the_server_indexes_through_it(served: Served) -> None:
    result = cli(served.data_dir, "demo", "--cycles", "1", "--days", "7", timeout=900)
    no_index_warnings(result)
    pending = served.http.get("/readyz").json()["retrieval"]["pending"]
    assert pending == 0


def test_a_server_file_left_by_a_dead_process_is_ignored(tmp_path: Path) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        text=True,
        capture_output=True,
        check=True,
    )
    stale = {"url": "http://127.0.0.1:9", "pid": int(dead.stdout), "token": "t", "started_at": ""}
    (tmp_path / "server.json").write_text(json.dumps(stale))
    asset = {"id": "a1", "brand_id": "b1", "kind": "email", "title": "Wombat walking boots"}
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "brands.jsonl").write_text(json.dumps({"id": "b1", "name": "B"}) + "\n")
    (tmp_path / "in" / "assets.jsonl").write_text(json.dumps(asset) + "\n")
    no_index_warnings(cli(tmp_path, "ingest", "all", str(tmp_path / "in")))
    result = cli(tmp_path, "search", "wombat boots", "--json")
    no_index_warnings(result)
    assert json.loads(result.stdout)["items"][0]["node_id"] == "Asset:a1"
