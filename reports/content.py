"""Content calendar across business units: cadence, throughput, gaps, collisions and
localisation lead time.

Every asset of the brand except guidelines and reports is a calendar item, dated by
when it went live: ``published_at`` (CMS exports), else the start of the first campaign
using it (if after ``created_at``), else ``created_at``. Its business unit is its own
``business_unit`` or that of the campaigns using it; its channel is its own
``channel_id``, else the channel its outcomes ran on (most rows), else the only channel
of its campaign. A *gap* is a stretch of more than ``gap_days`` without an item in one
unit × channel stream (between two items, or from the last item to the window's end).
A *collision* is one channel carrying items of two or more business units on the same
day. Localisation lead time is the time from an original to each of its translations
(``translation_of``).
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from pydantic import BaseModel

from graph.base import GraphStore
from graph.models import Node, NodeRef, OutcomeQuery
from graph.schema import Label, RelType
from reports._graph import campaigns, moment, within
from reports._stats import quantile
from reports.base import DEFAULT_LINEAGE_LIMIT, Kpi, Kpis, Window
from reports.errors import BadWindowError, check_inputs

NOT_CONTENT = frozenset({"guideline", "report"})
NONE = "(none)"


@dataclass
class _Item:
    node: Node
    when: datetime
    unit: str
    channel: str
    status: str

    @property
    def ref(self) -> NodeRef:
        return NodeRef(Label.ASSET, self.node.id)


class Cadence(BaseModel):
    business_unit: str
    channel: str
    items: int
    per_week: float
    median_interval_days: float | None
    first: date
    last: date


class Gap(BaseModel):
    business_unit: str
    channel: str
    start: date
    end: date
    days: int
    after_asset: str
    before_asset: str | None


class Collision(BaseModel):
    day: date
    channel: str
    business_units: list[str]
    asset_ids: list[str]


class WeekCount(BaseModel):
    week: str  # ISO year-week, 2026-W47
    items: int


class CalendarReport(BaseModel):
    brand_id: str
    window: Window
    gap_days: int
    kpis: list[Kpi]
    cadence: list[Cadence]
    throughput: list[WeekCount]
    gaps: list[Gap]
    collisions: list[Collision]


def content_calendar(
    store: GraphStore,
    *,
    brand_id: str,
    start: date | None = None,
    end: date | None = None,
    gap_days: int = 21,
    as_of: datetime | None = None,
    lineage_limit: int = DEFAULT_LINEAGE_LIMIT,
) -> CalendarReport:
    """The brand's content calendar KPIs over [start, end]."""
    check_inputs(days={"gap_days": gap_days}, moments={"start": start, "end": end, "as_of": as_of})
    if start and end and end < start:
        raise BadWindowError(f"end {end} is before start {start}")
    as_of = as_of or datetime.now(UTC)
    every = _items(store, brand_id, as_of)
    items = [i for i in every if within(i.when, start, end)]
    published = [i for i in items if i.status == "published"]
    upcoming = [i for i in every if i.status == "scheduled" and i.when > as_of]
    k = Kpis(lineage_limit)
    first = start or min((i.when.date() for i in items), default=as_of.date())
    last = end or max((i.when.date() for i in items), default=as_of.date())
    weeks = max(((last - first).days + 1) / 7, 1 / 7)
    gaps = _gaps(published, gap_days, end or as_of.date())
    collisions = _collisions(published)
    local, local_refs = _localisation(items, {i.node.id: i for i in every})
    return CalendarReport(
        brand_id=brand_id,
        window=Window(start=start, end=end, as_of=as_of),
        gap_days=gap_days,
        kpis=[
            k.kpi("assets_published", len(published), "count", (i.ref for i in published)),
            k.kpi(
                "asset_throughput",
                len(published) / weeks,
                "per_week",
                (i.ref for i in published),
                method=f"published items / {weeks:.1f} weeks of the window",
            ),
            k.kpi(
                "assets_scheduled",
                len(upcoming),
                "count",
                (i.ref for i in upcoming),
                method="items scheduled after as_of (whatever the window's end)",
            ),
            k.kpi("content_gaps", len(gaps), "count", _gap_refs(gaps)),
            k.kpi("content_collisions", len(collisions), "count", _collision_refs(collisions)),
            k.kpi(
                "localisation_lead_time_median",
                quantile(local, 0.5),
                "days",
                local_refs,
                n=len(local),
                method="median of translation date - original date over translations",
            ),
            k.kpi(
                "localisation_lead_time_p90",
                quantile(local, 0.9),
                "days",
                local_refs,
                n=len(local),
                method="90th percentile (linear interpolation) over translations",
            ),
        ],
        cadence=_cadence(published, weeks),
        throughput=[WeekCount(week=w, items=n) for w, n in sorted(_weeks(published).items())],
        gaps=gaps,
        collisions=collisions,
    )


