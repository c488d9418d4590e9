"""``marketgraph browser-style``: the Neo4j Browser style that ships with MarketGraph."""

from __future__ import annotations

from typing import Annotated

import typer

from api.browser_style import grass, style_command
from api.cli._common import one_line_errors, out


@one_line_errors
def browser_style(
    as_grass: Annotated[
        bool, typer.Option("--grass", help="print the .grass file instead (to drop on Browser)")
    ] = False,
) -> None:
    """Print the one-line :style command to paste into Neo4j Browser (captions by name,
    colours by label; docs/neo4j-browser.md)."""
    out.print(grass() if as_grass else style_command(), highlight=False, markup=False)
