"""Brand integrity: every write route and every ingest kind, called by keys limited to one
brand with another brand's ids, is refused and changes nothing, on both backends.

The write routes are read from /openapi.json: a new POST or PATCH without attempts here
fails the test. Ingest kinds and export sources come from their registries the same way.
Each attempt must answer 403, 404 or 422 (never a 2xx or a 5xx), must not name the other
brand when it refuses an id of its, and must leave every node's properties and every
count as they were.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from graph.base import GraphStore
from graph.models import GraphBatch, Node
from graph.schema import Label
from ingest import KINDS
from ingest.connectors import CONNECTORS, sample_path
from tests.integration.http_server import serve

OWN, OTHER = "brand-trailhead", "brand-ledgerline"
KEYS = {
    "integrity-admin-0001": "admin",
    "integrity-analyst-0001": f"analyst@{OWN}",
    "integrity-planner-0001": f"planner@{OWN}",
    "integrity-approver-0001": f"approver@{OWN}",
    "integrity-approver-all-01": "approver",
}
ADMIN = {"Authorization": "Bearer integrity-admin-0001"}
ANALYST = {"Authorization": "Bearer integrity-analyst-0001"}
PLANNER = {"Authorization": "Bearer integrity-planner-0001"}
APPROVER = {"Authorization": "Bearer integrity-approver-0001"}
ANY_APPROVER = {"Authorization": "Bearer integrity-approver-all-01"}
NDJSON = {"Content-Type": "application/x-ndjson"}
ROUTING = {"rules": [{"name": "all", "owners": ["sam"]}], "capacity": {"sam": 100}}
PLAN = {"budget": 30_000, "start_date": "2026-07-01", "end_date": "2026-07-14"}


@dataclass
class Attempt:
    """A write with another brand's ids, by a limited key."""

    what: str
    method: str
    path: str
    headers: dict[str, str]
    json_body: Any = None
    content: str | bytes | None = None
    params: dict[str, str] = field(default_factory=dict)
    allowed: tuple[int, ...] = (403, 404, 422)


@dataclass
class Theirs:
    """Ids of the other brand's nodes (and shared ones) the attempts aim at."""

    plan: str
    decision: str
    campaign: str
    asset: str
    audience: str
    lead: str | None
    channel: Node
    shared_audience: str | None
    brief: str = "brief-theirs"
    entry: str = "exe_theirs0000000001"


@pytest.fixture
def served(demo: GraphStore, tmp_path: Path) -> Iterator[tuple[httpx.Client, GraphStore, Theirs]]:
    with serve(demo, tmp_path, KEYS, run_worker=False) as client:
        plan = client.post("/v1/plans", json={**PLAN, "brand_id": OTHER}, headers=ADMIN)
        assert plan.status_code == 200, plan.text
        research = {"brand_id": OTHER, "topic": "invoices", "brief_id": "brief-theirs"}
        r = client.post("/v1/research", json={**research, "external": False}, headers=ADMIN)
        assert r.status_code == 200, r.text
        theirs = Theirs(
            plan=plan.json()["id"],
            decision=plan.json()["decision_id"],
            campaign=_first(demo, Label.CAMPAIGN, OTHER),
            asset=_first(demo, Label.ASSET, OTHER),
            audience=_first(demo, Label.AUDIENCE, OTHER),
            lead=_their_lead(demo),
            channel=demo.list_nodes(Label.CHANNEL, limit=1)[0],
            shared_audience=next(
                (
                    a.id
                    for a in demo.list_nodes(Label.AUDIENCE, 1000)
                    if not a.properties.get("brand_id")
                ),
                None,
            ),
        )
        _failed_outbox_entry(demo, theirs)
        yield client, demo, theirs


def _first(store: GraphStore, label: Label, brand: str) -> str:
    return store.find_nodes(label, {"brand_id": brand}, limit=1)[0].id


def _their_lead(store: GraphStore) -> str | None:
    theirs = {c.id for c in store.find_nodes(Label.CAMPAIGN, {"brand_id": OTHER}, limit=1000)}
    for lead in store.list_nodes(Label.LEAD, limit=10_000):
        if lead.properties.get("campaign_id") in theirs:
            return lead.id
    return None


def _failed_outbox_entry(store: GraphStore, theirs: Theirs) -> None:
    """A failed webhook action of the other brand's plan, waiting for a retry."""
    now = datetime.now(UTC).isoformat()
    execution = Node(Label.EXECUTION, theirs.entry, {
        "id": theirs.entry, "plan_id": theirs.plan, "status": "failed", "created_at": now,
    })  # fmt: skip
    entry = Node(Label.OUTBOX_ENTRY, theirs.entry, {
        "id": theirs.entry, "idempotency_key": "idem-theirs", "adapter": "webhook",
        "channel_id": theirs.channel.id, "payload": "{}", "status": "failed", "attempts": 8,
        "next_attempt_at": now, "created_at": now, "updated_at": now, "history": "[]",
    })  # fmt: skip
    store.write(GraphBatch(nodes=[execution, entry]))


