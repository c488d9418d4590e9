"""Which graph nodes become index texts, and how."""

from __future__ import annotations

from typing import Any

import pytest

from demo import generate
from graph.models import DecisionRecord, Node, NodeRef, clean_properties
from graph.schema import Label
from retrieval.documents import INDEXED_LABELS, texts_of


def _node(label: Label, record: dict[str, Any]) -> Node:
    """A node as ingestion stores it: list references become edges, not properties."""
    props = {k: v for k, v in record.items() if not k.endswith("_ids")}
    return Node(label=label, id=str(record["id"]), properties=clean_properties(props))


@pytest.fixture(scope="module")
def demo() -> Any:
    return generate()


def test_asset_text_is_title_and_body_with_its_kind_and_date(demo: Any) -> None:
    record = next(a for a in demo.assets if a["kind"] == "email")
    [text] = texts_of(_node(Label.ASSET, record))
    assert text.ref == NodeRef(Label.ASSET, record["id"])
    assert text.node_id == f"Asset:{record['id']}"
    assert text.kind == "email"
    assert text.brand_id == record["brand_id"]
    assert text.title == record["title"]
    assert text.text.startswith(record["title"]) and record["body"] in text.text
    assert text.date == record["created_at"][:10]
    assert text.extra == {"url": record["url"], "language": record["language"]}


def test_asset_without_body_is_indexed_by_its_title() -> None:
    node = Node(Label.ASSET, "a1", {"id": "a1", "brand_id": "b", "kind": "image", "title": "Hero"})
    [text] = texts_of(node)
    assert (text.text, text.date, text.kind) == ("Hero", None, "image")


def test_campaign_text_has_name_objective_unit_and_description(demo: Any) -> None:
    record = dict(demo.campaigns[0], description="Spring push for the shell.")
    [text] = texts_of(_node(Label.CAMPAIGN, record))
    assert text.kind == "campaign"
    assert text.title == record["name"]
    assert text.date == record["start_date"]
    assert text.brand_id == record["brand_id"]
    for part in (
        record["name"],
        f"Objective: {record['objective']}",
        f"Business unit: {record['business_unit']}",
        "Spring push for the shell.",
    ):
        assert part in text.text
    assert text.extra["status"] == record["status"]


def test_brand_gives_one_guideline_text_of_voice_and_guidelines(demo: Any) -> None:
    record = demo.brands[0]
    [text] = texts_of(_node(Label.BRAND, record))
    assert text.kind == "guideline"
    assert text.brand_id == record["id"]  # a brand belongs to itself
    assert record["voice"] in text.text and record["guidelines"] in text.text
    assert texts_of(Node(Label.BRAND, "b", {"id": "b", "name": "Bare"})) == []


def test_decision_rationale_takes_the_brand_from_the_caller() -> None:
    record = DecisionRecord(
        kind="budget_allocation",
        agent="planner",
        rationale="Paid social saturates above $900 a day; move the rest to search.",
        algorithm="hill-allocator",
        algorithm_version="1",
    )
    [text] = texts_of(record.node(), brand_id="brand-trailhead")
    assert text.kind == "rationale"
    assert text.brand_id == "brand-trailhead"
    assert "saturates above $900" in text.text
    assert text.title == "budget_allocation decision by planner"
    assert text.extra["decision_kind"] == "budget_allocation"
    assert text.date == record.created_at.date().isoformat()


@pytest.mark.parametrize(("label", "kind"), [(Label.BRIEF, "brief"), (Label.PLAN, "plan")])
def test_briefs_and_plans_use_their_summary_text_and_rationale(label: Label, kind: str) -> None:
    props = {
        "id": "x1",
        "brand_id": "brand-emberoak",
        "title": "Q3 gifting",
        "summary": "Grow gift subscriptions.",
        "rationale": "Gift buyers convert best in November.",
        "created_at": "2026-08-01T09:00:00+00:00",
    }
    [text] = texts_of(Node(label, "x1", props), brand_id="ignored-when-the-node-has-one")
    assert text.kind == kind
    assert text.brand_id == "brand-emberoak"
    assert text.title == "Q3 gifting"
    assert "Grow gift subscriptions." in text.text and "November" in text.text
    assert text.date == "2026-08-01"
    assert texts_of(Node(label, "x2", {"id": "x2", "title": "Empty"})) == []


@pytest.mark.parametrize("label", [Label.OUTCOME, Label.CHANNEL, Label.INGEST_RUN, Label.AUDIENCE])
def test_labels_without_text_give_nothing(label: Label) -> None:
    assert label not in INDEXED_LABELS
    assert texts_of(Node(label, "n1", {"id": "n1", "name": "x", "description": "y"})) == []


def test_every_demo_text_node_is_indexed_once(demo: Any) -> None:
    nodes = [_node(Label.ASSET, a) for a in demo.assets]
    nodes += [_node(Label.CAMPAIGN, c) for c in demo.campaigns]
    brands = [_node(Label.BRAND, b) for b in demo.brands]
    # The competitors' brand records carry no voice or guidelines: only their copy is known.
    nodes += [b for b in brands if b.properties.get("voice")]
    assert all(texts_of(b) == [] for b in brands if not b.properties.get("voice"))
    assert len(nodes) < len(demo.assets) + len(demo.campaigns) + len(brands)
    texts = [t for n in nodes for t in texts_of(n)]
    assert len(texts) == len(nodes)
    assert len({t.node_id for t in texts}) == len(texts)
    assert all(t.text.strip() and t.brand_id for t in texts)
    assert {n.label for n in nodes} <= INDEXED_LABELS


def test_a_research_brief_is_indexed_by_its_summary() -> None:
    node = Node(
        Label.RESEARCH_BRIEF,
        "rb_1",
        {
            "id": "rb_1",
            "brand_id": "brand-trailhead",
            "title": "Research brief: rain shells",
            "summary": "Competitors push price match; our rain shell hook is rising.",
            "content": "{}",
            "created_at": "2026-11-30T10:00:00+00:00",
        },
    )
    [text] = texts_of(node)
    assert (text.kind, text.brand_id, text.date) == ("research", "brand-trailhead", "2026-11-30")
    assert "price match" in text.text and "{}" not in text.text
