"""Fitted curves kept per brand until the brand's outcomes or drift alerts change.

Fitting a brand's curves takes a second or two; planning on them takes milliseconds. The
cache keys a brand's curves by a fingerprint of its outcome data (row count and the sums of
spend, revenue and conversions, read in one aggregate) and of its drift alerts (the fit
looks for a change point where one says a line moved), so any ingest that changes the
outcomes, or a new alert, refits, and re-planning on unchanged data does not. Each process
keeps its own cache; the curves themselves are the same in every process (their ids are
digests of the data), so nothing is shared that could go stale.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

from agents.curves.curves import change_hints
from agents.curves.response_curve import ResponseCurve
from agents.curves.settings import DEFAULT, FitSettings
from graph.base import GraphStore
from graph.models import OutcomeQuery, canonical_json

Fingerprint = tuple[int, float, float, float, str]
MAX_BRANDS = 64


def fingerprint(store: GraphStore, brand_id: str) -> Fingerprint:
    """What changes when the brand's outcomes change, or a drift alert is raised on it
    (the fit looks for a change point where one says a line moved)."""
    hints = canonical_json(
        sorted(
            (ch, au, h.started_on.isoformat(), h.ratio)
            for (ch, au), found in change_hints(store, brand_id).items()
            for h in found
        )
    )
    totals = store.aggregate_outcomes(OutcomeQuery(brand_id=brand_id, group_by=()))
    if not totals:
        return (0, 0.0, 0.0, 0.0, hints)
    t = totals[0]
    return (t.rows, round(t.spend, 4), round(t.revenue, 4), round(t.conversions, 4), hints)


class CurveCache:
    """Brand → (fingerprint, curves), least recently used dropped beyond ``MAX_BRANDS``;
    ``settings`` are how this process fits (the policy file's ``[curves]``)."""

    def __init__(self, settings: FitSettings = DEFAULT) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, tuple[Fingerprint, list[ResponseCurve]]] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def curves(
        self,
        store: GraphStore,
        brand_id: str,
        fit: Callable[[GraphStore, str], list[ResponseCurve]],
    ) -> list[ResponseCurve]:
        """The brand's curves, fitted by ``fit`` only when its outcomes changed."""
        key = fingerprint(store, brand_id)
        with self._lock:
            entry = self._entries.get(brand_id)
            if entry is not None and entry[0] == key:
                self._entries.move_to_end(brand_id)
                self.hits += 1
                return list(entry[1])
        curves = fit(store, brand_id)
        with self._lock:
            self.misses += 1
            self._entries[brand_id] = (key, list(curves))
            self._entries.move_to_end(brand_id)
            while len(self._entries) > MAX_BRANDS:
                self._entries.popitem(last=False)
        return curves
