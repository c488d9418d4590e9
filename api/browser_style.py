"""The Neo4j Browser style (GraSS) that ships with MarketGraph, and the command applying it.

Neo4j Browser reads a style from ``:style`` followed by the GraSS on one line (a style
spread over several lines is misread by Browser 5 and breaks the next graph it draws), or
from a ``.grass`` file dropped on its sidebar. Captions are names and titles, colours one
per label, as in the web console's lineage view.
"""

from __future__ import annotations

from importlib import resources

STYLE_FILE = "browser-style.grass"


def grass() -> str:
    """The style file as shipped (``docs/browser-style.grass`` in the repository)."""
    return (resources.files("api.console") / "static" / STYLE_FILE).read_text(encoding="utf-8")


def style_command(text: str | None = None) -> str:
    """The one-line ``:style …`` command to paste into Neo4j Browser's editor."""
    return ":style " + " ".join((text if text is not None else grass()).split())


if __name__ == "__main__":  # python -m api.browser_style: the line to paste into Browser
    print(style_command())
