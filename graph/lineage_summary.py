"""A lineage an analyst can read: who decided, who approved, which curves, which agents,
and how many outcome rows from which source — instead of every row.

A lineage walk up from an allocation reaches hundreds of outcome rows (the curves are
fitted on them) and a handful of nodes that explain the number. The summary lists the
handful and counts the rows per source file (read from their ``FROM`` edges: the run that
ingested them and the source it read); the rows themselves stay available to a caller
that asks for all of it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

from graph.models import Edge, Node, NodeRef, Subgraph
from graph.schema import Label, RelType

if TYPE_CHECKING:
    from graph.base import GraphStore

_TEXT = 110  # characters of a rationale or comment shown in a line
_LISTED = (Label.DECISION, Label.APPROVAL, Label.RESPONSE_CURVE, Label.AGENT, Label.OUTCOME)


class LineageItem(BaseModel):
    """One node of the summary, with a line saying what it is."""

    node_id: str = Field(description="Label:id")
    text: str = Field(description="what the node is, in a line")


class SourceRows(BaseModel):
    """Outcome rows of the lineage that came from one source."""

    source_id: str | None = Field(description="the Source node (None: no FROM edge found)")
    name: str = Field(description="the file or stream the rows were ingested from")
    rows: int


class LineageSummary(BaseModel):
    """The readable part of a lineage, with counts for the rest."""

    root: str
    direction: str
    depth: int
    nodes: int
    edges: int
    truncated: bool
    truncated_reason: str | None = Field(
        default=None, description="which budget stopped the walk: nodes, edges or time"
    )
    decisions: list[LineageItem] = Field(default_factory=list)
    approvals: list[LineageItem] = Field(default_factory=list)
    curves: list[LineageItem] = Field(default_factory=list)
    agents: list[LineageItem] = Field(default_factory=list)
    outcome_rows: int = 0
    outcome_sources: list[SourceRows] = Field(default_factory=list)
    other: dict[str, int] = Field(
        default_factory=dict, description="how many nodes of each other label"
    )


def summarize_lineage(
    store: GraphStore, sub: Subgraph, direction: str, depth: int
) -> LineageSummary:
    """The summary of ``sub`` (a lineage walk).

    Two more reads: the verdicts and agents of every decision listed (a walk cut short by
    its node limit may have stopped before them, and they are what a reader looks for),
    and the sources of the outcome rows.
    """
    by_label: dict[Label, list[Node]] = {}
    for node in sub.nodes:
        by_label.setdefault(node.label, []).append(node)
    edges = [*sub.edges, *_verdicts_and_agents(store, by_label, sub)]
    verdicts = {e.src: e.type for e in edges if e.type in (RelType.APPROVES, RelType.REJECTS)}
    outcomes = [n.ref for n in by_label.get(Label.OUTCOME, [])]
    return LineageSummary(
        root=str(sub.root),
        direction=direction,
        depth=depth,
        nodes=len(sub.nodes),
        edges=len(sub.edges),
        truncated=sub.truncated,
        truncated_reason=sub.truncated_reason,
        decisions=[_item(n, _decision(n)) for n in _newest(by_label, Label.DECISION)],
        approvals=[
            _item(n, _approval(n, verdicts.get(n.ref))) for n in _newest(by_label, Label.APPROVAL)
        ],
        curves=[_item(n, _curve(n)) for n in _sorted(by_label, Label.RESPONSE_CURVE)],
        agents=[_item(n, n.id) for n in _sorted(by_label, Label.AGENT)],
        outcome_rows=len(outcomes),
        outcome_sources=_sources(store, outcomes, sub.edges),
        other={
            label.value: len(nodes)
            for label, nodes in sorted(by_label.items())
            if label not in _LISTED
        },
    )


def _verdicts_and_agents(
    store: GraphStore, by_label: dict[Label, list[Node]], sub: Subgraph
) -> list[Edge]:
    """Edges to the approvals and agents of the decisions in ``by_label`` that the walk
    did not reach; their nodes are added to ``by_label``."""
    decisions = [n.ref for n in by_label.get(Label.DECISION, [])]
    if not decisions:
        return []
    directions: dict[RelType, Literal["out", "in"]] = {
        RelType.APPROVES: "in",
        RelType.REJECTS: "in",
        RelType.MADE_BY: "out",
    }
    found = store.incident_edges(decisions, limit_per_node=50, directions=directions)
    have = {n.ref for n in sub.nodes}
    wanted = {e.src if e.type is not RelType.MADE_BY else e.dst for e in found} - have
    for node in store.get_nodes(sorted(wanted, key=str)):
        by_label.setdefault(node.label, []).append(node)
    return found


def _item(node: Node, text: str) -> LineageItem:
    return LineageItem(node_id=str(node.ref), text=text)


def _sorted(by_label: dict[Label, list[Node]], label: Label) -> list[Node]:
    return sorted(by_label.get(label, []), key=lambda n: n.id)


def _newest(by_label: dict[Label, list[Node]], label: Label) -> list[Node]:
    nodes = by_label.get(label, [])
    return sorted(nodes, key=lambda n: str(n.properties.get("created_at") or ""), reverse=True)


def _short(value: Any) -> str:
    text = " ".join(str(value or "").split())
    return text if len(text) <= _TEXT else text[: _TEXT - 1].rstrip() + "…"


def _when(node: Node) -> str:
    created = str(node.properties.get("created_at") or "")
    return created[:16].replace("T", " ")


def _decision(node: Node) -> str:
    p = node.properties
    head = f"{p.get('kind', 'decision')} by {p.get('agent', '?')}"
    when = _when(node)
    rationale = _short(p.get("rationale"))
    return f"{head}{f', {when}' if when else ''}{f': {rationale}' if rationale else ''}"


def _approval(node: Node, verdict: RelType | None) -> str:
    p = node.properties
    word = p.get("verdict") or ("rejected" if verdict is RelType.REJECTS else "approved")
    who = p.get("approver") or p.get("actor") or "?"
    role = f" ({p['role']})" if p.get("role") else ""
    subject = f" {p['subject']}" if p.get("subject") else ""
    when = f", {_when(node)}" if _when(node) else ""
    comment = f': "{_short(p["comment"])}"' if p.get("comment") else ""
    return f"{word}{subject} by {who}{role}{when}{comment}"


def _curve(node: Node) -> str:
    p = node.properties
    pair = f"{p.get('channel_id', '?')} × {p.get('audience_id', '?')}"
    revision = f", revision {p['revision']}" if p.get("revision") is not None else ""
    rows = f", fitted on {p['n_rows']} rows" if p.get("n_rows") is not None else ""
    span = (
        f" ({p['first_date']}..{p['last_date']})"
        if p.get("first_date") and p.get("last_date")
        else ""
    )
    return f"{p.get('metric', '?')} curve of {pair}{revision}{rows}{span}"


def _sources(
    store: GraphStore, outcomes: Sequence[NodeRef], edges: Sequence[Edge]
) -> list[SourceRows]:
    """Outcome rows per Source, from their FROM edges (those of the walk, then read)."""
    if not outcomes:
        return []
    wanted = set(outcomes)
    froms = [e for e in edges if e.type is RelType.FROM and e.src in wanted]
    missing = sorted(wanted - {e.src for e in froms}, key=str)
    if missing:
        froms += store.incident_edges(missing, limit_per_node=20, directions={RelType.FROM: "out"})
    per_source: dict[str | None, set[NodeRef]] = {}
    for edge in froms:
        source = edge.properties.get("source")
        per_source.setdefault(str(source) if source else None, set()).add(edge.src)
    unsourced = wanted - {r for rows in per_source.values() for r in rows}
    if unsourced:
        per_source.setdefault(None, set()).update(unsourced)
    names = {
        n.id: str(n.properties.get("name") or n.id)
        for n in store.get_nodes([NodeRef(Label.SOURCE, s) for s in per_source if s is not None])
    }
    counts = Counter({s: len(rows) for s, rows in per_source.items()})
    return [
        SourceRows(
            source_id=s,
            name=names.get(s, s) if s is not None else "(no source recorded)",
            rows=n,
        )
        for s, n in counts.most_common()
    ]