def _ingest_attempts(t: Theirs) -> dict[str, list[dict[str, Any]]]:
    """Per kind, records that touch the other brand (or change a shared node)."""
    ch = t.channel
    day = "2026-03-09T09:00:00+00:00"
    kinds: dict[str, list[dict[str, Any]]] = {
        "brands": [
            {"id": OTHER, "name": "Taken over"},
            {"id": OWN, "name": "Trailhead", "competitor_of": [OTHER]},
        ],
        "channels": [
            {"id": ch.id, "name": "Pwned", "kind": "sms"},
            {"id": "ch-new-shared", "name": "New", "kind": "web"},
        ],
        "audiences": [
            {"id": t.audience, "name": "Mine now", "brand_id": OWN},
            {"id": "aud-new", "name": "Theirs", "brand_id": OTHER},
        ],
        "campaigns": [
            {"id": t.campaign, "brand_id": OWN, "name": "Mine now"},
            {"id": "cmp-new", "brand_id": OTHER, "name": "Theirs"},
            {"id": "cmp-new", "brand_id": OWN, "name": "Mine", "asset_ids": [t.asset]},
            {"id": "cmp-new", "brand_id": OWN, "name": "Mine", "audience_ids": [t.audience]},
        ],
        "assets": [
            {"id": t.asset, "brand_id": OWN, "kind": "email", "title": "Mine now"},
            {"id": "ast-new", "brand_id": OWN, "kind": "email", "title": "Mine",
             "campaign_ids": [t.campaign]},
        ],
        "outcomes": [
            {"date": "2026-03-09", "campaign_id": t.campaign, "channel_id": ch.id, "spend": 1},
            {"date": "2026-03-09", "campaign_id": _own_campaign, "channel_id": ch.id,
             "spend": 1, "asset_id": t.asset},
            {"date": "2026-03-09", "campaign_id": _own_campaign, "channel_id": ch.id,
             "spend": 1, "audience_id": t.audience},
        ],
        "leads": [{"id": "lead-new", "created_at": day, "campaign_id": t.campaign}],
    }  # fmt: skip
    if t.shared_audience:
        kinds["audiences"].append({"id": t.shared_audience, "name": "Mine", "brand_id": OWN})
    if t.lead:
        kinds["leads"].append({"id": t.lead, "created_at": day, "campaign_id": _own_campaign})
    return kinds


_own_campaign = "cmp-trailhead-0001"


def _attempts(t: Theirs) -> dict[tuple[str, str], list[Attempt]]:
    """Per write operation of the OpenAPI document, its attempts."""
    plan, decision = t.plan, t.decision
    ingest = [
        Attempt(f"{kind}: {json.dumps(record)[:80]}", "POST", f"/v1/ingest/{kind}",
                {**ANALYST, **NDJSON}, content=json.dumps(record))
        for kind, records in _ingest_attempts(t).items() for record in records
    ]  # fmt: skip
    exports = [
        Attempt(f"{source} for {OTHER}", "POST", f"/v1/ingest/from/{source}", ANALYST,
                content=sample_path(source).read_bytes(), params={"brand_id": OTHER})
        for source in CONNECTORS
    ] + [
        Attempt("google-ads naming their campaign", "POST", "/v1/ingest/from/google-ads",
                {**ANALYST, "Content-Type": "text/csv"},
                content=f"Day,Campaign,Campaign ID,Cost\n2026-03-01,Spring [{t.campaign}],42,"
                "1.00\n"),
    ]  # fmt: skip
    verdict = {"comment": "mine"}
    return {
        ("POST", "/v1/ingest/{kind}"): ingest,
        ("POST", "/v1/ingest/from/{source}"): exports,
        ("POST", "/v1/plans"): [
            Attempt("plan for them", "POST", "/v1/plans", PLANNER, {**PLAN, "brand_id": OTHER})
        ],
        ("POST", "/v1/plans/{plan_id}/approve"): [
            Attempt("approve theirs", "POST", f"/v1/plans/{plan}/approve", APPROVER, verdict)
        ],
        ("POST", "/v1/plans/{plan_id}/reject"): [
            Attempt("reject theirs", "POST", f"/v1/plans/{plan}/reject", APPROVER, verdict)
        ],
        ("POST", "/v1/plans/{plan_id}/execute"): [
            Attempt("execute theirs", "POST", f"/v1/plans/{plan}/execute", PLANNER)
        ],
        ("POST", "/v1/plans/{plan_id}/replan"): [
            Attempt("replan theirs", "POST", f"/v1/plans/{plan}/replan", PLANNER, {"budget": 1})
        ],
        ("POST", "/v1/plans/{plan_id}/rollback"): [
            Attempt("roll theirs back", "POST", f"/v1/plans/{plan}/rollback", APPROVER,
                    {"to_version": 1})
        ],
        ("POST", "/v1/approvals/{decision_id}/approve"): [
            Attempt("approve their decision", "POST", f"/v1/approvals/{decision}/approve",
                    APPROVER, verdict)
        ],
        ("POST", "/v1/approvals/{decision_id}/reject"): [
            Attempt("reject their decision", "POST", f"/v1/approvals/{decision}/reject",
                    APPROVER, verdict)
        ],
        ("PATCH", "/v1/assets/{asset_id}"): [
            Attempt("edit their asset", "PATCH", f"/v1/assets/{t.asset}", APPROVER,
                    {"title": "Mine now"})
        ],
        ("POST", "/v1/outbox/{entry_id}/retry"): [
            Attempt("retry their webhook", "POST", f"/v1/outbox/{t.entry}/retry", PLANNER),
            Attempt("retry it by its key", "POST", "/v1/outbox/idem-theirs/retry", PLANNER),
        ],
        ("POST", "/v1/research"): [
            Attempt("research for them", "POST", "/v1/research", ANALYST,
                    {"brand_id": OTHER, "topic": "invoices", "external": False}),
            Attempt("research into their brief", "POST", "/v1/research", ANALYST,
                    {"brand_id": OWN, "topic": "boots", "brief_id": t.brief, "external": False}),
        ],
        ("POST", "/v1/search"): [
            Attempt("search theirs", "POST", "/v1/search", ANALYST,
                    {"query": "invoices", "brand_id": OTHER})
        ],
        ("POST", "/v1/usecases/leads/sla/alerts"): [
            Attempt("their SLA alerts", "POST", "/v1/usecases/leads/sla/alerts", ANALYST,
                    {"brand_id": OTHER})
        ],
        ("POST", "/v1/usecases/leads/route"): [
            Attempt("route their leads", "POST", "/v1/usecases/leads/route", PLANNER,
                    {"brand_id": OTHER, "config": ROUTING}),
            Attempt("route their lead as ours", "POST", "/v1/usecases/leads/route", PLANNER,
                    {"config": ROUTING, "lead_ids": [t.lead or "lead-none"]},
                    allowed=(200, 404, 422)),  # "not a lead of this brand", as a missing one
        ],
        ("POST", "/v1/usecases/handoff/alerts"): [
            Attempt("their handoff alerts", "POST", "/v1/usecases/handoff/alerts", ANALYST,
                    {"brand_id": OTHER})
        ],
    }  # fmt: skip


