"""``marketgraph lineage``: what led to a node, or what followed from it."""

from __future__ import annotations

from typing import Annotated, Literal

import typer

from api.cli._common import fail, one_line_errors, open_cli_services, out
from workflows.search import lineage as lineage_of


@one_line_errors
def lineage(
    node_id: Annotated[str, typer.Argument(help="a node id, or Label:id when ids collide")],
    direction: Annotated[str, typer.Option(help="up: causes; down: effects")] = "up",
    depth: Annotated[int, typer.Option(help="how many steps to follow (1-10)")] = 3,
    limit: Annotated[int, typer.Option(min=1, max=5000, help="most nodes returned")] = 500,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Show what led to (up) or followed from (down) a node."""
    if direction not in ("up", "down"):
        raise fail(f"--direction must be up or down, got {direction!r}", 2)
    walk: Literal["up", "down"] = "up" if direction == "up" else "down"
    with open_cli_services() as services:
        sub = lineage_of(
            services, node_id, walk, depth, limit, seconds=services.settings.lineage_seconds
        )
    if as_json:
        from api.schemas.graph import SubgraphPublic

        out.print_json(SubgraphPublic.of(sub).model_dump_json())
        return
    summary = f"{len(sub.nodes)} nodes, {len(sub.edges)} edges"
    out.print(f"[bold]{sub.root}[/] ({walk}, depth {depth}): {summary}")
    for e in sub.edges:
        out.print(f"  {e.src} -[{e.type.value}]-> {e.dst}", highlight=False)
    if sub.truncated:
        out.print(
            f"  … truncated: {_WHY.get(sub.truncated_reason or '', 'the walk stopped early')}"
        )


_WHY = {
    "nodes": "the node limit (--limit) was reached",
    "edges": "the walk read as many edges as its budget allows",
    "time": "the walk ran out of time (MARKETGRAPH_LINEAGE_SECONDS)",
}
