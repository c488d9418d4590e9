"""Numbers of the brief: data points and audience insights, each with the rows behind it.

All figures are ratios of sums over the brief's window (ROAS = revenue / spend over every
outcome row of the group), read with the same outcome aggregates as the trend series; each
cites its group's node, the largest rows at both ends of its series and the outcome query
that re-derives all of its rows.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from agents.research.competitors import Doc
from agents.research.models import AudienceInsight, Citation, CompetitorAngle, DataPoint
from agents.research.text import numbers_in
from agents.research.trends import TrendReport
from agents.research.trends.detect import series_query
from agents.research.trends.evidence import EdgeRows, group_citations, row_citations
from agents.research.trends.series import Series
from graph.base import GraphStore
from graph.models import NodeRef
from graph.schema import Label, RelType

MAX_AUDIENCES = 6
MAX_OFFER_POINTS = 6
MIN_CHANNEL_SHARE = 0.05  # a channel under this share of spend is not "the best channel"
_CURRENCY = {"$": "USD", "€": "EUR", "£": "GBP"}


def _roas(s: Series) -> float | None:
    spend = float(s.den.sum())
    return float(s.num.sum()) / spend if spend > 0 else None


def _point(
    store: GraphStore, s: Series, report: TrendReport, edges: EdgeRows, label: str, detail: str
) -> DataPoint:
    roas = _roas(s) or 0.0
    return DataPoint(
        label=label,
        value=round(roas, 4),
        unit="ratio",
        detail=detail,
        rows=s.rows,
        query=series_query(s, report.found),
        evidence=group_citations(store, s, 1.0) + row_citations(store, s, edges),
    )


def outcome_points(
    store: GraphStore, report: TrendReport, edges: EdgeRows, currency: str
) -> list[DataPoint]:
    """ROAS and spend of the brand, of its on-topic assets, and its best channel."""
    found = report.found
    brand = found.brand
    window = f"{found.window.start.isoformat()} to {found.window.end.isoformat()}"
    brand_roas = _roas(brand)
    if brand_roas is None:
        return []
    points = [
        _point(
            store,
            brand,
            report,
            edges,
            "ROAS of the brand",
            f"ROAS {brand_roas:.2f} on {brand.spend:,.0f} {currency} of spend over "
            f"{brand.rows} outcome rows, {window}.",
        ),
        DataPoint(
            label="Spend of the brand",
            value=round(brand.spend, 2),
            unit=currency,
            detail=f"{brand.spend:,.2f} {currency} spent over {brand.rows} rows, {window}.",
            rows=brand.rows,
            query=series_query(brand, found),
            evidence=group_citations(store, brand, 1.0),
        ),
    ]
    topic = next((s for s in found.groups if s.family == "topic"), None)
    if topic is not None and (roas := _roas(topic)) is not None:
        points.append(
            _point(
                store,
                topic,
                report,
                edges,
                "ROAS of our assets on the topic",
                f"Our {len(topic.members)} assets on the topic returned ROAS {roas:.2f} "
                f"against {brand_roas:.2f} for the brand ({topic.rows} rows, {window}).",
            )
        )
    channels = [
        s
        for s in found.groups
        if s.family == "channel" and brand.spend > 0 and s.spend / brand.spend >= MIN_CHANNEL_SHARE
    ]
    if channels:
        best = max(channels, key=lambda s: (_roas(s) or 0.0, s.key))
        points.append(
            _point(
                store,
                best,
                report,
                edges,
                "Best channel by ROAS",
                f"{best.label} returned ROAS {_roas(best) or 0.0:.2f} on "
                f"{best.spend / brand.spend:.0%} of spend ({best.rows} rows, {window}).",
            )
        )
    return points


def offer_points(angles: Sequence[CompetitorAngle], docs: Sequence[Doc]) -> list[DataPoint]:
    """Competitor offers that state a number (a discount, a price, a free period)."""
    by_id = {d.node_id: d for d in docs}
    out: list[DataPoint] = []
    for angle in angles:
        for offer in angle.offers:
            values = numbers_in(offer)
            source = next(
                (by_id[c.node_id] for c in angle.evidence if offer in by_id[c.node_id].text),
                None,
            )
            if not values or source is None:
                continue
            unit = "percent" if "%" in offer else _unit(offer)
            out.append(
                DataPoint(
                    label=f"{', '.join(angle.competitor_names)} offer",
                    value=values[0],
                    unit=unit,
                    detail=offer,
                    evidence=[
                        Citation(
                            node_id=source.node_id,
                            title=source.title,
                            reason="the competitor copy that makes the offer",
                        )
                    ],
                )
            )
            if len(out) == MAX_OFFER_POINTS:
                return out
    return out


def _unit(text: str) -> str:
    """The unit of an offer's first number: a currency, or the word after it ("15-minute
    fitting" -> minute, "3 months free" -> months), else count."""
    number = re.search(r"[$€£]?\s?\d[\d,.]*(?:-|\s)?([A-Za-z]+)?", text)
    if number is None:
        return "count"
    symbol = re.match(r"[$€£]", number.group())
    if symbol:
        return _CURRENCY[symbol.group()]
    word = (number.group(1) or "").lower()
    if word in ("euro", "euros", "eur"):
        return "EUR"
    if word in ("pound", "pounds", "gbp"):
        return "GBP"
    return word or "count"


