"""``marketgraph lineage``: what led to a node, or what followed from it.

Summarised by default: the decisions, approvals, curves and agents on the way are listed,
the outcome rows (usually the bulk) counted per source file; ``--all`` lists every node
and edge, ``--json`` prints the same as JSON.
"""

from __future__ import annotations

import json
from typing import Annotated, Literal

import typer

from api.cli._common import fail, one_line_errors, open_cli_services, out
from graph.lineage_summary import LineageItem, LineageSummary, summarize_lineage
from graph.models import Subgraph
from workflows.search import lineage as lineage_of


@one_line_errors
def lineage(
    node_id: Annotated[str, typer.Argument(help="a node id, or Label:id when ids collide")],
    direction: Annotated[str, typer.Option(help="up: causes; down: effects")] = "up",
    depth: Annotated[int, typer.Option(help="how many steps to follow (1-10)")] = 3,
    limit: Annotated[int, typer.Option(help="stop the walk at this many nodes (1-5000)")] = 500,
    every: Annotated[
        bool, typer.Option("--all", help="list every node and edge, outcome rows included")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Show what led to (up) or followed from (down) a node, summarised."""
    if direction not in ("up", "down"):
        raise fail(f"--direction {direction!r} is not up or down", 2)
    if not 1 <= limit <= 5000:
        raise fail(f"--limit {limit} is not between 1 and 5000", 2)
    walk: Literal["up", "down"] = "up" if direction == "up" else "down"
    with open_cli_services() as services:
        sub = lineage_of(
            services, node_id, walk, depth, limit, seconds=services.settings.lineage_seconds
        )
        summary = summarize_lineage(services.graph, sub, walk, depth)
    if as_json:
        _print_json(sub, summary, every)
        return
    _print_summary(summary, sub.truncated_reason)
    if every:
        _print_all(sub)
    else:
        out.print("(--all lists every node and edge; --json prints this as JSON)", style="dim")


def _print_json(sub: Subgraph, summary: LineageSummary, every: bool) -> None:
    if not every:
        out.print_json(summary.model_dump_json())
        return
    from api.schemas.graph import SubgraphPublic

    whole = json.loads(SubgraphPublic.of(sub).model_dump_json())
    whole["summary"] = summary.model_dump(mode="json")
    out.print_json(json.dumps(whole))


def _print_summary(s: LineageSummary, reason: str | None) -> None:
    head = f"[bold]{s.root}[/] ({s.direction}, depth {s.depth}): {s.nodes:,} nodes, "
    head += f"{s.edges:,} edges"
    if s.truncated:
        head += f"; the walk stopped early: {_WHY.get(reason or '', 'its budget ran out')}"
    out.print(head, highlight=False)
    sections: tuple[tuple[str, list[LineageItem]], ...] = (
        ("decisions", s.decisions),
        ("approvals", s.approvals),
        ("curves", s.curves),
        ("agents", s.agents),
    )
    for title, items in sections:
        if not items:
            out.print(f"{title}: none", highlight=False)
            continue
        out.print(f"{title} ({len(items)})", highlight=False)
        for item in items:
            text = "" if item.text == item.node_id.split(":", 1)[-1] else f"  {item.text}"
            out.print(f"  {item.node_id}{text}", highlight=False)
    if s.outcome_rows:
        out.print(f"outcome rows: {s.outcome_rows:,}, by source", highlight=False)
        for source in s.outcome_sources:
            out.print(f"  {source.rows:>8,}  {source.name}", highlight=False)
    else:
        out.print("outcome rows: none", highlight=False)
    if s.other:
        rest = ", ".join(f"{n:,} {label}" for label, n in s.other.items())
        out.print(f"also: {rest}", highlight=False)


def _print_all(sub: Subgraph) -> None:
    out.print(f"nodes ({len(sub.nodes):,})", highlight=False)
    for node in sub.nodes:
        out.print(f"  {node.ref}", highlight=False)
    out.print(f"edges ({len(sub.edges):,})", highlight=False)
    for e in sub.edges:
        out.print(f"  {e.src} -[{e.type.value}]-> {e.dst}", highlight=False)


_WHY = {
    "nodes": "it reached the node limit (--limit)",
    "edges": "it read as many edges as its budget allows",
    "time": "it ran out of time (MARKETGRAPH_LINEAGE_SECONDS)",
}
