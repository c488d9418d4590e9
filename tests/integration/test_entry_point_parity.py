"""Every workflow gives the same result through HTTP (a real server) and through the CLI
(a real process): the same inputs, in two data dirs prepared alike, through each door.

Both doors call the application layer (``workflows/``); these tests are what keeps a
route and a command from drifting apart again (an export ingested over either used not to
wake the validation agent).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from agents.orchestrator.events import Event
from api.auth import create_key
from graph.embedded import EmbeddedGraphStore
from graph.models import Node, NodeRef
from graph.schema import Label
from ingest.connectors import sample_path
from tests.integration.http_server import serve
from tests.integration.research_data import BRAND as RESEARCH_BRAND
from tests.integration.research_data import records, write_folder
from tests.integration.test_cli import run, write_jsonl

pytestmark = pytest.mark.integration

KEYS = {
    "analyst-key-123-secret": "analyst",
    "planner-key-123-secret": "planner",
    "approver-key-123-secret": "approver",
}
ANALYST = {"Authorization": "Bearer analyst-key-123-secret"}
PLANNER = {"Authorization": "Bearer planner-key-123-secret"}
APPROVER = {"Authorization": "Bearer approver-key-123-secret"}
LEDGER = "brand-ledgerline"
LEDGERLINE: dict[str, object] = {"id": LEDGER, "name": "Ledgerline", "currency": "EUR"}
TRAILHEAD = "brand-trailhead"


@contextmanager
def opened(data_dir: Path) -> Iterator[EmbeddedGraphStore]:
    """The graph a CLI process wrote in ``data_dir``, opened in this process."""
    store = EmbeddedGraphStore(data_dir / "graph.sqlite")
    try:
        yield store
    finally:
        store.close()


@contextmanager
def server_on(data_dir: Path) -> Iterator[tuple[httpx.Client, EmbeddedGraphStore]]:
    """A real server over the stores a CLI process prepared in ``data_dir``."""
    with opened(data_dir) as store, serve(store, data_dir, KEYS, worker_seconds=0.2) as http:
        yield http, store


def ok(result: Any) -> Any:
    """The JSON of a successful HTTP answer or CLI run."""
    if isinstance(result, httpx.Response):
        assert result.status_code == 200, result.text
        return result.json()
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout)


def cli(data_dir: Path, *args: str) -> Any:
    return ok(run(data_dir, *args))


def wait_for(check: Callable[[], bool], what: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def event_node(store: EmbeddedGraphStore, run_id: str) -> Node | None:
    return store.get_node(NodeRef(label=Label.EVENT, id=Event("outcomes_ingested", run_id).id))


def agent_runs(http: httpx.Client, agent: str) -> float:
    text = http.get("/metrics").text
    pattern = rf'^marketgraph_agent_runs_total{{agent="{agent}",result="done"}} (\S+)$'
    return sum(float(m.group(1)) for m in re.finditer(pattern, text, re.MULTILINE))


def two_dirs(tmp_path: Path, *setup: tuple[str, ...]) -> tuple[Path, Path]:
    """Two data dirs (HTTP's, the CLI's) prepared by the same commands."""
    dirs = (tmp_path / "http", tmp_path / "cli")
    for data_dir in dirs:
        data_dir.mkdir()
        for command in setup:
            result = run(data_dir, *command)
            assert result.returncode == 0, result.stdout + result.stderr
    return dirs


def test_an_exports_outcomes_wake_the_validation_agent_through_http_and_the_cli(
    tmp_path: Path,
) -> None:
    brands = write_jsonl(tmp_path / "brands.jsonl", LEDGERLINE)
    http_dir, cli_dir = two_dirs(tmp_path, ("ingest", "brands", str(brands)))
    export = sample_path("google-ads")

    # The CLI: the export lands, its outcomes_ingested event waits for a worker, which
    # runs the validation agent on it.
    shown = run(cli_dir, "ingest", "--from", "google-ads", str(export), "--brand", LEDGER)
    assert shown.returncode == 0, shown.stderr
    [cli_run] = re.findall(r"ingested \d+ records as (run_\w+)", shown.stdout)
    with opened(cli_dir) as store:
        event = event_node(store, cli_run)
        assert event is not None, "the CLI's export ingest published no outcomes_ingested"
        assert event.properties["status"] == "pending"
        assert json.loads(str(event.properties["payload"])) == {"brand_id": LEDGER}
    worked = run(cli_dir, "work", "--once")
    assert worked.returncode == 0 and "handled 1 events" in worked.stdout, worked.stdout
    with opened(cli_dir) as store:
        event = event_node(store, cli_run)
        assert event is not None and event.properties["status"] == "handled"

    # HTTP: the same export, the same run; the server's worker runs the validation agent.
    with server_on(http_dir) as (http, store):
        before = agent_runs(http, "validation")
        answer = ok(
            http.post(
                "/v1/ingest/from/google-ads",
                content=export.read_bytes(),
                params={"brand_id": LEDGER, "filename": export.name},
                headers=ANALYST,
            )
        )
        assert answer["run_id"] == cli_run and answer["records"]["outcomes"] == 21

        def handled() -> bool:
            node = event_node(store, cli_run)
            return node is not None and node.properties["status"] == "handled"

        wait_for(handled, "the server's worker to handle outcomes_ingested")
        assert agent_runs(http, "validation") == before + 1


def test_canonical_records_land_the_same_and_both_publish_outcomes(tmp_path: Path) -> None:
    folder = tmp_path / "records"
    folder.mkdir()
    write_jsonl(folder / "brands.jsonl", LEDGERLINE)
    write_jsonl(folder / "channels.jsonl", {"id": "ch-x", "name": "X", "kind": "email"})
    write_jsonl(
        folder / "campaigns.jsonl",
        {"id": "c1", "brand_id": LEDGER, "name": "Spring", "channel_ids": ["ch-x"]},
    )
    outcomes = write_jsonl(
        tmp_path / "outcomes.jsonl",
        *(
            {"date": f"2026-03-0{d}", "campaign_id": "c1", "channel_id": "ch-x", "spend": 10 * d}
            for d in range(1, 6)
        ),
    )
    http_dir, cli_dir = two_dirs(tmp_path, ("ingest", "all", str(folder)))
    shown = run(cli_dir, "ingest", "outcomes", str(outcomes))
    assert shown.returncode == 0, shown.stderr
    [cli_run] = re.findall(r"ingested 5 records as (run_\w+)", shown.stdout)
    with server_on(http_dir) as (http, store):
        answer = ok(
            http.post(
                "/v1/ingest/outcomes",
                content=outcomes.read_bytes(),
                headers={**ANALYST, "Content-Type": "application/x-ndjson"},
            )
        )
        assert (answer["accepted"], answer["rejected"]) == (5, [])
        assert event_node(store, answer["run_id"]) is not None
        http_outcomes = sorted(str(n.id) for n in store.list_nodes(Label.OUTCOME, limit=100))
    with opened(cli_dir) as store:
        assert event_node(store, cli_run) is not None
        cli_outcomes = sorted(str(n.id) for n in store.list_nodes(Label.OUTCOME, limit=100))
    assert http_outcomes == cli_outcomes and len(cli_outcomes) == 5


def _lines(plan: dict[str, Any]) -> list[tuple[str, str, float]]:
    return sorted((a["channel_id"], a["audience_id"], a["budget"]) for a in plan["allocations"])


def _kpis(report: dict[str, Any]) -> dict[str, Any]:
    return {k["name"]: (k["value"], k["n"]) for k in report["kpis"]}


# The plans start today: both entry points run on the system clock and hand them over now.
START = datetime.now(UTC).date()
END = START + timedelta(days=13)


def test_plans_reports_search_and_lineage_agree(tmp_path: Path) -> None:
    http_dir, cli_dir = two_dirs(tmp_path, ("demo", "--cycles", "0", "--outcome-rows", "3000"))
    request = {
        "brand_id": TRAILHEAD,
        "budget": 20_000,
        "start_date": START.isoformat(),
        "end_date": END.isoformat(),
        "constraints": {"max": {"ch-meta": 3000}},
    }
    as_of = "2026-12-01T00:00:00+00:00"
    query = "trail running shoes"

    # Reads first (executing a plan drafts assets, which search would then find).
    leads = cli(
        cli_dir, "usecase", "leads", "--brand", "brand-ledgerline", "--as-of", as_of, "--json"
    )
    found = cli(
        cli_dir, "search", query, "--brand", TRAILHEAD, "--k", "5", "--mode", "sparse", "--json"
    )
    walked = cli(cli_dir, "lineage", "cmp-trailhead-0001", "--depth", "2", "--all", "--json")
    made = cli(
        cli_dir,
        *("plan", "create", "--brand", TRAILHEAD, "--budget", "20000"),
        *("--start", START.isoformat(), "--end", END.isoformat(), "--max", "ch-meta=3000"),
        *("--as", "pat", "--json"),
    )
    sam = create_key(cli_dir / "api-keys.json", "approver", "sam")  # as `keys create` does
    approved = cli(cli_dir, "plan", "approve", made["id"], "--key", sam, "--json")
    executed = cli(cli_dir, "plan", "execute", made["id"], "--no-wait", "--json")
    back = cli(cli_dir, "plan", "rollback", made["id"], "--to-version", "1", "--json")

    with server_on(http_dir) as (http, _):
        sla = ok(
            http.get(
                "/v1/usecases/leads/sla",
                params={"brand_id": "brand-ledgerline", "as_of": as_of},
                headers=ANALYST,
            )
        )
        hits = ok(
            http.post(
                "/v1/search",
                json={"query": query, "brand_id": TRAILHEAD, "k": 5, "mode": "sparse"},
                headers=ANALYST,
            )
        )
        lineage = ok(http.get("/v1/lineage/cmp-trailhead-0001?depth=2", headers=ANALYST))
        plan = ok(http.post("/v1/plans", json=request, headers=PLANNER))
        verdict = ok(http.post(f"/v1/plans/{plan['id']}/approve", json={}, headers=APPROVER))
        running = ok(http.post(f"/v1/plans/{plan['id']}/execute", headers=PLANNER))
        rolled = ok(
            http.post(f"/v1/plans/{plan['id']}/rollback", json={"to_version": 1}, headers=APPROVER)
        )

    assert _lines(plan) == _lines(made) and plan["kpis"] == made["kpis"]
    assert [p["status"] for p in (plan, verdict, running)] == [
        "pending_approval",
        "approved",
        "executing",
    ]
    assert [p["status"] for p in (made, approved, executed)] == [
        "pending_approval",
        "approved",
        "executing",
    ]
    assert (
        (rolled["version"], rolled["status"])
        == (back["version"], back["status"])
        == (
            2,
            "pending_approval",
        )
    )
    assert _lines(rolled) == _lines(back)
    assert _kpis(sla) == _kpis(leads) and _kpis(sla)
    assert [i["node_id"] for i in hits["items"]] == [i["node_id"] for i in found["items"]]
    assert hits["items"]
    nodes = sorted(n["node_id"] for n in lineage["nodes"])
    assert nodes == sorted(n["node_id"] for n in walked["nodes"]) and len(nodes) > 1


def test_research_gives_the_same_brief_through_both_doors(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "export", records())
    http_dir, cli_dir = two_dirs(tmp_path, ("ingest", "all", str(folder)))
    topic = "waterproof hiking boots"
    shown = cli(
        cli_dir,
        *("research", topic, "--brand", RESEARCH_BRAND, "--window-days", "60"),
        *("--brief-id", "brief-1", "--no-external", "--json"),
    )
    with server_on(http_dir) as (http, store):
        body = {
            "brand_id": RESEARCH_BRAND,
            "topic": topic,
            "window_days": 60,
            "brief_id": "brief-1",
            "external": False,
        }
        answer = ok(http.post("/v1/research", json=body, headers=ANALYST))
        decision = store.require_node(NodeRef(label=Label.DECISION, id=answer["decision_id"]))
        assert decision.properties["kind"] == "research"

    def essence(brief: dict[str, Any]) -> dict[str, Any]:
        return {
            "brief_id": brief["brief_id"],
            "angles": [a["label"] for a in brief["competitor_angles"]],
            "hooks": [h["label"] for h in brief["trending_hooks"]],
            "suggested": [(s["rank"], s["angle"]) for s in brief["suggested_angles"]],
            "data_points": [d["label"] for d in brief["data_points"]],
        }

    assert essence(answer) == essence(shown) and essence(shown)["angles"]