def audience_insights(
    store: GraphStore,
    report: TrendReport,
    edges: EdgeRows,
    topic_assets: Sequence[str],
) -> list[AudienceInsight]:
    """Each audience's ROAS against the brand's, its trend, and whether the brand's on-topic
    assets reached it (through the campaigns that used them)."""
    found = report.found
    brand_roas = _roas(found.brand)
    reached = _reached(store, topic_assets)
    tested = {(t.series.family, t.series.key): t for t in report.tested}
    audiences = sorted(
        (s for s in found.groups if s.family == "audience"), key=lambda s: (-s.spend, s.key)
    )
    out = []
    for s in audiences[:MAX_AUDIENCES]:
        roas = _roas(s)
        share = s.spend / found.brand.spend if found.brand.spend > 0 else 0.0
        test = tested.get(("audience", s.key))
        trend = None
        if test is not None:
            change = math.expm1(30.0 * test.test.slope)
            word = "rising" if test.test.slope > 0 else "falling"
            trend = (
                f"{word} {change:+.1%} per 30 days against the rest of the brand (q={test.q:.3g})"
                if test.q <= report.method.fdr
                else f"no significant trend (q={test.q:.3g})"
            )
        via = reached.get(s.key, [])
        detail = (
            f"{s.label}: ROAS {roas or 0.0:.2f} against {brand_roas or 0.0:.2f} for the brand, "
            f"{share:.0%} of spend over {s.rows} rows"
        )
        if trend:
            detail += f"; {trend}"
        if via:
            detail += f"; reached by {len(via)} campaign(s) that used our assets on the topic"
        evidence = group_citations(store, s, round(share, 6)) + row_citations(store, s, edges)
        evidence += [
            Citation(
                node_id=str(c), reason="a campaign that used our on-topic assets with this audience"
            )
            for c in via[:3]
        ]
        out.append(
            AudienceInsight(
                audience_id=s.key,
                name=s.label,
                roas=None if roas is None else round(roas, 4),
                brand_roas=None if brand_roas is None else round(brand_roas, 4),
                spend_share=round(share, 4),
                rows=s.rows,
                trend=trend,
                on_topic=bool(via),
                detail=detail + ".",
                evidence=evidence,
            )
        )
    return out


def _reached(store: GraphStore, assets: Sequence[str]) -> dict[str, list[NodeRef]]:
    """Audience id -> campaigns that used one of ``assets`` and targeted it."""
    refs = [NodeRef(label=Label.ASSET, id=a) for a in assets]
    campaigns = sorted(
        {e.src for e in store.incident_edges(refs, 25, {RelType.USES: "in"})}, key=str
    )
    out: dict[str, list[NodeRef]] = {}
    for edge in store.incident_edges(campaigns, 25, {RelType.TARGETS: "out"}):
        out.setdefault(edge.dst.id, []).append(edge.src)
    return out