def _digest(store: GraphStore) -> tuple[int, int, str]:
    """Counts, and a hash of every node's properties but the outcome rows'."""
    h = hashlib.sha256()
    for label in Label:
        if label is Label.OUTCOME:
            continue
        for node in sorted(store.list_nodes(label, limit=100_000), key=lambda n: n.id):
            h.update(
                f"{node.ref}{json.dumps(node.properties, sort_keys=True, default=str)}".encode()
            )
    return store.count(), store.count_edges(), h.hexdigest()


def test_no_write_crosses_a_brand(served: tuple[httpx.Client, GraphStore, Theirs]) -> None:
    client, store, theirs = served
    spec = client.get("/openapi.json").json()
    writes = {
        (method.upper(), path)
        for path, item in spec["paths"].items()
        for method in item
        if method.upper() in ("POST", "PUT", "PATCH", "DELETE") and path.startswith("/v1/")
    }
    attempts = _attempts(theirs)
    assert writes - set(attempts) == set(), "write routes without an attempt here"
    kinds = {a.path.rsplit("/", 1)[1] for a in attempts[("POST", "/v1/ingest/{kind}")]}
    assert kinds == set(KINDS)
    failures = []
    for operation in sorted(attempts):
        for a in attempts[operation]:
            before = _digest(store)
            r = client.request(
                a.method, a.path, headers=a.headers, json=a.json_body, content=a.content,
                params=a.params,
            )  # fmt: skip
            problem = None
            if r.status_code not in a.allowed:
                problem = f"answered {r.status_code}: {r.text[:300]}"
            elif OTHER in r.text and OTHER not in json.dumps(
                [a.json_body, a.params, str(a.content)]
            ):
                problem = f"names {OTHER}: {r.text[:300]}"
            elif _digest(store) != before:
                problem = "changed the store"
            if problem:
                failures.append(f"{operation[0]} {operation[1]} / {a.what}: {problem}")
    assert failures == [], "\n".join(failures)


def test_an_approval_names_the_key_that_gave_it(
    served: tuple[httpx.Client, GraphStore, Theirs],
) -> None:
    client, store, theirs = served
    me = client.get("/v1/me", headers=ANY_APPROVER).json()
    r = client.post(
        f"/v1/plans/{theirs.plan}/approve", json={"comment": "go"}, headers=ANY_APPROVER
    )
    assert r.status_code == 200, r.text
    (approval,) = store.find_nodes(Label.APPROVAL, {"decision_id": theirs.decision}, limit=10)
    assert approval.properties["key_id"] == me["key_id"] and me["key_id"].startswith("key_")
    assert approval.properties["approver"] == me["name"]
    # the gate is settled: a late verdict is refused, and nothing more is recorded
    late = client.post(f"/v1/plans/{theirs.plan}/reject", json={}, headers=ANY_APPROVER)
    assert late.status_code == 409
    assert len(store.find_nodes(Label.APPROVAL, {"decision_id": theirs.decision}, 10)) == 1
