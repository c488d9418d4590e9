"""The use-case endpoints on a real HTTP server (both backends), on the hand-computed
fixture and on the demo data; the CLI commands as a real process on `marketgraph demo`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from demo import dataset_parts, generate
from graph.base import GraphStore
from graph.schema import Label
from ingest import ingest
from tests.integration import usecase_fixture as fx
from tests.integration.http_server import serve
from tests.integration.test_api import assert_error
from tests.integration.test_cli import assert_one_line_error, run

KEYS = {"view-key-123": "viewer", "analyst-key-123": "analyst", "plan-key-123": "planner"}
VIEWER = {"Authorization": "Bearer view-key-123"}
ANALYST = {"Authorization": "Bearer analyst-key-123"}
PLANNER = {"Authorization": "Bearer plan-key-123"}
AS_OF = "2026-03-04T00:00:00+00:00"
DEMO_AS_OF = "2026-12-01T00:00:00+00:00"


@pytest.fixture
def client(graph_store: GraphStore, tmp_path: Path) -> Iterator[httpx.Client]:
    with serve(graph_store, tmp_path, KEYS) as http:
        yield http


def kpis(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {k["name"]: k for k in body["kpis"]}


def test_lead_endpoints_on_the_fixture(client: httpx.Client, graph_store: GraphStore) -> None:
    fx.load(graph_store)
    r = client.get(
        "/v1/usecases/leads/sla", params={"brand_id": "b1", "as_of": AS_OF}, headers=VIEWER
    )
    assert r.status_code == 200, r.text
    k = kpis(r.json())
    assert k["sla_compliance"]["value"] == 0.5 and k["lead_response_time_median"]["value"] == 30
    assert k["open_sla_breaches"]["lineage"]["node_ids"] == ["Lead:L4"]
    limited = client.get(
        "/v1/usecases/leads/sla",
        params={"brand_id": "b1", "as_of": AS_OF, "lineage_limit": 2},
        headers=VIEWER,
    ).json()
    assert kpis(limited)["leads"]["lineage"] == {
        "count": 5,
        "node_ids": ["Lead:L1", "Lead:L2"],
        "truncated": True,
    }

    alerts = client.post(
        "/v1/usecases/leads/sla/alerts", json={"brand_id": "b1", "as_of": AS_OF}, headers=ANALYST
    )
    assert alerts.status_code == 200, alerts.text
    assert [a["id"] for a in alerts.json()["alerts"]] == ["alert-sla-L4"]
    decision = client.get(f"/v1/decisions/{alerts.json()['decision_id']}", headers=VIEWER)
    assert decision.status_code == 200 and "Alert" in {n["label"] for n in decision.json()["nodes"]}

    config = {
        "rules": [{"name": "social", "channel_ids": ["ch-social"], "owners": ["Cat"]}],
        "capacity": {"Cat": 3},
    }
    body = {"brand_id": "b1", "config": config, "as_of": AS_OF}
    assert_error(
        client.post("/v1/usecases/leads/route", json=body, headers=ANALYST), 403, "forbidden"
    )
    routed = client.post("/v1/usecases/leads/route", json=body, headers=PLANNER)
    assert routed.status_code == 200, routed.text
    assert [(a["lead_id"], a["owner"]) for a in routed.json()["assigned"]] == [("L5", "Cat")]
    assert graph_store.count(Label.ROUTING_POLICY) == 1

    bad = {**body, "config": {**config, "capacity": {}}}
    error = assert_error(
        client.post("/v1/usecases/leads/route", json=bad, headers=PLANNER), 422, "invalid_request"
    )
    assert "has no capacity" in str(error["message"])
    typo = {
        **body,
        "config": {
            **config,
            "rules": [{"name": "x", "channel_ids": ["ch-nope"], "owners": ["Cat"]}],
        },
    }
    assert_error(
        client.post("/v1/usecases/leads/route", json=typo, headers=PLANNER),
        422,
        "bad_routing_config",
    )


def test_content_creative_and_handoff_on_the_fixture(
    client: httpx.Client, graph_store: GraphStore
) -> None:
    fx.load(graph_store)
    window = {
        "brand_id": "b1",
        "start": "2026-03-01",
        "end": "2026-04-10",
        "as_of": "2026-04-10T12:00:00Z",
    }
    content = client.get("/v1/usecases/content-calendar", params=window, headers=VIEWER)
    assert content.status_code == 200, content.text
    assert kpis(content.json())["content_collisions"]["value"] == 1
    assert kpis(content.json())["localisation_lead_time_median"]["value"] == 10
    creative = client.get("/v1/usecases/creative-tests", params=window, headers=VIEWER)
    assert creative.status_code == 200, creative.text
    (test,) = creative.json()["tests"]
    assert test["winner"] == "v2" and test["variants"][1]["lift"] == pytest.approx(1.6)
    handoff = client.get(
        "/v1/usecases/handoff", params={"brand_id": "b1", "end": "2026-03-31"}, headers=VIEWER
    )
    assert handoff.status_code == 200, handoff.text
    assert {s["source"] for s in handoff.json()["sources"]} == {"ch-search", "ch-social"}

    backwards = {**window, "end": "2026-02-01"}
    assert_error(
        client.get("/v1/usecases/content-calendar", params=backwards, headers=VIEWER),
        422,
        "bad_window",
    )
    assert_error(
        client.get("/v1/usecases/creative-tests", params={"brand_id": "nope"}, headers=VIEWER),
        404,
        "not_found",
    )
    assert_error(
        client.get(
            "/v1/usecases/creative-tests",
            params={"brand_id": "b1", "metric": "roas"},
            headers=VIEWER,
        ),
        422,
        "invalid_request",
    )
    assert_error(
        client.get("/v1/usecases/content-calendar", headers=VIEWER), 422, "invalid_request"
    )
    assert client.get("/v1/usecases/handoff").status_code == 401


def test_every_endpoint_has_sensible_kpis_on_the_demo_data(
    client: httpx.Client, graph_store: GraphStore
) -> None:
    ingest(graph_store, dataset_parts(generate(seed=7, outcome_rows=10_000, extras=True)))
    at = {"as_of": DEMO_AS_OF}

    sla = client.get(
        "/v1/usecases/leads/sla", params={**at, "brand_id": "brand-ledgerline"}, headers=VIEWER
    ).json()
    k = kpis(sla)
    assert k["leads"]["value"] > 500 and 0 < k["sla_compliance"]["value"] < 1
    assert 5 < k["lead_response_time_median"]["value"] < 1000
    assert (
        0 < k["conversion_rate"]["value"] < 0.5
        and k["conversion_rate"]["low"] < k["conversion_rate"]["value"]
    )
    assert len(sla["by_owner"]) >= 6

    handoff = client.get(
        "/v1/usecases/handoff", params={**at, "brand_id": "brand-ledgerline"}, headers=VIEWER
    ).json()
    sources = {s["source"]: s for s in handoff["sources"]}
    # The extras slow LinkedIn's last four weeks down; at this scale (30 recent leads) that is
    # not significant after Holm (the full demo flags it: the CLI test below).
    linkedin = sources["ch-linkedin"]
    assert (
        linkedin["recent"]["median_response_minutes"]
        > linkedin["baseline"]["median_response_minutes"]
    )
    assert linkedin["tested"] and sum(s["tested"] for s in sources.values()) >= 4

    content = client.get(
        "/v1/usecases/content-calendar",
        params={**at, "brand_id": "brand-trailhead"},
        headers=VIEWER,
    ).json()
    c = kpis(content)
    assert c["assets_published"]["value"] > 20 and c["asset_throughput"]["value"] > 0.5
    assert c["localisation_lead_time_median"]["n"] >= 3
    assert 1 < c["localisation_lead_time_median"]["value"] < 60
    assert len(content["cadence"]) > 5

    tests = 0
    for brand in ("brand-trailhead", "brand-ledgerline", "brand-emberoak"):
        creative = client.get(
            "/v1/usecases/creative-tests", params={**at, "brand_id": brand}, headers=VIEWER
        ).json()
        tests += len(creative["tests"])
        for test in creative["tests"]:
            control, *variants = test["variants"]
            assert control["control"] and all(
                v["lift_low"] <= v["lift"] <= v["lift_high"] for v in variants
            )
    assert tests >= 8

    routed = client.post(
        "/v1/usecases/leads/route",
        json={
            "brand_id": "brand-ledgerline",
            "as_of": DEMO_AS_OF,
            "dry_run": True,
            "config": {
                "rules": [
                    {
                        "name": "search",
                        "channel_ids": ["ch-google-search"],
                        "owners": ["Priya Nair", "Jonas Eriksen"],
                    }
                ],
                "default_owners": ["Lena Vogel"],
                "capacity": {"Priya Nair": 400, "Jonas Eriksen": 400, "Lena Vogel": 400},
            },
        },
        headers=PLANNER,
    )
    assert routed.status_code == 200, routed.text
    assert routed.json()["assigned"] and graph_store.count(Label.DECISION) == 0


def test_cli_use_cases_on_marketgraph_demo(tmp_path: Path) -> None:
    assert run(tmp_path, "demo").returncode == 0
    at = ("--as-of", DEMO_AS_OF)

    leads = run(tmp_path, "usecase", "leads", "--brand", "brand-ledgerline", *at)
    assert leads.returncode == 0, leads.stderr
    assert "sla_compliance" in leads.stdout and "Priya Nair" in leads.stdout
    handoff = run(tmp_path, "usecase", "handoff", "--brand", "brand-ledgerline", "--alerts", *at)
    assert handoff.returncode == 0, handoff.stderr
    assert "ch-linkedin" in handoff.stdout and "DEGRADED" in handoff.stdout
    assert "alerts: 1 new" in handoff.stdout
    creative = run(tmp_path, "usecase", "creative", "--brand", "brand-trailhead", "--json", *at)
    report = json.loads(creative.stdout)
    assert len(report["tests"]) >= 3 and any(t["conclusive"] for t in report["tests"])
    content = run(tmp_path, "usecase", "content", "--brand", "brand-trailhead", "--json", *at)
    c = {k["name"]: k for k in json.loads(content.stdout)["kpis"]}
    assert c["localisation_lead_time_median"]["n"] == 12

    rules = tmp_path / "rules.toml"
    rules.write_text(
        '[[rules]]\nname = "search"\nchannel_ids = ["ch-google-search"]\n'
        'owners = ["Priya Nair", "Jonas Eriksen"]\n\n'
        '[capacity]\n"Priya Nair" = 600\n"Jonas Eriksen" = 600\n'
    )
    routed = run(tmp_path, "usecase", "route", str(rules), "--brand", "brand-ledgerline", *at)
    assert routed.returncode == 0, routed.stderr
    assert "routed" in routed.stdout and "left unrouted" in routed.stdout
    rules.write_text('[[rules]]\nname = "search"\nowners = ["Nobody"]\n\n[capacity]\n')
    assert_one_line_error(
        run(tmp_path, "usecase", "route", str(rules), "--brand", "brand-ledgerline"),
        1,
        "rules.toml",
        "owner 'Nobody' (search) has no capacity",
    )
    assert_one_line_error(run(tmp_path, "usecase", "content", "--brand", "nope"), 1, "nope")
    assert_one_line_error(
        run(tmp_path, "usecase", "leads", "--start", "yesterday"), 2, "--start must be a date"
    )
