"""The planner with a scripted chat model (LangChain's fake) and without one, on both backends.

The model reads the brief and writes the rationale; what it invents (a channel that does not
exist, an amount the brief never names, a number the plan does not hold, a citation it was
not shown) is dropped, and the allocation's numbers come from the optimiser either way.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from agents.planner.models import PlanRequest
from agents.planner.plan import make_plan
from api.services import open_index
from api.settings import Settings
from demo import dataset_parts, generate
from graph.base import GraphStore
from graph.models import NodeRef
from graph.schema import Label, RelType
from ingest import ingest
from retrieval.indexer import Indexer
from retrieval.retriever import HybridRetriever

BRIEF = "Summer push for revenue. No Meta ads this time. At least $2,000 on email."


@pytest.fixture
def retriever(graph_store: GraphStore, tmp_path: Path) -> Iterator[HybridRetriever]:
    ingest(graph_store, dataset_parts(generate(seed=7, outcome_rows=3000)))
    index = open_index(Settings(data_dir=tmp_path))  # type: ignore[call-arg]
    Indexer(graph_store, index).reindex_all()
    try:
        yield HybridRetriever(graph_store, index)
    finally:
        index.close()


def _request() -> PlanRequest:
    return PlanRequest.model_validate(
        {
            "brand_id": "brand-trailhead",
            "budget": 30_000,
            "start_date": "2026-07-01",
            "end_date": "2026-07-14",
            "brief": BRIEF,
        }
    )


def _model(*answers: dict[str, object]) -> GenericFakeChatModel:
    return GenericFakeChatModel(messages=iter([AIMessage(json.dumps(a)) for a in answers]))


def test_the_model_reads_the_brief_and_writes_a_cited_rationale(
    graph_store: GraphStore, retriever: HybridRetriever
) -> None:
    cited = retriever.search(BRIEF, k=5, brand_id="brand-trailhead").items[0].node_id
    llm = _model(
        {
            "objective": "revenue",
            "exclude_channels": ["ch-meta", "ch-myspace"],
            "min_amounts": {"ch-email": "$2,000", "ch-sms": "$99,000"},
        },
        {
            "rationale": f"Email and search carry the plan, as they did before [{cited}].",
            "citations": [cited],
        },
    )
    plan = make_plan(graph_store, _request(), retriever=retriever, llm=llm, requested_by="ana")

    channels = {line.channel_id for line in plan.lines}
    assert "ch-meta" not in channels
    email = sum((ln.budget for ln in plan.lines if ln.channel_id == "ch-email"), Decimal(0))
    assert email >= 2_000
    assert sum(ln.budget for ln in plan.lines) == 30_000
    assert plan.rationale.startswith("Email and search carry the plan")
    assert cited in plan.citations
    # the model cited no past campaign: the measured ones are cited after its text
    others = [c for c in plan.citations if c != cited]
    assert others and all(c.startswith("Campaign:") for c in others)
    assert "Closest past work:" in plan.rationale and "ROAS" in plan.rationale

    decision = graph_store.get_node(NodeRef(label=Label.DECISION, id=plan.decision_id))
    assert decision is not None
    props = decision.properties
    assert props["model"] == "GenericFakeChatModel"
    assert len(str(props["prompt_digest"]).split("+")) == 2
    inputs = json.loads(str(props["inputs"]))
    assert inputs["effective"]["exclude_channels"] == ["ch-meta"]
    assert "ch-sms" not in inputs["effective"]["constraints"]["min"]
    notes = " ".join(inputs["notes"])
    assert "ch-myspace" in notes and "$99,000" in notes
    evidence = graph_store.incident_edges([decision.ref], 500, {RelType.BASED_ON: "out"})
    by_target = {str(e.dst): e.properties for e in evidence}
    assert "cited by the rationale" in str(by_target[cited]["reason"])
    assert any(e.dst.label is Label.BRIEF for e in evidence)


def test_a_rationale_with_invented_numbers_is_replaced_by_the_template(
    graph_store: GraphStore, retriever: HybridRetriever
) -> None:
    llm = _model(
        {"objective": "revenue"},
        {"rationale": "Meta will return a ROAS of 42.7 on 18,250 of spend.", "citations": []},
    )
    plan = make_plan(graph_store, _request(), retriever=retriever, llm=llm)
    assert plan.rationale.startswith("Allocated 30,000.00 over 14 days")
    decision = graph_store.get_node(NodeRef(label=Label.DECISION, id=plan.decision_id))
    assert decision is not None
    notes = " ".join(json.loads(str(decision.properties["inputs"]))["notes"])
    assert "42.7" in notes and "18,250" in notes


def test_without_a_model_the_rules_read_the_brief(
    graph_store: GraphStore, retriever: HybridRetriever
) -> None:
    plan = make_plan(graph_store, _request(), retriever=retriever)
    assert "ch-meta" not in {line.channel_id for line in plan.lines}
    unbriefed = make_plan(graph_store, _request().model_copy(update={"brief": None}))
    assert "ch-meta" in {line.channel_id for line in unbriefed.lines}  # the brief mattered
    email = sum((ln.budget for ln in plan.lines if ln.channel_id == "ch-email"), Decimal(0))
    assert email >= 2_000
    decision = graph_store.get_node(NodeRef(label=Label.DECISION, id=plan.decision_id))
    assert decision is not None
    assert "model" not in decision.properties
    assert plan.citations and "Closest past work" in plan.rationale


def test_a_failing_model_falls_back_to_the_rules(
    graph_store: GraphStore, retriever: HybridRetriever
) -> None:
    llm = GenericFakeChatModel(messages=iter([AIMessage("not json"), AIMessage("{}")]))
    plan = make_plan(graph_store, _request(), retriever=retriever, llm=llm)
    assert "ch-meta" not in {line.channel_id for line in plan.lines}
    assert plan.rationale.startswith("Allocated")
