"""``marketgraph search`` and ``reindex``: the text index from the command line."""

from __future__ import annotations

from typing import Annotated

import typer

from api.cli._common import fail, one_line_errors, open_cli_services, out, progress_bar
from retrieval.base import SearchMode
from workflows.search import search as search_texts


@one_line_errors
def search(
    query: Annotated[str, typer.Argument(help="what to look for, in words")],
    brand: Annotated[str | None, typer.Option(help="only this brand's items")] = None,
    k: Annotated[int, typer.Option(help="how many texts")] = 10,
    mode: Annotated[str, typer.Option(help="hybrid, sparse or dense")] = "hybrid",
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Search the team's texts and show them with their graph context."""
    modes: dict[str, SearchMode] = {"hybrid": "hybrid", "sparse": "sparse", "dense": "dense"}
    if mode not in modes:
        raise fail(f"--mode must be hybrid, sparse or dense, got {mode!r}", 2)
    if not 1 <= k <= 100:
        raise fail(f"-k must be between 1 and 100, got {k}", 2)
    with open_cli_services() as services:
        bundle = search_texts(services, query, k=k, brand_id=brand, mode=modes[mode])
    if as_json:
        from api.schemas.search import SearchPublic

        out.print_json(SearchPublic.of(bundle).model_dump_json())
        return
    out.print(f"[bold]{len(bundle.items)} items[/] ({bundle.mode})")
    for item in bundle.items:
        indent = "    " if item.via else ""
        out.print(f"{indent}{item.score:.4f}  {item.node_id}  {item.title}", highlight=False)
        out.print(f"{indent}        {item.reason}", highlight=False, style="dim")


@one_line_errors
def reindex(
    recreate: Annotated[
        bool, typer.Option("--recreate", help="drop the collection first (after a model change)")
    ] = False,
    pending: Annotated[
        bool, typer.Option("--pending", help="only retry queued index work")
    ] = False,
) -> None:
    """Rebuild the text index from the graph (or retry the queued work)."""
    with open_cli_services(recreate_index=recreate) as services:
        if pending:
            report = services.indexer.retry_pending()
            out.print(f"indexed {report.indexed} texts; {report.pending} still pending")
            return
        with progress_bar("reindex") as progress:
            report = services.indexer.reindex_all(progress)
        out.print(f"indexed {report.indexed} texts; {report.pending} pending")
