"""GET /v1/campaigns searched, sorted and paged, and /v1/campaigns/summary per currency,
over a real HTTP server on both graph backends.

Expected orders and sums are computed here from the campaign nodes and the outcome rows
read one by one from the graph, never through the listing's own aggregates.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from graph.base import GraphStore
from graph.models import NodeRef, OutcomeQuery
from graph.schema import Label
from tests.integration.http_server import serve
from tests.integration.test_api import assert_error

KEYS = {"view-key-123": "viewer", "trail-key-123": "viewer@brand-trailhead"}
VIEWER = {"Authorization": "Bearer view-key-123"}
TRAIL = {"Authorization": "Bearer trail-key-123"}
TRAILHEAD = "brand-trailhead"


@pytest.fixture
def client(demo: GraphStore, tmp_path: Path) -> Iterator[httpx.Client]:
    with serve(demo, tmp_path, KEYS) as http:
        yield http


def _list(client: httpx.Client, headers: dict[str, str], **params: Any) -> tuple[list[Any], int]:
    r = client.get("/v1/campaigns", params=params, headers=headers)
    assert r.status_code == 200, r.text
    return r.json(), int(r.headers["X-Total-Count"])


def _spend_by_campaign(store: GraphStore) -> dict[str, float]:
    keys = store.outcome_keys(OutcomeQuery())
    spend: dict[str, float] = defaultdict(float)
    for n in store.get_nodes([NodeRef(label=Label.OUTCOME, id=k.id) for k in keys]):
        spend[str(n.properties["campaign_id"])] += float(n.properties.get("spend") or 0)
    return dict(spend)


def test_campaigns_are_searched_sorted_and_paged_with_a_total(
    client: httpx.Client, demo: GraphStore
) -> None:
    stored = demo.list_nodes(Label.CAMPAIGN, 10_000)
    every, total = _list(client, VIEWER, limit=1000)
    assert total == len(stored) == len(every)

    # search: name or id, any case; the total counts every match, not the page
    word = str(stored[0].properties["name"]).split()[0]
    hits = sorted(n.id for n in stored if word.casefold() in str(n.properties["name"]).casefold())
    assert 1 <= len(hits) < len(stored)
    found, count = _list(client, VIEWER, q=word.upper(), limit=1000)
    assert [c["id"] for c in found] == hits and count == len(hits)
    first, count = _list(client, VIEWER, q=word, limit=1)
    assert len(first) == 1 and count == len(hits)
    by_id, _ = _list(client, VIEWER, q=stored[-1].id)
    assert [c["id"] for c in by_id] == [stored[-1].id]
    nothing, count = _list(client, VIEWER, q="no campaign is called this")
    assert nothing == [] and count == 0

    # sort by a property, both ways; ties by id
    names, _ = _list(client, VIEWER, sort="name", limit=1000)
    expected = sorted(stored, key=lambda n: n.id)
    expected.sort(key=lambda n: str(n.properties["name"]).casefold())
    assert [c["id"] for c in names] == [n.id for n in expected]
    names_desc, _ = _list(client, VIEWER, sort="name", order="desc", limit=1000)
    assert [c["name"].casefold() for c in names_desc] == sorted(
        (c["name"].casefold() for c in names), reverse=True
    )
    starts, _ = _list(client, VIEWER, sort="start_date", order="desc", limit=1000)
    dates = [c["start_date"] for c in starts if c["start_date"]]
    assert dates == sorted(dates, reverse=True)

    # sort by an outcome total, paged: the pages put together are the whole order
    spend = _spend_by_campaign(demo)
    ranked = sorted(stored, key=lambda n: n.id)
    ranked.sort(key=lambda n: spend.get(n.id, 0.0), reverse=True)
    pages = [
        _list(client, VIEWER, sort="spend", order="desc", limit=7, offset=o)[0]
        for o in range(0, len(stored), 7)
    ]
    listed = [c for page in pages for c in page]
    assert [c["id"] for c in listed] == [n.id for n in ranked]
    assert listed[0]["totals"]["spend"] == pytest.approx(max(spend.values()), abs=0.01)
    roas, _ = _list(client, VIEWER, sort="roas", limit=1000)
    values = [c["totals"]["roas"] for c in roas]
    present = [v for v in values if v is not None]
    assert present == sorted(present) and values[: len(present)] == present

    # a brand, and a key limited to one, with search
    trail, count = _list(client, VIEWER, brand_id=TRAILHEAD, sort="revenue", order="desc")
    assert {c["brand_id"] for c in trail} == {TRAILHEAD}
    assert count == sum(1 for n in stored if n.properties.get("brand_id") == TRAILHEAD)
    theirs, their_count = _list(client, TRAIL, q=word, limit=1000)
    assert [c["id"] for c in theirs] == [
        i for i in hits if next(n for n in stored if n.id == i).properties["brand_id"] == TRAILHEAD
    ]
    assert their_count == len(theirs)

    # refusals name the parameter
    for params in ({"sort": "likes"}, {"order": "sideways"}, {"q": "x" * 201}):
        error = assert_error(
            client.get("/v1/campaigns", params=params, headers=VIEWER), 422, "invalid_request"
        )
        assert next(iter(params)) in str(error)


def test_the_summary_totals_each_currency_apart(client: httpx.Client, demo: GraphStore) -> None:
    stored = demo.list_nodes(Label.CAMPAIGN, 10_000)
    brands = {b.id: b.properties.get("currency") for b in demo.list_nodes(Label.BRAND, 100)}
    assert len(set(brands.values())) >= 2, "the demo should mix currencies"
    spend = _spend_by_campaign(demo)
    expected: dict[str, float] = defaultdict(float)
    campaigns: dict[str, int] = defaultdict(int)
    for n in stored:
        currency = str(brands[str(n.properties["brand_id"])])
        expected[currency] += spend.get(n.id, 0.0)
        campaigns[currency] += 1

    r = client.get("/v1/campaigns/summary", headers=VIEWER)
    assert r.status_code == 200, r.text
    summary = r.json()
    assert summary["count"] == len(stored)
    got = {c["currency"]: c for c in summary["currencies"]}
    assert set(got) == set(expected)
    for currency, c in got.items():
        assert c["totals"]["spend"] == pytest.approx(expected[currency], abs=0.05)
        assert c["campaigns"] == campaigns[currency]
        running = {str(n.properties["brand_id"]) for n in stored}
        assert c["brands"] == sorted(b for b in running if brands[b] == currency)
    spends = [c["totals"]["spend"] for c in summary["currencies"]]
    assert spends == sorted(spends, reverse=True)

    # the same filters as the list
    word = str(stored[0].properties["name"]).split()[0]
    _, count = _list(client, VIEWER, q=word)
    searched = client.get("/v1/campaigns/summary", params={"q": word}, headers=VIEWER).json()
    assert searched["count"] == count
    one = client.get("/v1/campaigns/summary", headers=TRAIL).json()
    assert [c["currency"] for c in one["currencies"]] == [brands[TRAILHEAD]]
    assert_error(
        client.get("/v1/campaigns/summary", params={"brand_id": "brand-emberoak"}, headers=TRAIL),
        403,
        "brand_forbidden",
    )
    assert_error(
        client.get(
            "/v1/campaigns/summary",
            params={"start": "2026-02-01", "end": "2026-01-01"},
            headers=VIEWER,
        ),
        422,
        "bad_window",
    )
