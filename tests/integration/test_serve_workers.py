"""``marketgraph serve --workers 2`` on the embedded stores: one worker holds the index shard,
the other searches through it, and both answer alike (real processes, real connections)."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.integration.cli_process import ADMIN, BIN, cli, env_for, no_index_warnings
from tests.integration.http_server import free_port


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    data_dir = tmp_path_factory.mktemp("workers")
    loaded = cli(data_dir, "demo", "--cycles", "0", "--outcome-rows", "2000")
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    port = free_port()
    log = data_dir / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(BIN), "serve", "--port", str(port), "--workers", "2"],
            env=env_for(data_dir),
            cwd=data_dir,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while len(_locations(url, 6)) < 2:  # both workers up, each answering for itself
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the workers did not start:\n{log.read_text()}")
            time.sleep(1)
        yield data_dir, url
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _locations(url: str, tries: int) -> set[str]:
    """Where ``/readyz`` says the index is, over fresh connections (each may reach either
    worker)."""
    seen = set()
    for _ in range(tries):
        try:
            with httpx.Client(base_url=url, timeout=30) as http:
                ready = http.get("/readyz").json()
        except (httpx.TransportError, ValueError):
            continue
        if ready.get("retrieval", {}).get("ok"):
            seen.add(ready["retrieval"]["location"])
    return seen


def test_one_worker_holds_the_shard_and_the_other_goes_through_it(
    two_workers: tuple[Path, str],
) -> None:
    data_dir, url = two_workers
    locations = _locations(url, 20)
    assert len(locations) == 2, locations
    held = json.loads((data_dir / "server.json").read_text())["pid"]
    assert any(f"through the server, pid {held}" in loc for loc in locations), locations


def test_searches_answer_alike_whichever_worker_takes_them(two_workers: tuple[Path, str]) -> None:
    data_dir, url = two_workers
    body = {"query": "cold brew bags for Mother's Day", "k": 5}
    answers = []
    for _ in range(12):
        with httpx.Client(base_url=url, timeout=30) as http:  # a fresh connection each time
            found = http.post("/v1/search", json=body, headers={"Authorization": f"Bearer {ADMIN}"})
        assert found.status_code == 200, found.text
        answers.append([i["node_id"] for i in found.json()["items"]])
    assert answers[0] and all(a == answers[0] for a in answers)
    beside = cli(data_dir, "search", body["query"], "--k", "5", "--json")  # a command too
    no_index_warnings(beside)
    assert [i["node_id"] for i in json.loads(beside.stdout)["items"]] == answers[0]