def _items(store: GraphStore, brand_id: str, as_of: datetime) -> list[_Item]:
    by_campaign = campaigns(store, brand_id)
    assets = [
        a
        for a in store.find_all(Label.ASSET, {"brand_id": brand_id})
        if a.properties.get("kind") not in NOT_CONTENT
    ]
    refs = [NodeRef(Label.ASSET, a.id) for a in assets]
    used_by: dict[str, list[str]] = defaultdict(list)
    for e in store.incident_edges(refs, 100, {RelType.USES: "in"}):
        used_by[e.dst.id].append(e.src.id)
    runs_on: dict[str, set[str]] = defaultdict(set)
    campaign_refs = [
        NodeRef(Label.CAMPAIGN, c) for c in sorted({c for v in used_by.values() for c in v})
    ]
    for e in store.incident_edges(campaign_refs, 100, {RelType.ON: "out"}):
        runs_on[e.src.id].add(e.dst.id)
    ran_on: dict[str, Counter[str]] = defaultdict(Counter)
    query = OutcomeQuery(brand_id=brand_id, group_by=("asset_id", "channel_id"), metrics=())
    for t in store.aggregate_outcomes(query):
        if t.asset_id and t.channel_id:
            ran_on[t.asset_id][t.channel_id] += t.rows
    out = []
    for a in assets:
        p = a.properties
        mine = [by_campaign[c] for c in sorted(used_by[a.id]) if c in by_campaign]
        when = moment(p.get("published_at")) or _live(moment(p.get("created_at")), mine)
        if when is None:
            continue
        units = [
            str(c.properties["business_unit"]) for c in mine if c.properties.get("business_unit")
        ]
        unit = str(p.get("business_unit") or (units[0] if units else NONE))
        channel = p.get("channel_id")
        if not channel and ran_on[a.id]:
            channel = ran_on[a.id].most_common(1)[0][0]
        if not channel:
            only = set().union(*(runs_on[c.id] for c in mine)) if mine else set()
            channel = next(iter(only)) if len(only) == 1 else None
        status = str(p.get("status") or "published")
        if status == "published" and when > as_of:
            status = "scheduled"
        out.append(_Item(a, when, unit, str(channel or NONE), status))
    out.sort(key=lambda i: (i.when, i.node.id))
    return out


def _live(created: datetime | None, used_by: list[Node]) -> datetime | None:
    """An asset goes live when its first campaign starts, unless it was made later."""
    starts = sorted(
        str(c.properties["start_date"]) for c in used_by if c.properties.get("start_date")
    )
    if created is None or not starts:
        return created
    start = datetime.combine(date.fromisoformat(starts[0]), created.timetz())
    return max(created, start)


def _streams(items: list[_Item]) -> dict[tuple[str, str], list[_Item]]:
    streams: dict[tuple[str, str], list[_Item]] = defaultdict(list)
    for i in items:
        streams[(i.unit, i.channel)].append(i)
    return streams


def _cadence(items: list[_Item], weeks: float) -> list[Cadence]:
    out = []
    for (unit, channel), mine in sorted(_streams(items).items()):
        days = [i.when.date() for i in mine]
        intervals = [float((b - a).days) for a, b in itertools.pairwise(days)]
        out.append(
            Cadence(
                business_unit=unit,
                channel=channel,
                items=len(mine),
                per_week=round(len(mine) / weeks, 4),
                median_interval_days=quantile(intervals, 0.5),
                first=days[0],
                last=days[-1],
            )
        )
    return out


def _gaps(items: list[_Item], gap_days: int, until: date) -> list[Gap]:
    out = []
    for (unit, channel), mine in sorted(_streams(items).items()):
        for a, b in zip(mine, [*mine[1:], None], strict=True):
            stop = b.when.date() if b else until
            days = (stop - a.when.date()).days
            if days > gap_days:
                out.append(
                    Gap(
                        business_unit=unit,
                        channel=channel,
                        start=a.when.date() + timedelta(days=1),
                        end=stop - timedelta(days=1) if b else stop,
                        days=days,
                        after_asset=a.node.id,
                        before_asset=b.node.id if b else None,
                    )
                )
    return out


def _collisions(items: list[_Item]) -> list[Collision]:
    by_slot: dict[tuple[date, str], list[_Item]] = defaultdict(list)
    for i in items:
        if i.channel != NONE:
            by_slot[(i.when.date(), i.channel)].append(i)
    out = []
    for (day, channel), mine in sorted(by_slot.items()):
        units = sorted({i.unit for i in mine})
        if len(units) > 1:
            ids = sorted(i.node.id for i in mine)
            out.append(Collision(day=day, channel=channel, business_units=units, asset_ids=ids))
    return out


def _localisation(items: list[_Item], every: dict[str, _Item]) -> tuple[list[float], list[NodeRef]]:
    """Days from each original to its translation, by when each was published (or made):
    both may go live together with a campaign, but the translation came later."""
    days, refs = [], []
    for i in items:
        original = every.get(str(i.node.properties.get("translation_of") or ""))
        if original is None:
            continue
        late, early = _made(i.node), _made(original.node)
        if late is None or early is None:
            continue
        days.append(round((late - early).total_seconds() / 86400, 4))
        refs += [i.ref, original.ref]
    return days, refs


def _made(node: Node) -> datetime | None:
    return moment(node.properties.get("published_at")) or moment(node.properties.get("created_at"))


def _weeks(items: list[_Item]) -> Counter[str]:
    weeks: Counter[str] = Counter()
    for i in items:
        year, week, _ = i.when.isocalendar()
        weeks[f"{year}-W{week:02d}"] += 1
    return weeks


def _gap_refs(gaps: list[Gap]) -> list[NodeRef]:
    return [NodeRef(Label.ASSET, a) for g in gaps for a in (g.after_asset, g.before_asset) if a]


def _collision_refs(collisions: list[Collision]) -> list[NodeRef]:
    return [NodeRef(Label.ASSET, a) for c in collisions for a in c.asset_ids]
