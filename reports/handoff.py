"""Marketing-to-sales handoff health: response and stage-progression times by source,
and alerts when a source's handoff degrades.

A lead's source is its channel (a CRM lead without one: its CRM source). Stage times run
from ``created_at`` to the first response and to each stage the lead reached
(``qualified_at``, ``sales_qualified_at``, ``opportunity_at``, ``converted_at``).

Degradation compares the last ``recent_days`` before the window's end with the
``baseline_days`` before that, per source, with two one-sided tests: a Mann-Whitney U
test that recent response times are longer, and a pooled two-proportion z-test that the
share of SLA breaches (answered after ``sla_minutes`` or due and unanswered) is higher.
All p-values of all sources are Holm-corrected together; a source is *degraded* when a
test is significant at ``alpha`` after correction and the recent median response (or
breach share) is the worse one. Sources with fewer than ``min_leads`` leads in either
period are not tested.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

from pydantic import BaseModel, Field

from graph.base import GraphStore
from graph.models import Evidence, NodeRef
from graph.schema import Label
from reports._leads import STAGE_TIMES, Lead, load_leads
from reports._stats import greater, holm, proportion_greater, quantile
from reports.alerts import AlertDraft, AlertsRecorded, record_alerts
from reports.base import DEFAULT_LINEAGE_LIMIT, Kpi, Kpis, Lineage, Window
from reports.errors import BadWindowError, check_inputs


class StageTime(BaseModel):
    stage: str
    reached: int
    share: float | None = Field(description="reached / leads")
    median_hours: float | None = Field(description="median hours from created_at")
    p90_hours: float | None


class PeriodStats(BaseModel):
    start: date
    end: date
    leads: int
    answered: int
    median_response_minutes: float | None
    breach_share: float | None = Field(description="SLA breaches / due leads")


class TestResult(BaseModel):
    test: str = Field(description="response_time (Mann-Whitney U) or breach_share (z-test)")
    p_value: float | None
    p_adjusted: float | None = Field(description="Holm-corrected over every source and test")
    significant: bool


class SourceHealth(BaseModel):
    source: str
    leads: int
    response_median_minutes: float | None
    response_p90_minutes: float | None
    conversion_rate: float | None
    stages: list[StageTime]
    recent: PeriodStats
    baseline: PeriodStats
    tests: list[TestResult]
    tested: bool = Field(description="false: too few leads in a period to test")
    degraded: bool
    lineage: Lineage


class HandoffReport(BaseModel):
    brand_id: str | None
    window: Window
    sla_minutes: int
    recent_days: int
    baseline_days: int
    alpha: float
    kpis: list[Kpi]
    sources: list[SourceHealth]


def handoff_health(
    store: GraphStore,
    *,
    brand_id: str | None = None,
    end: date | None = None,
    recent_days: int = 28,
    baseline_days: int = 90,
    sla_minutes: int = 60,
    alpha: float = 0.05,
    min_leads: int = 10,
    as_of: datetime | None = None,
    lineage_limit: int = DEFAULT_LINEAGE_LIMIT,
) -> HandoffReport:
    """Handoff KPIs by source over the baseline and recent periods ending at ``end``."""
    check_inputs(
        days={"recent_days": recent_days, "baseline_days": baseline_days},
        sla_minutes=sla_minutes,
        moments={"end": end, "as_of": as_of},
    )
    if recent_days < 1 or baseline_days < 1 or sla_minutes < 1 or not 0 < alpha < 1:
        raise BadWindowError(
            "recent_days, baseline_days and sla_minutes must be positive and alpha in (0, 1)"
        )
    as_of = as_of or datetime.now(UTC)
    end = end or as_of.date()
    cut = end - timedelta(days=recent_days)
    start = cut - timedelta(days=baseline_days)
    moment = min(as_of, datetime.combine(end, time.max, UTC))
    leads = [
        x
        for x in load_leads(store, brand_id, start + timedelta(days=1), end)
        if x.created <= moment
    ]
    sla = timedelta(minutes=sla_minutes)
    by_source: dict[str, list[Lead]] = defaultdict(list)
    for lead in leads:
        by_source[lead.source].append(lead)
    k = Kpis(lineage_limit)
    drafts = []
    for source, mine in sorted(by_source.items()):
        recent = [x for x in mine if x.created.date() > cut]
        base = [x for x in mine if x.created.date() <= cut]
        drafts.append((source, mine, recent, base))
    pvalues: list[float | None] = []
    for _, _, recent, base in drafts:
        tested = len(recent) >= min_leads and len(base) >= min_leads
        pvalues += _pvalues(recent, base, sla, moment) if tested else [None, None]
    adjusted = holm(pvalues)
    sources = []
    for i, (source, mine, recent, base) in enumerate(drafts):
        r = _period(recent, cut + timedelta(days=1), end, sla, moment)
        b = _period(base, start + timedelta(days=1), cut, sla, moment)
        worse = [
            (r.median_response_minutes or 0) > (b.median_response_minutes or 0),
            (r.breach_share or 0) > (b.breach_share or 0),
        ]
        tests = [
            TestResult(
                test=name,
                p_value=pvalues[2 * i + j],
                p_adjusted=adjusted[2 * i + j],
                significant=adjusted[2 * i + j] is not None
                and (adjusted[2 * i + j] or 1.0) < alpha
                and worse[j],
            )
            for j, name in enumerate(("response_time", "breach_share"))
        ]
        sources.append(
            SourceHealth(
                source=source,
                leads=len(mine),
                response_median_minutes=quantile(_minutes(mine, moment), 0.5),
                response_p90_minutes=quantile(_minutes(mine, moment), 0.9),
                conversion_rate=sum(1 for x in mine if x.won) / len(mine),
                stages=_stages(mine, moment),
                recent=r,
                baseline=b,
                tests=tests,
                tested=pvalues[2 * i] is not None or pvalues[2 * i + 1] is not None,
                degraded=any(t.significant for t in tests),
                lineage=k.lineage(x.ref for x in mine),
            )
        )
    minutes = _minutes(leads, moment)
    degraded = [s for s in sources if s.degraded]
    return HandoffReport(
        brand_id=brand_id,
        window=Window(start=start + timedelta(days=1), end=end, as_of=as_of),
        sla_minutes=sla_minutes,
        recent_days=recent_days,
        baseline_days=baseline_days,
        alpha=alpha,
        kpis=[
            k.kpi("leads", len(leads), "count", (x.ref for x in leads)),
            k.kpi(
                "lead_response_time_median",
                quantile(minutes, 0.5),
                "minutes",
                (x.ref for x in leads if x.first_response and x.first_response <= moment),
                method="median of first_response_at - created_at over answered leads",
            ),
            k.kpi("sources", len(sources), "count", ()),
            k.kpi(
                "degraded_sources",
                len(degraded),
                "count",
                (ref for s in degraded for ref in _refs(s)),
                method="one-sided Mann-Whitney U (response time) and two-proportion z-test "
                f"(breach share), Holm-corrected, alpha {alpha}",
            ),
        ],
        sources=sources,
    )


def _refs(s: SourceHealth) -> list[NodeRef]:
    return [NodeRef.parse(i) for i in s.lineage.node_ids]


def _minutes(leads: list[Lead], moment: datetime) -> list[float]:
    return [
        x.response_minutes or 0.0
        for x in leads
        if x.first_response is not None and x.first_response <= moment
    ]


def _breaches(leads: list[Lead], sla: timedelta, moment: datetime) -> tuple[int, int]:
    due = breached = 0
    for x in leads:
        answered = x.first_response is not None and x.first_response <= moment
        if not answered and moment - x.created <= sla:
            continue  # not due yet
        due += 1
        late = not answered or (x.first_response is not None and x.first_response - x.created > sla)
        breached += 1 if late else 0
    return breached, due


def _pvalues(
    recent: list[Lead], base: list[Lead], sla: timedelta, moment: datetime
) -> list[float | None]:
    b1, d1 = _breaches(recent, sla, moment)
    b0, d0 = _breaches(base, sla, moment)
    return [
        greater(_minutes(recent, moment), _minutes(base, moment)),
        proportion_greater(b1, d1, b0, d0),
    ]


def _period(
    leads: list[Lead], start: date, end: date, sla: timedelta, moment: datetime
) -> PeriodStats:
    breached, due = _breaches(leads, sla, moment)
    minutes = _minutes(leads, moment)
    return PeriodStats(
        start=start,
        end=end,
        leads=len(leads),
        answered=len(minutes),
        median_response_minutes=quantile(minutes, 0.5),
        breach_share=breached / due if due else None,
    )


def _stages(leads: list[Lead], moment: datetime) -> list[StageTime]:
    out = []
    stages = [("first_response", "first_response_at"), *STAGE_TIMES]
    for stage, prop in stages:
        hours = []
        for x in leads:
            at = x.at(prop)
            if at is not None and at <= moment:
                hours.append(max(0.0, (at - x.created).total_seconds() / 3600))
        out.append(
            StageTime(
                stage=stage,
                reached=len(hours),
                share=len(hours) / len(leads) if leads else None,
                median_hours=quantile(hours, 0.5),
                p90_hours=quantile(hours, 0.9),
            )
        )
    return out


def record_handoff_alerts(store: GraphStore, report: HandoffReport) -> AlertsRecorded:
    """One Alert per degraded source (for the report's window end), by the handoff-monitor."""
    drafts = []
    channels = store.existing_ids(Label.CHANNEL, [s.source for s in report.sources])
    for s in report.sources:
        if not s.degraded:
            continue
        failed = [t for t in s.tests if t.significant]
        what = "; ".join(
            f"{t.test} p_adj={t.p_adjusted:.2g}" for t in failed if t.p_adjusted is not None
        )
        if s.source in channels:
            subject = NodeRef(Label.CHANNEL, s.source)
        elif report.brand_id:
            subject = NodeRef(Label.BRAND, report.brand_id)
        else:
            subject = _refs(s)[0]
        evidence = [Evidence(ref=r, reason="lead of the source") for r in _refs(s)]
        if subject.label is Label.CHANNEL:
            evidence.append(Evidence(ref=subject, reason="the degraded source"))
        drafts.append(
            AlertDraft(
                id=f"alert-handoff-{s.source}-{report.window.end}",
                kind="handoff_degraded",
                severity="critical" if len(failed) == 2 else "warning",
                subject=subject,
                message=(
                    f"handoff from {s.source} degraded in the last {report.recent_days} days: "
                    f"median response {s.recent.median_response_minutes or 0:.0f} min vs "
                    f"{s.baseline.median_response_minutes or 0:.0f}, breach share "
                    f"{(s.recent.breach_share or 0):.0%} vs "
                    f"{(s.baseline.breach_share or 0):.0%} ({what})"
                ),
                evidence=evidence,
                properties={
                    "source": s.source,
                    "window_end": str(report.window.end),
                    "brand_id": report.brand_id,
                },
            )
        )
    return record_alerts(
        store,
        drafts,
        kind="handoff_alert",
        agent="handoff-monitor",
        algorithm="mann-whitney+two-proportion, holm",
        rationale=f"{len(drafts)} source(s) with a degraded handoff in the {report.recent_days} "
        f"days to {report.window.end} (alpha {report.alpha}, Holm-corrected)",
        inputs={
            "brand_id": report.brand_id,
            "end": str(report.window.end),
            "recent_days": report.recent_days,
            "baseline_days": report.baseline_days,
            "sla_minutes": report.sla_minutes,
            "alpha": report.alpha,
        },
    )
