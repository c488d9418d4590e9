"""Suggestions for ids typed by people: ``trailhead``, did you mean ``brand-trailhead``?"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from graph.base import GraphStore
from graph.errors import NoSuchBrandError
from graph.schema import Label


def did_you_mean(value: str, candidates: Iterable[str]) -> str | None:
    """The candidate ``value`` most likely meant, or None when none is close.

    An id whose dash-separated parts include what was typed wins (``trailhead`` for
    ``brand-trailhead``, ``0026`` for ``cmp-ledgerline-0026`` when only one has it); then
    the closest spelling (``brand-trialhead``).
    """
    typed = value.strip().casefold()
    if not typed:
        return None
    options = sorted(set(candidates))
    folded = {c.casefold(): c for c in options}
    if typed in folded:
        return folded[typed]
    parts = [c for c in options if typed in re.split(r"[-_:|.\s]+", c.casefold())]
    if len(parts) == 1:
        return parts[0]
    inside = [c for c in options if typed in c.casefold()]
    if len(inside) == 1:
        return inside[0]
    close = difflib.get_close_matches(typed, list(folded), n=1, cutoff=0.75)
    return folded[close[0]] if close else None


def require_brand(store: GraphStore, brand_id: str) -> None:
    """Raise NoSuchBrandError (with the closest brand id) unless the brand exists."""
    if store.existing_ids(Label.BRAND, [brand_id]):
        return
    known = [n.id for n in store.list_nodes(Label.BRAND, limit=1000)]
    raise NoSuchBrandError(brand_id, did_you_mean(brand_id, known))
