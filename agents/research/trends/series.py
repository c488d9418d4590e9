"""Daily performance series of a brand, read from the outcome aggregates of the graph.

Families: the brand as a whole, each channel, each audience, each hook (assets grouped by
their normalised opening line, see :func:`agents.research.text.hook_of`) and the topic
(the brand's assets that retrieval found on the topic). Each series holds, per day, the
numerator and denominator of the metric (revenue and spend for ROAS), so ratios are ratios
of sums, never averages of daily ratios.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from agents.research.models import Family, Metric
from agents.research.text import clean_copy, coverage, hook_key, hook_of, stems_of
from agents.research.trends.stats import FloatArray
from graph.base import GraphStore
from graph.models import NodeRef, OutcomeQuery, OutcomeTotals
from graph.schema import Label

ON_TOPIC = 0.5  # share of the topic's terms an asset's copy must hold to be on the topic
# (numerator, denominator) of each metric, as OutcomeTotals attributes.
RATIOS: dict[str, tuple[str, str]] = {
    "roas": ("revenue", "spend"),
    "conversion_rate": ("conversions", "clicks"),
    "ctr": ("clicks", "impressions"),
}


@dataclass(frozen=True)
class Window:
    """The days a research brief looks at, both inclusive."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass
class Series:
    """One group's daily numerator and denominator (days in order, only days with data)."""

    family: Family
    key: str
    label: str
    ordinals: np.ndarray
    num: FloatArray
    den: FloatArray
    rows: int
    spend: float
    members: tuple[str, ...] = ()  # asset ids of a hook or topic series
    cite: list[NodeRef] = field(default_factory=list)  # the group's own nodes
    on_topic: bool = False


@dataclass
class SeriesSet:
    """Every series of a brand over a window, with the brand's daily totals."""

    brand: Series
    groups: list[Series]
    window: Window


def brand_window(
    store: GraphStore, brand_id: str, window_days: int, as_of: date | None
) -> Window | None:
    """The window ending on ``as_of`` (default: the brand's last outcome day); None if the
    brand has no outcomes by then."""
    daily = store.aggregate_outcomes(OutcomeQuery(brand_id=brand_id, end=as_of, group_by=("date",)))
    days = [t.date for t in daily if t.date]
    if not days:
        return None
    end = as_of or date.fromisoformat(max(days))
    return Window(start=end - timedelta(days=window_days - 1), end=end)


def _build(
    family: Family,
    key: str,
    label: str,
    totals: Iterable[OutcomeTotals],
    metric: Metric,
    **extra: object,
) -> Series:
    num_attr, den_attr = RATIOS[metric]
    by_day: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])
    for t in totals:
        if not t.date:
            continue
        cell = by_day[date.fromisoformat(t.date).toordinal()]
        cell[0] += float(getattr(t, num_attr))
        cell[1] += float(getattr(t, den_attr))
        cell[2] += t.rows
        cell[3] += t.spend
    days = sorted(by_day)
    values = np.array([by_day[d] for d in days], dtype=np.float64).reshape(-1, 4)
    return Series(
        family=family,
        key=key,
        label=label,
        ordinals=np.array(days, dtype=np.int64),
        num=values[:, 0],
        den=values[:, 1],
        rows=int(values[:, 2].sum()),
        spend=float(values[:, 3].sum()),
        **extra,  # type: ignore[arg-type]
    )


def _daily(
    store: GraphStore, brand_id: str, window: Window, key: str | None
) -> list[OutcomeTotals]:
    group = (key, "date") if key else ("date",)
    query = OutcomeQuery(brand_id=brand_id, start=window.start, end=window.end, group_by=group)
    return store.aggregate_outcomes(query)


def _names(store: GraphStore, label: Label, ids: Iterable[str]) -> dict[str, str]:
    nodes = store.get_nodes([NodeRef(label=label, id=i) for i in sorted(set(ids))])
    return {n.id: str(n.properties.get("name") or n.id) for n in nodes}


def collect_series(
    store: GraphStore,
    brand_id: str,
    window: Window,
    metric: Metric,
    topic_assets: Sequence[str] = (),
    topic: str | None = None,
) -> SeriesSet:
    """The brand's series of every family over ``window`` (five aggregate queries).

    An asset is on the topic when retrieval found it (``topic_assets``) or its copy holds
    at least half of the topic's terms; a hook is on the topic when one of its assets is.
    """
    brand = _build(
        "brand",
        brand_id,
        "the brand overall",
        _daily(store, brand_id, window, None),
        metric,
        cite=[NodeRef(label=Label.BRAND, id=brand_id)],
    )
    groups: list[Series] = []
    for family, column, label in (
        ("channel", "channel_id", Label.CHANNEL),
        ("audience", "audience_id", Label.AUDIENCE),
    ):
        rows = _daily(store, brand_id, window, column)
        by_key: dict[str, list[OutcomeTotals]] = defaultdict(list)
        for t in rows:
            value = getattr(t, column)
            if value:
                by_key[value].append(t)
        names = _names(store, label, by_key)
        for key in sorted(by_key):
            groups.append(
                _build(
                    family,  # type: ignore[arg-type]
                    key,
                    names.get(key, key),
                    by_key[key],
                    metric,
                    cite=[NodeRef(label=label, id=key)],
                )
            )
    groups.extend(_asset_series(store, brand_id, window, metric, topic_assets, topic))
    return SeriesSet(brand=brand, groups=groups, window=window)


def _asset_series(
    store: GraphStore,
    brand_id: str,
    window: Window,
    metric: Metric,
    topic_assets: Sequence[str],
    topic: str | None,
) -> list[Series]:
    """Hook series (assets grouped by opening line) and the topic series."""
    by_asset: dict[str, list[OutcomeTotals]] = defaultdict(list)
    for t in _daily(store, brand_id, window, "asset_id"):
        if t.asset_id:
            by_asset[t.asset_id].append(t)
    nodes = store.get_nodes([NodeRef(label=Label.ASSET, id=a) for a in sorted(by_asset)])
    hooks: dict[str, list[str]] = defaultdict(list)
    shown: dict[str, Counter[str]] = defaultdict(Counter)
    topical = set(topic_assets)
    wanted = stems_of(topic) if topic else set()
    for node in nodes:
        if wanted:
            copy = f"{node.properties.get('title') or ''}\n{node.properties.get('body') or ''}"
            if coverage(wanted, stems_of(clean_copy(copy))) >= ON_TOPIC:
                topical.add(node.id)
        hook = hook_of(node.properties)
        if hook and (key := hook_key(hook)):
            hooks[key].append(node.id)
            shown[key][hook] += 1
    out = []
    for key in sorted(hooks):
        members = tuple(sorted(hooks[key]))
        out.append(
            _build(
                "hook",
                key,
                shown[key].most_common(1)[0][0],
                (t for a in members for t in by_asset[a]),
                metric,
                members=members,
                cite=[NodeRef(label=Label.ASSET, id=a) for a in members],
                on_topic=bool(topical & set(members)),
            )
        )
    on_topic = tuple(sorted(a for a in topical if a in by_asset))
    if on_topic:
        out.append(
            _build(
                "topic",
                "topic",
                "the brand's assets on the topic",
                (t for a in on_topic for t in by_asset[a]),
                metric,
                members=on_topic,
                cite=[NodeRef(label=Label.ASSET, id=a) for a in on_topic],
                on_topic=True,
            )
        )
    return out
