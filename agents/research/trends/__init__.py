"""Trend detection over a brand's own outcomes: which channels, audiences, hooks and topics
are rising or falling, by a statistical test over each daily series.

``detect_trends`` reads the series from the graph (:mod:`.series`), tests them
(:mod:`.stats`, :mod:`.detect`) and cites, for every significant one, the nodes and outcome
rows behind it (:mod:`.evidence`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from agents.research.models import Metric, Trend, TrendMethod
from agents.research.trends.detect import (
    MIN_DAYS,
    Tested,
    method,
    significant,
    test_all,
    to_trend,
)
from agents.research.trends.evidence import EdgeRows, cite, outcome_id
from agents.research.trends.series import Series, SeriesSet, Window, brand_window, collect_series
from agents.research.trends.stats import (
    VERSION,
    TrendTest,
    benjamini_hochberg,
    mann_kendall,
    weekday_adjust,
)
from graph.base import GraphStore

__all__ = [
    "MIN_DAYS",
    "VERSION",
    "Series",
    "SeriesSet",
    "Tested",
    "TrendReport",
    "TrendTest",
    "Window",
    "benjamini_hochberg",
    "brand_window",
    "collect_series",
    "detect_trends",
    "mann_kendall",
    "outcome_id",
    "weekday_adjust",
]


@dataclass
class TrendReport:
    """The significant trends of a brand (hooks apart), every series tested, the method."""

    trends: list[Trend]
    hooks: list[Trend]
    tested: list[Tested]
    found: SeriesSet
    method: TrendMethod


def detect_trends(
    store: GraphStore,
    brand_id: str,
    window: Window,
    *,
    metric: Metric = "roas",
    fdr: float = 0.1,
    topic_assets: Sequence[str] = (),
    topic: str | None = None,
) -> TrendReport:
    """Test every series of the brand over ``window``; keep those within ``fdr``.

    Hooks on the topic come first among the hooks, then by q-value; each trend cites its
    group's nodes and the largest outcome rows at both ends of the window.
    """
    found = collect_series(store, brand_id, window, metric, topic_assets, topic)
    tested, skipped = test_all(found)
    kept = significant(tested, fdr)
    edges = EdgeRows(store, brand_id)
    trends: list[Trend] = []
    for item in kept:
        trend = to_trend(item, metric, found)
        trend.evidence = cite(store, item.series, edges, item.q)
        trends.append(trend)
    hooks = sorted(
        (t for t in trends if t.family == "hook"), key=lambda t: (not t.on_topic, t.q, t.key)
    )
    others = [t for t in trends if t.family != "hook"]
    return TrendReport(
        trends=others,
        hooks=hooks,
        tested=tested,
        found=found,
        method=method(tested, skipped, metric, fdr, window.days),
    )
