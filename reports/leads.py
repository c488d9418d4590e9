"""Lead response and SLA enforcement: response time, SLA compliance, conversion, breaches.

A lead is *due* once ``sla_minutes`` have passed since it was created. At ``as_of`` a due
lead has met the SLA (first response within it), was answered late, or is an *open
breach* (no response yet); a lead not yet due and unanswered is pending and left out of
compliance. Responses after ``as_of`` count as not yet given, so a report for a past
moment is what the team saw then. Intervals are Wilson 95 % intervals.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from pydantic import BaseModel, Field

from graph.base import GraphStore
from graph.models import Evidence, NodeRef
from graph.schema import Label
from reports._leads import UNASSIGNED, Lead, load_leads
from reports._stats import quantile, wilson
from reports.alerts import AlertDraft, AlertsRecorded, record_alerts
from reports.base import DEFAULT_LINEAGE_LIMIT, Kpi, Kpis, Window
from reports.errors import BadWindowError, check_inputs

DEFAULT_SLA_MINUTES = 60
WILSON = "Wilson 95 % interval"


class GroupStats(BaseModel):
    """The SLA figures of one owner or one channel."""

    key: str
    leads: int
    answered: int
    median_response_minutes: float | None
    sla_compliance: float | None = Field(description="met / due")
    conversion_rate: float | None = Field(description="won / leads")
    open_breaches: int


class Breach(BaseModel):
    """A due lead that was not answered within the SLA."""

    lead_id: str
    status: str = Field(description="open (still unanswered) or late (answered after the SLA)")
    created_at: datetime
    due_at: datetime
    overdue_minutes: float = Field(description="past due at as_of (open) or at the answer (late)")
    owner: str | None
    channel_id: str | None


class SlaReport(BaseModel):
    """Lead response and SLA KPIs of a brand over a window."""

    brand_id: str | None
    window: Window
    sla_minutes: int
    kpis: list[Kpi]
    by_owner: list[GroupStats]
    by_channel: list[GroupStats]
    breaches: list[Breach] = Field(description="open breaches, most overdue first, then late ones")


def _status(lead: Lead, sla: timedelta, as_of: datetime) -> str:
    answered = lead.first_response is not None and lead.first_response <= as_of
    if answered:
        assert lead.first_response is not None
        return "met" if lead.first_response - lead.created <= sla else "late"
    return "open" if as_of - lead.created > sla else "pending"


def lead_sla(
    store: GraphStore,
    *,
    brand_id: str | None = None,
    start: date | None = None,
    end: date | None = None,
    sla_minutes: int = DEFAULT_SLA_MINUTES,
    as_of: datetime | None = None,
    lineage_limit: int = DEFAULT_LINEAGE_LIMIT,
    breach_limit: int = 100,
) -> SlaReport:
    """Response time, SLA compliance, conversion and breaches of the brand's leads."""
    check_inputs(sla_minutes=sla_minutes, moments={"start": start, "end": end, "as_of": as_of})
    if start and end and end < start:
        raise BadWindowError(f"end {end} is before start {start}")
    as_of = as_of or datetime.now(UTC)
    sla = timedelta(minutes=sla_minutes)
    leads = [lead for lead in load_leads(store, brand_id, start, end) if lead.created <= as_of]
    status = {lead.id: _status(lead, sla, as_of) for lead in leads}
    won = {lead.id for lead in leads if _won(lead, as_of)}  # worked out once, read 3 times
    k = Kpis(lineage_limit)
    return SlaReport(
        brand_id=brand_id,
        window=Window(start=start, end=end, as_of=as_of),
        sla_minutes=sla_minutes,
        kpis=_kpis(k, leads, status, won),
        by_owner=_groups(leads, status, won, lambda lead: lead.owner or UNASSIGNED),
        by_channel=_groups(leads, status, won, lambda lead: lead.source),
        breaches=_breaches(leads, status, sla, as_of, breach_limit),
    )


_ANSWERED = frozenset({"met", "late"})  # a first response by as_of (see _status)


def _answered(leads: list[Lead], status: dict[str, str]) -> list[Lead]:
    # From the status, not the timestamps again: comparing aware datetimes of several
    # offsets is slow, and a report asks this of every group.
    return [x for x in leads if status[x.id] in _ANSWERED]


def _won(lead: Lead, as_of: datetime) -> bool:
    return lead.converted <= as_of if lead.converted is not None else lead.stage == "won"


