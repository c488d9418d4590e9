"""Who may do what, and over which brands, walked from the OpenAPI document itself.

The role matrix: every /v1 operation declares the role it needs (``x-required-role``, read
from its own dependency); every role below it must get 403, every role at or above it must
get through the role check, and no key at all gets 401. Brand scoping: keys limited to
one brand call every GET operation with their own ids and with another brand's, and no
response may carry an id of another brand; writes across the limit are refused.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.auth import MINIMUM_ROLE
from api.services import open_index
from api.settings import ROLES, Settings
from demo import dataset_parts, generate
from graph.base import GraphStore
from graph.models import NodeRef
from graph.schema import Label
from graph.scope import SHARED, brands_of
from ingest import ingest
from retrieval.indexer import Indexer
from tests.integration.http_server import serve

OWN, OTHER = "brand-trailhead", "brand-ledgerline"
RANK = {role: i for i, role in enumerate(("viewer", "analyst", "planner", "admin"))}
KEYS = {f"{role}-key-0001-secret": role for role in ROLES}
LIMITED = {
    "lim-viewer-0001-secret": f"viewer@{OWN}",
    "lim-analyst-0001-secret": f"analyst@{OWN}",
    "lim-planner-0001-secret": f"planner@{OWN}",
    "lim-approver-0001-secret": f"approver@{OWN}",
}
ADMIN = {"Authorization": "Bearer admin-key-0001-secret"}
PLAN = {"budget": 30_000, "start_date": "2026-07-01", "end_date": "2026-07-14"}


def _may(role: str, needed: str) -> bool:
    """The grants of api/auth.py, restated: approver is a reader that approves."""
    if role == "admin" or role == needed:
        return True
    if needed == "approver":
        return False
    if role == "approver":
        return needed == "viewer"
    return RANK[role] >= RANK[needed]


def _operations(client: httpx.Client) -> list[tuple[str, str, dict[str, Any]]]:
    spec = client.get("/openapi.json").json()
    return [
        (method.upper(), path, op)
        for path, item in spec["paths"].items()
        if path.startswith("/v1/")
        for method, op in item.items()
    ]


def _fill(path: str, values: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), "nope"), path)


def _call(
    client: httpx.Client, method: str, url: str, key: str | None, **kw: Any
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    body = kw.pop("json", {} if method in ("POST", "PATCH", "PUT") else None)
    return client.request(method, url, headers=headers, json=body, **kw)


@pytest.fixture
def empty_client(graph_store: GraphStore, tmp_path: Path) -> Iterator[httpx.Client]:
    with serve(graph_store, tmp_path, KEYS, run_worker=False) as http:
        yield http


def test_every_v1_operation_declares_a_role_and_enforces_it(empty_client: httpx.Client) -> None:
    operations = _operations(empty_client)
    assert len(operations) >= 30
    missing = [f"{m} {p}" for m, p, op in operations if "x-required-role" not in op]
    assert missing == [], "operations without a declared role"
    for method, path, op in operations:
        needed = op["x-required-role"]
        assert needed in MINIMUM_ROLE.values()
        url = _fill(path, {})
        anonymous = _call(empty_client, method, url, None)
        assert anonymous.status_code == 401, (method, path, anonymous.text)
        for role in ROLES:
            r = _call(empty_client, method, url, f"{role}-key-0001-secret")
            assert r.status_code < 500, (method, path, role, r.text)
            if _may(role, needed):
                assert r.status_code not in (401, 403), (method, path, role, r.text)
            else:
                assert r.status_code == 403, (method, path, role, r.status_code, r.text)
                assert r.json()["error"]["code"] == "forbidden"


# -- brand scoping -------------------------------------------------------------------------
@pytest.fixture
def scoped(graph_store: GraphStore, tmp_path: Path) -> Iterator[tuple[httpx.Client, GraphStore]]:
    ingest(graph_store, dataset_parts(generate(seed=7, outcome_rows=3000)))
    index = open_index(Settings(data_dir=tmp_path))  # type: ignore[call-arg]
    Indexer(graph_store, index).reindex_all()
    index.close()
    with serve(graph_store, tmp_path, {**KEYS, **LIMITED}, run_worker=False) as http:
        yield http, graph_store


def _post(client: httpx.Client, path: str, body: Any, headers: dict[str, str]) -> dict[str, Any]:
    r = client.post(path, json=body, headers=headers)
    assert r.status_code == 200, r.text
    data: dict[str, Any] = r.json()
    return data


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
        if value.startswith("{") or value.startswith("["):
            with contextlib.suppress(ValueError):
                yield from _strings(json.loads(value))
    elif isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _foreign_ids(store: GraphStore) -> set[str]:
    """Ids (bare and ``Label:id``) of every non-outcome node that belongs to another brand."""
    foreign: set[str] = set()
    for label in Label:
        if label in (Label.OUTCOME, Label.LEAD):
            continue
        nodes = store.list_nodes(label, limit=100_000)
        for node in nodes:
            brands = brands_of(store, [node])[node.ref]
            if brands is not None and brands != SHARED and OWN not in brands:
                foreign |= {node.id, str(node.ref)}
    return foreign


def _leaks(response: httpx.Response, foreign: set[str]) -> set[str]:
    try:
        body = response.json()
    except ValueError:
        return set()
    return {s for s in _strings(body) if s in foreign}


def test_a_key_limited_to_a_brand_never_sees_another(
    scoped: tuple[httpx.Client, GraphStore],
) -> None:
    client, store = scoped
    own_plan = _post(client, "/v1/plans", {**PLAN, "brand_id": OWN}, ADMIN)
    other_plan = _post(client, "/v1/plans", {**PLAN, "brand_id": OTHER}, ADMIN)
    other_research = _post(
        client, "/v1/research", {"brand_id": OTHER, "topic": "cash flow forecasting"}, ADMIN
    )
    own_campaign = store.find_nodes(Label.CAMPAIGN, {"brand_id": OWN}, limit=1)[0].id
    other_campaign = store.find_nodes(Label.CAMPAIGN, {"brand_id": OTHER}, limit=1)[0].id
    foreign = _foreign_ids(store)
    assert other_plan["id"] in foreign and other_campaign in foreign and OTHER in foreign

    own_ids = {
        "plan_id": own_plan["id"],
        "decision_id": own_plan["decision_id"],
        "campaign_id": own_campaign,
        "node_id": f"Plan:{own_plan['id']}",
        "research_id": "nope",
        "entry_id": "nope",
        "asset_id": "nope",
        "brand_id": OWN,
    }
    other_ids = {
        "plan_id": other_plan["id"],
        "decision_id": other_plan["decision_id"],
        "campaign_id": other_campaign,
        "node_id": f"Plan:{other_plan['id']}",
        "research_id": other_research["id"],
        "entry_id": "nope",
        "asset_id": store.find_nodes(Label.ASSET, {"brand_id": OTHER}, limit=1)[0].id,
        "brand_id": OTHER,
    }
    viewer = "lim-viewer-0001-secret"
    gets = [(m, p) for m, p, _ in _operations(client) if m == "GET"]
    assert len(gets) >= 12
    for _, path in gets:
        for values, mine in ((own_ids, True), (other_ids, False)):
            params = {"brand_id": OWN} if "{" not in path else {}
            r = _call(client, "GET", _fill(path, values), viewer, params=params)
            assert r.status_code < 500, (path, r.text)
            assert _leaks(r, foreign) == set(), (path, r.status_code)
            if not mine and "{" in path and "nope" not in _fill(path, values):
                assert r.status_code == 404, (path, r.status_code, r.text)
    # the shared channel's effects (every brand's campaigns) are filtered, not refused
    down = _call(client, "GET", "/v1/lineage/Channel:ch-meta", viewer, params={"direction": "down"})
    assert down.status_code == 200 and _leaks(down, foreign) == set()
    assert any(n["id"] == "ch-meta" for n in down.json()["nodes"])
    # naming another brand is a 403 that names the key's brands; lists hold only its brand
    for path in ("/v1/plans", "/v1/content/edits", "/v1/usecases/leads/sla"):
        refused = _call(client, "GET", path, viewer, params={"brand_id": OTHER})
        assert refused.status_code == 403, (path, refused.text)
        assert refused.json()["error"]["code"] == "brand_forbidden" and OWN in refused.text
    plans = _call(client, "GET", "/v1/plans", viewer).json()
    assert [p["id"] for p in plans] == [own_plan["id"]]
    queue = _call(client, "GET", "/v1/approvals", viewer).json()
    assert [q["subject"] for q in queue] == [f"Plan:{own_plan['id']}"]
    # search: inside the brand whatever the query, and never across it when asked
    for query in ("accounting software for small firms", "email campaign for new customers"):
        hits = _call(client, "POST", "/v1/search", viewer, json={"query": query, "k": 50})
        assert hits.status_code == 200 and _leaks(hits, foreign) == set(), hits.text
    assert hits.json()["items"], "the brand's own items are found"
    unlimited = _call(client, "POST", "/v1/search", "viewer-key-0001-secret", json={"query": query})
    assert _leaks(unlimited, foreign), "the same query finds other brands' items without a limit"
    across = _call(client, "POST", "/v1/search", viewer, json={"query": "x", "brand_id": OTHER})
    assert across.status_code == 403


def test_a_key_limited_to_a_brand_cannot_act_on_another(
    scoped: tuple[httpx.Client, GraphStore],
) -> None:
    client, store = scoped
    other_plan = _post(client, "/v1/plans", {**PLAN, "brand_id": OTHER}, ADMIN)
    approvals = store.count(Label.APPROVAL)
    refused = _call(
        client, "POST", "/v1/plans", "lim-planner-0001-secret", json={**PLAN, "brand_id": OTHER}
    )
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "brand_forbidden"
    for path in (
        f"/v1/plans/{other_plan['id']}/approve",
        f"/v1/approvals/{other_plan['decision_id']}/approve",
        f"/v1/plans/{other_plan['id']}/rollback",
    ):
        body = {"to_version": 1} if path.endswith("rollback") else {}
        r = _call(client, "POST", path, "lim-approver-0001-secret", json=body)
        assert r.status_code == 404, (path, r.text)
    assert store.count(Label.APPROVAL) == approvals  # nothing was recorded
    r = _call(client, "POST", f"/v1/plans/{other_plan['id']}/replan", "lim-planner-0001-secret")
    assert r.status_code == 404
    # its own brand's plan goes through the same doors
    own = _post(
        client,
        "/v1/plans",
        {**PLAN, "brand_id": OWN},
        {"Authorization": "Bearer lim-planner-0001-secret"},
    )
    verdict = _call(
        client, "POST", f"/v1/approvals/{own['decision_id']}/approve", "lim-approver-0001-secret"
    )
    assert verdict.status_code == 200 and verdict.json()["status"] == "approved"

    # ingest: another brand's records, and shared channels, are rejected by line
    campaign = {"id": "cmp-sneaky", "brand_id": OTHER, "name": "Sneaky"}
    channel = {"id": "ch-sneaky", "name": "Sneaky", "kind": "web"}
    mine = {"id": "cmp-mine", "brand_id": OWN, "name": "Mine"}
    body = "\n".join(json.dumps(c) for c in (mine, campaign))
    analyst = {
        "Authorization": "Bearer lim-analyst-0001-secret",
        "Content-Type": "application/x-ndjson",
    }
    r = client.post("/v1/ingest/campaigns", content=body, headers=analyst)
    assert r.status_code == 422, r.text
    rejected = r.json()["error"]["details"]["rejected"]
    assert [x["line"] for x in rejected] == [2] and "outside this key's brands" in rejected[0][
        "reason"
    ]
    assert store.get_node(NodeRef(Label.CAMPAIGN, "cmp-mine")) is None  # all or nothing
    r = client.post("/v1/ingest/channels", content=json.dumps(channel), headers=analyst)
    assert r.status_code == 422 and "shared by every brand" in r.text
    # re-sending another brand's campaign id under its own brand would move it: refused
    hijack = {"id": store.find_nodes(Label.CAMPAIGN, {"brand_id": OTHER}, limit=1)[0].id}
    hijack |= {"brand_id": OWN, "name": "Mine now"}
    r = client.post("/v1/ingest/campaigns", content=json.dumps(hijack), headers=analyst)
    assert r.status_code == 422 and "stored under another brand" in r.text
    stored = store.get_node(NodeRef(Label.CAMPAIGN, hijack["id"]))
    assert stored is not None and stored.properties["brand_id"] == OTHER
    r = client.post("/v1/ingest/campaigns", content=json.dumps(mine), headers=analyst)
    assert r.status_code == 200 and r.json()["accepted"] == 1
