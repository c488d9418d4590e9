"""The research agent on both graph backends: what a brief finds, what it cites, what it
writes, and how it uses a model (scripted) and external tools (a real local HTTP server)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from langchain_core.language_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from agents.orchestrator import Orchestrator
from agents.research import (
    BriefConflictError,
    GraphTool,
    HttpSearchTool,
    IndexTool,
    ResearchRequest,
    load_research_brief,
    research,
)
from agents.research.text import hook_key, hook_of
from graph.base import GraphStore
from graph.errors import NodeNotFoundError
from graph.models import NodeRef, canonical_json, sha256_hex
from graph.schema import Label, RelType
from retrieval.retriever import HybridRetriever
from tests.integration.research_data import (
    BRAND,
    DAYS,
    PLANTED_GAIN,
    RISING_HOOK,
    load,
    parts,
    records,
)
from tests.integration.web_server import ANALYTICS, WEB, Handler, web_server
from workflows import Wired
from workflows.research import planning_research

TOPIC = "waterproof hiking boots"


@pytest.fixture
def loaded(graph_store: GraphStore, tmp_path: Path) -> Iterator[HybridRetriever]:
    retriever = load(graph_store, tmp_path / "qdrant", parts(records()))
    yield retriever
    retriever.index.close()


def request(**extra: Any) -> ResearchRequest:
    return ResearchRequest(brand_id=BRAND, topic=TOPIC, window_days=60, **extra)


def decision_edges(store: GraphStore, decision_id: str) -> dict[str, set[str]]:
    ref = NodeRef(label=Label.DECISION, id=decision_id)
    wanted = {RelType.BASED_ON: "out", RelType.PRODUCED: "out", RelType.MADE_BY: "out"}
    out: dict[str, set[str]] = {}
    for edge in store.incident_edges([ref], 5000, wanted):  # type: ignore[arg-type]
        out.setdefault(edge.type.value, set()).add(str(edge.dst))
    return out


def test_a_brief_finds_the_competitor_angle_the_gaps_and_the_planted_hook(
    loaded: HybridRetriever,
) -> None:
    store = loaded.graph
    result = research(store, loaded, request())
    brief = result.brief

    # Rival Co (by name) pushes price match; Paddle Works (by competitor_of) is silent.
    [angle] = brief.competitor_angles
    assert angle.competitors == ["rival"] and "price match" in angle.key_phrases
    assert {c.node_id for c in angle.evidence} == {"Asset:r-1", "Asset:r-2", "Asset:r-3"}
    assert any("40%" in offer for offer in angle.offers)
    kinds = {(a.kind, a.phrase) for a in brief.absences}
    assert ("brand_absent", "price match") in kinds
    silent = [a for a in brief.absences if a.kind == "competitor_silent"]
    assert [a.competitors for a in silent] == [["paddle"]]
    assert any("Nobody Outdoors" in note for note in brief.notes)

    # The planted hook rises against the rest of the brand, by about what was planted.
    [hook] = [t for t in brief.trending_hooks if t.label == RISING_HOOK]
    assert hook.direction == "rising" and hook.on_topic and hook.q <= 0.1
    planted = (2.718281828 ** (PLANTED_GAIN * 30 / DAYS)) - 1
    assert hook.change_low <= planted <= hook.change_high
    assert hook.query["asset_ids"] == ["a-rise"]
    cited = {c.node_id for c in hook.evidence}
    assert "Asset:a-rise" in cited
    rows = [c for c in cited if c.startswith("Outcome:")]
    assert len(rows) == 6 and all("|a-rise" in r for r in rows)
    assert any(s.angle == f"Lead with the hook '{RISING_HOOK}'" for s in brief.suggested_angles)
    assert brief.suggested_angles == sorted(brief.suggested_angles, key=lambda s: -s.score)

    roas = next(p for p in brief.data_points if p.label == "ROAS of the brand")
    assert roas.rows == 3 * 60 and 1.5 < roas.value < 5
    assert brief.audience_insights[0].audience_id == "aud-hikers"

    # Recorded: one decision, BASED_ON every cited node, PRODUCED the research brief.
    edges = decision_edges(store, result.decision_id)
    assert edges["PRODUCED"] == {f"ResearchBrief:{result.id}"}
    assert edges["MADE_BY"] == {"Agent:research"}
    citations = {c.node_id for c in _all_citations(brief)}
    assert citations and citations | {f"Brief:{result.brief_id}"} == edges["BASED_ON"]
    found = store.get_nodes([NodeRef.parse(n) for n in citations])
    assert len(found) == len(citations)  # every citation is a node
    decision = store.require_node(NodeRef(label=Label.DECISION, id=result.decision_id))
    assert (decision.properties["kind"], decision.properties["agent"]) == ("research", "research")
    assert "model" not in decision.properties  # no model took part
    rb = NodeRef(label=Label.RESEARCH_BRIEF, id=result.id)
    lineage = store.get_lineage(rb, "up", depth=2)
    reached = {str(n.ref) for n in lineage.nodes}
    assert {f"Decision:{result.decision_id}", f"Brief:{result.brief_id}", "Asset:r-1"} <= reached
    assert any(r.startswith("Outcome:") for r in reached)

    # Read back; a second run is a new decision on the same Brief.
    again = load_research_brief(store, result.id)
    assert again.brief == brief and again.decision_id == result.decision_id
    second = research(store, loaded, request())
    assert second.brief_id == result.brief_id and second.decision_id != result.decision_id
    assert store.count(Label.BRIEF) == 1 and store.count(Label.RESEARCH_BRIEF) == 2
    assert second.brief.trending_hooks == brief.trending_hooks  # deterministic


def _all_citations(brief: Any) -> list[Any]:
    out = [c for p in brief.data_points for c in p.evidence]
    out += [c for a in brief.competitor_angles for c in a.evidence]
    out += brief.competitor_summary.evidence if brief.competitor_summary else []
    out += [c for a in brief.absences for c in a.evidence]
    out += [c for t in [*brief.trending_hooks, *brief.trends] for c in t.evidence]
    out += [c for a in brief.audience_insights for c in a.evidence]
    out += [c for s in brief.suggested_angles for c in s.evidence]
    out += [f.source for f in brief.external]
    return out


def test_bad_requests_write_nothing(loaded: HybridRetriever) -> None:
    store = loaded.graph
    with pytest.raises(NodeNotFoundError, match="nope"):
        research(store, loaded, ResearchRequest(brand_id="nope", topic=TOPIC))
    first = research(store, loaded, request(brief_id="brief-spring"))
    assert first.brief_id == "brief-spring"
    with pytest.raises(BriefConflictError, match="belongs to brand 'b1'"):
        research(
            store, loaded, ResearchRequest(brand_id="rival", topic=TOPIC, brief_id="brief-spring")
        )
    assert store.count(Label.RESEARCH_BRIEF) == 1 and store.count(Label.DECISION) == 1


# -- with a model ---------------------------------------------------------------------------
def scripted(*answers: str) -> GenericFakeChatModel:
    return GenericFakeChatModel(messages=iter([AIMessage(content=a) for a in answers]))


def test_a_model_summary_keeps_only_the_citations_of_retrieved_items(
    loaded: HybridRetriever,
) -> None:
    answer = {
        "summary": "Rival Co leads with price matching [C1] and up to 40% off [C1]; it also "
        "ships free over $49 [C3]. Everyone loves it [C9].",
        "angles": [
            {"label": "Price match", "description": "matches any store", "citations": ["C2", "C42"]}
        ],
    }
    llm = scripted(json.dumps(answer))
    result = research(loaded.graph, loaded, request(), llm=llm, model_name="scripted-1")
    summary = result.brief.competitor_summary
    assert summary is not None and summary.written_by == "llm" and summary.model == "scripted-1"
    assert summary.dropped_citations == ["C9", "C42"]
    rival = {"Asset:r-1", "Asset:r-2", "Asset:r-3"}
    assert {c.node_id for c in summary.evidence} <= rival and len(summary.evidence) == 3
    assert "[C9]" not in summary.text and "[C1]" not in summary.text
    assert any(f"[{node}]" in summary.text for node in rival)
    assert summary.angles[0].citations and set(summary.angles[0].citations) <= rival
    assert any("C9" in note for note in result.brief.notes)
    decision = loaded.graph.require_node(NodeRef(label=Label.DECISION, id=result.decision_id))
    assert decision.properties["model"] == "scripted-1"
    assert len(str(decision.properties["prompt_digest"])) == 64


def test_the_research_step_before_planning_records_the_models_name(
    loaded: HybridRetriever,
) -> None:
    """The orchestrator's research step runs the research workflow, with the model's name
    (it used to record ``model=None`` for a summary the model wrote)."""
    answer = {"summary": "Rival Co matches prices [C1].", "angles": []}
    store = loaded.graph
    ctx = Wired(
        store, loaded, Orchestrator(store), llm=scripted(json.dumps(answer)), llm_model="m-7"
    )
    evidence = planning_research(ctx)(store, BRAND, TOPIC, "ana")
    assert [e.ref.label for e in evidence] == [Label.BRIEF, Label.RESEARCH_BRIEF]
    [decision] = store.find_nodes(Label.DECISION, {"kind": "research"}, 10)
    assert decision.properties["model"] == "m-7"
    assert len(str(decision.properties["prompt_digest"])) == 64


@pytest.mark.parametrize(
    ("answer", "why"),
    [
        (json.dumps({"summary": "They discount a lot [C77].", "angles": []}), "refused"),
        ("I think they like discounts.", "could not be read"),
    ],
)
def test_a_model_that_cites_nothing_retrieved_or_answers_nonsense_is_not_used(
    loaded: HybridRetriever, answer: str, why: str
) -> None:
    result = research(loaded.graph, loaded, request(), llm=scripted(answer), model_name="m")
    summary = result.brief.competitor_summary
    assert summary is not None and summary.written_by == "extractive"
    assert "price match" in summary.text
    assert any(why in note for note in result.brief.notes)
    decision = loaded.graph.require_node(NodeRef(label=Label.DECISION, id=result.decision_id))
    assert "model" not in decision.properties and "prompt_digest" not in decision.properties


# -- external tools -------------------------------------------------------------------------
@pytest.fixture
def web() -> Iterator[str]:
    with web_server() as url:
        yield url


def test_external_results_are_stored_as_sources_and_cited(
    loaded: HybridRetriever, web: str
) -> None:
    store = loaded.graph
    tools = [
        HttpSearchTool(url_template=f"{web}/search?q={{query}}&n={{k}}"),
        HttpSearchTool(name="analytics", url_template=f"{web}/analytics?q={{query}}"),
        HttpSearchTool(name="broken", url_template=f"{web}/broken?q={{query}}"),
    ]
    result = research(store, loaded, request(), tools=tools)
    brief = result.brief
    assert Handler.seen == [TOPIC] * 3
    assert [(f.tool, f.url) for f in brief.external] == [
        ("web_search", WEB[0]["url"]),
        ("web_search", WEB[1]["url"]),
        ("analytics", ANALYTICS[0]["url"]),
    ]
    assert any("'broken' failed" in note and "500" in note for note in brief.notes)
    sources = store.get_nodes([NodeRef.parse(f.source.node_id) for f in brief.external])
    assert len(sources) == 3
    for source, item in zip(sources, [*WEB, *ANALYTICS], strict=True):
        props = source.properties
        assert props["kind"] == "external" and props["url"] == item["url"]
        assert props["sha256"] == sha256_hex(canonical_json(item).encode())
        assert props["fetched_at"] and props["query"] == TOPIC
    assert {f.source.node_id for f in brief.external} <= decision_edges(store, result.decision_id)[
        "BASED_ON"
    ]
    point = next(p for p in brief.data_points if p.unit == "interest_index")
    assert point.value == 72 and point.evidence[0].node_id == brief.external[2].source.node_id
    rb = NodeRef(label=Label.RESEARCH_BRIEF, id=result.id)
    reached = {str(n.ref) for n in store.get_lineage(rb, "up", depth=2).nodes}
    assert {f.source.node_id for f in brief.external} <= reached

    # The same results again are the same Source nodes; without external tools, no calls.
    research(store, loaded, request(), tools=tools)
    assert store.count(Label.SOURCE) == len(sources) + len(parts(records()))
    Handler.seen.clear()
    offline = research(store, loaded, request(external=False), tools=tools)
    assert Handler.seen == [] and offline.brief.external == []


def test_the_tools_answer_through_langchain(loaded: HybridRetriever, web: str) -> None:
    search = HttpSearchTool(url_template=f"{web}/search?q={{query}}")
    found = json.loads(search.invoke({"query": "boots", "k": 1}))
    assert [f["url"] for f in found] == [WEB[0]["url"]] and found[0]["sha256"]
    hits = json.loads(
        IndexTool(retriever=loaded).invoke({"query": "price match", "brand_id": "rival"})
    )
    assert hits and {h["node_id"] for h in hits} <= {"Asset:r-1", "Asset:r-2", "Asset:r-3"}
    graph = json.loads(GraphTool(store=loaded.graph).invoke({"query": "Asset:r-1"}))
    assert graph[0]["node_id"] == "Asset:r-1" and "Brand:rival" in {g["node_id"] for g in graph}
    assert json.loads(GraphTool(store=loaded.graph).invoke({"query": "no-such-node"})) == []
    assert search.external and not IndexTool(retriever=loaded).external


# -- the demo data ----------------------------------------------------------------------------
def test_on_the_demo_a_brief_names_real_competitor_angles_and_real_hooks(
    graph_store: GraphStore, tmp_path: Path
) -> None:
    import numpy as np

    from demo import dataset_parts, generate

    dataset = generate(seed=7, outcome_rows=8000)
    retriever = load(graph_store, tmp_path / "qdrant", dataset_parts(dataset))
    try:
        result = research(
            graph_store,
            retriever,
            ResearchRequest(brand_id="brand-ledgerline", topic="month-end close"),
        )
    finally:
        retriever.index.close()
    brief = result.brief
    assets = {a["id"]: a for a in dataset.assets}
    brands = {b["id"]: b for b in dataset.brands}
    listed = set(brands["brand-ledgerline"]["competitors"])

    # Competitor angles: competitors the brand lists; phrases their cited copy really uses.
    assert brief.competitor_angles
    for angle in brief.competitor_angles:
        assert {brands[c]["name"] for c in angle.competitors} <= listed
        copy = [assets[c.node_id.split(":", 1)[1]] for c in angle.evidence]
        assert all(a["brand_id"] in angle.competitors for a in copy)
        for phrase in angle.key_phrases:
            assert any(
                phrase.split()[0] in a["body"].lower() or phrase.split()[0] in a["title"].lower()
                for a in copy
            ), phrase

    # Hooks: each is the opening line of its assets, and moves that way in the raw data.
    assert brief.trending_hooks
    for hook in brief.trending_hooks:
        members = hook.query["asset_ids"]
        assert {hook_key(hook_of(assets[a]) or "") for a in members} == {hook.key}
        slope = _raw_relative_slope(dataset, members, hook.window_start, hook.window_end)
        assert (slope > 0) == (hook.direction == "rising"), (hook.label, slope)
        assert hook.q <= 0.1 and np.isfinite(hook.z)


def _raw_relative_slope(dataset: Any, members: list[str], start: Any, end: Any) -> float:
    """Least-squares slope of log(ROAS of the assets / ROAS of the rest of the brand) per
    day, from the generator's own rows (not through the graph, and not Mann-Kendall)."""
    import numpy as np

    campaigns = {c["id"] for c in dataset.campaigns if c["brand_id"] == "brand-ledgerline"}
    cells: dict[str, list[float]] = {}
    wanted = set(members)
    for o in dataset.outcomes:
        if (
            o["campaign_id"] not in campaigns
            or not start.isoformat() <= o["date"] <= end.isoformat()
        ):
            continue
        cell = cells.setdefault(o["date"], [0.0, 0.0, 0.0, 0.0])
        i = 0 if o["asset_id"] in wanted else 2
        cell[i] += o["revenue"]
        cell[i + 1] += o["spend"]
    days, ys = [], []
    for day, (rev, spend, rest_rev, rest_spend) in sorted(cells.items()):
        if spend > 0 and rest_spend > 0 and rev > 0 and rest_rev > 0:
            days.append(np.datetime64(day).astype(int))
            ys.append(np.log(rev / spend) - np.log(rest_rev / rest_spend))
    return float(np.polyfit(np.array(days, dtype=float), np.array(ys), 1)[0])
