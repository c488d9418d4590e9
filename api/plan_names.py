"""Plans named after their brief, so people read "Summer boots push" rather than a hash.

A plan's name is the first sentence (or line) of the brief it was made from, cut at a word
near 60 characters; a plan made without a brief is named by its brand and dates.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from graph.base import GraphStore
from graph.models import NodeRef
from graph.schema import Label

MAX_CHARS: Final = 60
_SENTENCE_END: Final = re.compile(r"(?<=[.!?])\s+|\n")


@dataclass(frozen=True)
class PlanRef:
    """What names a plan: its brief, brand and dates."""

    brief_id: str | None
    brand_id: str
    start_date: str
    end_date: str


def title_of(text: str, limit: int = MAX_CHARS) -> str:
    """The brief's first sentence or line, at most ``limit`` characters (cut at a word)."""
    first = _SENTENCE_END.split(text.strip(), maxsplit=1)[0].strip().rstrip(".")
    first = " ".join(first.split())
    if len(first) <= limit:
        return first
    cut = first[:limit].rsplit(" ", 1)[0] or first[:limit]
    return cut.rstrip(" ,;:-") + "…"


def names(graph: GraphStore, plans: Sequence[PlanRef]) -> list[str]:
    """One name per plan, in order (briefs and brands read in one call each)."""
    brief_ids = sorted({p.brief_id for p in plans if p.brief_id})
    briefs = {
        n.id: str(n.properties.get("text") or "")
        for n in graph.get_nodes([NodeRef(label=Label.BRIEF, id=i) for i in brief_ids])
    }
    brand_ids = sorted({p.brand_id for p in plans if p.brand_id})
    brands = {
        n.id: str(n.properties.get("name") or n.id)
        for n in graph.get_nodes([NodeRef(label=Label.BRAND, id=i) for i in brand_ids])
    }
    out = []
    for p in plans:
        text = briefs.get(p.brief_id or "", "")
        title = title_of(text) if text.strip() else ""
        out.append(title or f"{brands.get(p.brand_id, p.brand_id)}, {p.start_date} to {p.end_date}")
    return out
