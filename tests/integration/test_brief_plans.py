"""Briefs through the HTTP API on the demo brand, over both graph backends: the brief of
issue 14 plans (email kept, TikTok left out) with the rules and with a scripted model, a
channel the brand lacks is noted in the decision, and contradictions are a 422 naming the
channel and both limits."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from graph.base import GraphStore
from graph.models import NodeRef
from graph.schema import Label
from tests.integration.cli_runner import assert_usage_error, cli_for
from tests.integration.http_server import serve
from tests.integration.test_api import assert_error

KEYS = {"plan-key-123-secret": "planner"}
PLANNER = {"Authorization": "Bearer plan-key-123-secret"}
BOOTS = "Spring launch of waterproof boots, no TikTok, at least 5k on email"
TIKTOK_LIKE = ("ch-tiktok",)


def request(brief: str, brand: str = "brand-trailhead", **extra: Any) -> dict[str, Any]:
    return {
        "brand_id": brand,
        "budget": 40_000,
        "start_date": "2026-07-01",
        "end_date": "2026-07-30",
        "brief": brief,
        **extra,
    }


def by_channel(plan: dict[str, Any]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for line in plan["allocations"]:
        ch = line["channel_id"]
        totals[ch] = totals.get(ch, Decimal(0)) + Decimal(str(line["budget"]))
    return totals


def decision_inputs(store: GraphStore, plan: dict[str, Any]) -> dict[str, Any]:
    decision = store.get_node(NodeRef(label=Label.DECISION, id=plan["decision_id"]))
    assert decision is not None
    inputs: dict[str, Any] = json.loads(str(decision.properties["inputs"]))
    return inputs


def decision_notes(store: GraphStore, plan: dict[str, Any]) -> str:
    return " ".join(decision_inputs(store, plan)["notes"])


@pytest.fixture
def client(demo: GraphStore, tmp_path: Path) -> Iterator[httpx.Client]:
    with serve(demo, tmp_path, KEYS) as http:
        yield http


def test_the_boots_brief_keeps_email_and_leaves_tiktok_out(
    client: httpx.Client, demo: GraphStore
) -> None:
    r = client.post("/v1/plans", json=request(BOOTS, "brand-emberoak"), headers=PLANNER)

    assert r.status_code == 200, r.text
    plan = r.json()
    totals = by_channel(plan)
    assert totals["ch-email"] >= 5_000
    assert not set(totals) & set(TIKTOK_LIKE)
    assert sum(totals.values()) == 40_000
    effective = decision_inputs(demo, plan)["effective"]
    assert effective["exclude_channels"] == list(TIKTOK_LIKE)
    assert effective["constraints"]["min"] == {"ch-email": "5000.00"}

    unbriefed = client.post("/v1/plans", json=request("", "brand-emberoak"), headers=PLANNER)
    assert set(by_channel(unbriefed.json())) & set(TIKTOK_LIKE)  # the brief left it out


def test_the_boots_brief_on_a_brand_without_tiktok_notes_it(
    client: httpx.Client, demo: GraphStore
) -> None:
    r = client.post("/v1/plans", json=request(BOOTS), headers=PLANNER)

    assert r.status_code == 200, r.text
    plan = r.json()
    assert by_channel(plan)["ch-email"] >= 5_000
    assert "ch-email at least 5,000.00" in plan["rationale"]
    assert "'TikTok', which matches none of the brand's channels" in decision_notes(demo, plan)


def test_a_channel_the_brand_lacks_is_noted_not_an_error(
    client: httpx.Client, demo: GraphStore
) -> None:
    r = client.post("/v1/plans", json=request("No Snapchat, keep search above 4k"), headers=PLANNER)

    assert r.status_code == 200, r.text
    totals = by_channel(r.json())
    assert totals["ch-google-search"] >= 4_000  # the brand's only search channel
    assert "'Snapchat', which matches none of the brand's channels" in decision_notes(
        demo, r.json()
    )


def test_a_limit_on_a_kind_with_two_channels_is_one_limit_on_their_total(
    client: httpx.Client, demo: GraphStore
) -> None:
    """Ember & Oak runs Meta and TikTok (both paid social): "social max 3k" is 3,000 for
    the two together, not 3,000 each."""
    social = ("ch-meta", "ch-tiktok")
    unbriefed = by_channel(
        client.post("/v1/plans", json=request("", "brand-emberoak"), headers=PLANNER).json()
    )
    assert sum(unbriefed.get(ch, Decimal(0)) for ch in social) > 3_000  # the limit binds

    r = client.post(
        "/v1/plans", json=request("Social max 3k, please", "brand-emberoak"), headers=PLANNER
    )

    assert r.status_code == 200, r.text
    plan = r.json()
    totals = by_channel(plan)
    assert sum(totals.get(ch, Decimal(0)) for ch in social) == 3_000
    assert sum(totals.values()) == 40_000
    effective = decision_inputs(demo, plan)["effective"]["constraints"]
    assert effective["groups"] == [{"channels": list(social), "min": None, "max": "3000.00"}]
    assert effective["max"] == {}
    assert "ch-meta + ch-tiktok together at most 3,000.00" in plan["rationale"]
    assert "on the total of ch-meta, ch-tiktok together" in decision_notes(demo, plan)


@pytest.mark.parametrize(
    ("brief", "extra", "named"),
    [
        (BOOTS, {"exclude_channels": ["ch-email"]}, ["ch-email", "5000.00", "excluded"]),
        ("at least 5k on YouTube, at most 3k on YouTube", {}, ["ch-youtube", "5000", "3000"]),
        ("Only search, at least 2k on YouTube", {}, ["ch-youtube", "2000.00", "ch-google-search"]),
        ("at least 30k on Google Search and 15k on YouTube", {}, ["ch-youtube", "45000"]),
    ],
)
def test_contradictions_are_a_422_naming_the_channel_and_both_limits(
    client: httpx.Client, brief: str, extra: dict[str, Any], named: list[str]
) -> None:
    error = assert_error(
        client.post("/v1/plans", json=request(brief, **extra), headers=PLANNER),
        422,
        "infeasible_constraints",
    )
    for part in named:
        assert part in str(error["message"])
    assert "no response curve" not in str(error["message"])


def test_the_model_reads_the_boots_brief_the_same(demo: GraphStore, tmp_path: Path) -> None:
    answer = {
        "exclude_channels": ["ch-tiktok"],
        "min_amounts": {"ch-email": "5000", "ch-sms": "9k"},
    }
    llm = GenericFakeChatModel(messages=iter([AIMessage(json.dumps(answer)), AIMessage("{}")]))
    with serve(demo, tmp_path, KEYS, llm=llm) as http:
        r = http.post("/v1/plans", json=request(BOOTS), headers=PLANNER)

    assert r.status_code == 200, r.text
    totals = by_channel(r.json())
    assert totals["ch-email"] >= 5_000
    assert not set(totals) & set(TIKTOK_LIKE)
    assert "'9k' for ch-sms: not in the brief" in decision_notes(demo, r.json())


def test_the_cli_reads_the_boots_brief_and_exits_non_zero_on_a_contradiction(
    demo: GraphStore, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    cli = cli_for(demo, tmp_path, request)
    dates = ("--start", "2026-07-01", "--end", "2026-07-30")
    made = cli(
        "plan", "create", "--brand", "brand-emberoak", "--budget", "40k", *dates,
        "--brief", BOOTS, "--json",
    )  # fmt: skip
    assert made.exit_code == 0, made.stderr
    totals = by_channel(json.loads(made.stdout))
    assert totals["ch-email"] >= 5_000 and not set(totals) & set(TIKTOK_LIKE)

    clash = cli(
        "plan", "create", "--brand", "brand-emberoak", "--budget", "40k", *dates,
        "--brief", "No email this time, but keep email above 4k",
    )  # fmt: skip
    message = assert_usage_error(clash, "ch-email", "4000.00", "excluded", code=1)
    assert "no response curve" not in message