def _kpis(k: Kpis, leads: list[Lead], status: dict[str, str], won_ids: set[str]) -> list[Kpi]:
    answered = _answered(leads, status)
    minutes = [x.response_minutes or 0.0 for x in answered]
    due = [x for x in leads if status[x.id] != "pending"]
    met = sum(1 for x in due if status[x.id] == "met")
    open_breaches = [x for x in leads if status[x.id] == "open"]
    won = [x for x in leads if x.id in won_ids]
    unassigned = [x for x in leads if x.owner is None and x.open]
    refs = [x.ref for x in leads]
    rate_low, rate_high = wilson(len(answered), len(leads))
    sla_low, sla_high = wilson(met, len(due))
    conv_low, conv_high = wilson(len(won), len(leads))
    return [
        k.kpi("leads", len(leads), "count", refs),
        k.kpi(
            "lead_response_time_median",
            quantile(minutes, 0.5),
            "minutes",
            (x.ref for x in answered),
            method="median of first_response_at - created_at over answered leads",
        ),
        k.kpi(
            "lead_response_time_p90",
            quantile(minutes, 0.9),
            "minutes",
            (x.ref for x in answered),
            method="90th percentile (linear interpolation) over answered leads",
        ),
        k.kpi(
            "response_rate",
            len(answered) / len(leads) if leads else None,
            "share",
            refs,
            low=rate_low,
            high=rate_high,
            method=f"answered / leads; {WILSON}",
        ),
        k.kpi(
            "sla_compliance",
            met / len(due) if due else None,
            "share",
            (x.ref for x in due),
            low=sla_low,
            high=sla_high,
            method=f"answered within the SLA / due leads (unanswered past it count as "
            f"breaches); {WILSON}",
        ),
        k.kpi("open_sla_breaches", len(open_breaches), "count", (x.ref for x in open_breaches)),
        k.kpi(
            "conversion_rate",
            len(won) / len(leads) if leads else None,
            "share",
            refs,
            low=conv_low,
            high=conv_high,
            method=f"won (stage won or converted_at) / leads; {WILSON}",
        ),
        k.kpi("unassigned_open_leads", len(unassigned), "count", (x.ref for x in unassigned)),
    ]


def _groups(
    leads: list[Lead], status: dict[str, str], won: set[str], key: Callable[[Lead], str]
) -> list[GroupStats]:
    groups: dict[str, list[Lead]] = defaultdict(list)
    for lead in leads:
        groups[key(lead)].append(lead)
    out = []
    for name, mine in sorted(groups.items()):
        answered = _answered(mine, status)
        due = [x for x in mine if status[x.id] != "pending"]
        met = sum(1 for x in due if status[x.id] == "met")
        out.append(
            GroupStats(
                key=name,
                leads=len(mine),
                answered=len(answered),
                median_response_minutes=quantile(
                    [x.response_minutes or 0.0 for x in answered], 0.5
                ),
                sla_compliance=met / len(due) if due else None,
                conversion_rate=sum(1 for x in mine if x.id in won) / len(mine),
                open_breaches=sum(1 for x in mine if status[x.id] == "open"),
            )
        )
    return out


def _breaches(
    leads: list[Lead], status: dict[str, str], sla: timedelta, as_of: datetime, limit: int
) -> list[Breach]:
    """The first ``limit`` breaches: open ones most overdue first, then late ones."""
    found = []
    for lead in leads:
        state = status[lead.id]
        if state not in ("open", "late"):
            continue
        until = as_of if state == "open" else lead.first_response
        assert until is not None
        overdue = round((until - (lead.created + sla)).total_seconds() / 60, 2)
        found.append((state != "open", -overdue, lead.id, lead))
    found.sort(key=lambda f: f[:3])
    return [
        Breach(
            lead_id=lead.id,
            status="late" if late else "open",
            created_at=lead.created,
            due_at=lead.created + sla,
            overdue_minutes=-minus,
            owner=lead.owner,
            channel_id=lead.channel_id,
        )
        for late, minus, _, lead in found[: max(limit, 0)]
    ]


def record_sla_alerts(store: GraphStore, report: SlaReport) -> AlertsRecorded:
    """One Alert per open breach of ``report`` (critical past a day), by the sla-monitor."""
    drafts = []
    for b in report.breaches:
        if b.status != "open":
            continue
        hours = b.overdue_minutes / 60
        who = b.owner or "nobody (unassigned)"
        drafts.append(
            AlertDraft(
                id=f"alert-sla-{b.lead_id}",
                kind="sla_breach",
                severity="critical" if hours >= 24 else "warning",
                subject=_lead_ref(b.lead_id),
                message=f"lead {b.lead_id} unanswered {hours:.1f} h past its "
                f"{report.sla_minutes}-minute SLA; owner: {who}",
                evidence=[Evidence(ref=_lead_ref(b.lead_id), score=round(hours, 2))],
                properties={"lead_id": b.lead_id, "owner": b.owner, "due_at": b.due_at.isoformat()},
            )
        )
    return record_alerts(
        store,
        drafts,
        kind="sla_alert",
        agent="sla-monitor",
        algorithm="open-breach-check",
        rationale=f"{len(drafts)} lead(s) unanswered past the {report.sla_minutes}-minute SLA "
        f"as of {report.window.as_of.isoformat()}",
        inputs={
            "brand_id": report.brand_id,
            "sla_minutes": report.sla_minutes,
            "as_of": report.window.as_of.isoformat(),
        },
    )


def _lead_ref(lead_id: str) -> NodeRef:
    return NodeRef(Label.LEAD, lead_id)
