"""``marketgraph usecase …``: the use-case reports (``reports/``) and their actions on the
command line."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer
from pydantic import BaseModel

from api.cli._common import fail, one_line_errors, open_cli_services, out
from reports import (
    AlertsRecorded,
    Kpi,
    content_calendar,
    creative_tests,
    handoff_health,
    lead_sla,
    load_config,
    planning_kpis,
)
from reports.creative import Metric
from workflows.reports import handoff_alerts, route, sla_alerts

usecase_app = typer.Typer(
    help="Marketing use cases: planning, lead SLA and routing, content calendar, creative "
    "tests, handoff.",
    no_args_is_help=True,
)

BrandOpt = Annotated[str | None, typer.Option("--brand", help="one brand (default: every brand)")]
NeedBrand = Annotated[str, typer.Option("--brand", help="the brand")]
StartOpt = Annotated[str | None, typer.Option(help="first day, YYYY-MM-DD")]
EndOpt = Annotated[str | None, typer.Option(help="last day, YYYY-MM-DD")]
AsOfOpt = Annotated[str | None, typer.Option("--as-of", help="compute for this moment (ISO)")]
JsonOpt = Annotated[bool, typer.Option("--json", help="print the full report as JSON")]


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise fail(f"{option} must be a date like 2026-11-30, got {value!r}", 2) from None


def _moment(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        found = datetime.fromisoformat(value)
    except ValueError:
        raise fail(f"--as-of must be an ISO timestamp, got {value!r}", 2) from None
    return found if found.tzinfo else found.replace(tzinfo=UTC)


def _print(report: BaseModel, kpis: list[Kpi], as_json: bool) -> bool:
    """The KPIs as lines (or everything as JSON); True when JSON was printed."""
    if as_json:
        out.print_json(report.model_dump_json())
        return True
    for k in kpis:
        value = "—" if k.value is None else f"{k.value:,.4g}"
        interval = (
            f" [{k.low:.3g}, {k.high:.3g}]" if k.low is not None and k.high is not None else ""
        )
        out.print(f"  {k.name:<32} {value:>12} {k.unit:<9}{interval}  (n={k.n})", highlight=False)
    return False


def _minutes(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f} min"


def _print_alerts(recorded: AlertsRecorded) -> None:
    new = [a for a in recorded.alerts if a.new]
    out.print(
        f"alerts: {len(new)} new, {len(recorded.alerts) - len(new)} already recorded"
        + (f" (decision {recorded.decision_id})" if recorded.decision_id else "")
    )
    for a in recorded.alerts:
        out.print(f"  [{a.severity}] {a.id}: {a.message}", highlight=False)


@usecase_app.command("leads")
@one_line_errors
def leads_command(
    brand: BrandOpt = None,
    start: StartOpt = None,
    end: EndOpt = None,
    sla_minutes: Annotated[int, typer.Option(help="the response SLA in minutes")] = 60,
    as_of: AsOfOpt = None,
    alerts: Annotated[
        bool, typer.Option("--alerts", help="record open breaches as alerts")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Lead response time, SLA compliance, conversion and breaches, by owner."""
    first, last, moment = _day(start, "--start"), _day(end, "--end"), _moment(as_of)
    recorded: AlertsRecorded | None = None
    with open_cli_services() as services:
        if alerts:
            report, recorded = sla_alerts(
                services,
                brand_id=brand,
                start=first,
                end=last,
                sla_minutes=sla_minutes,
                as_of=moment,
                lineage_limit=200,
            )
        else:
            report = lead_sla(
                services.graph,
                brand_id=brand,
                start=first,
                end=last,
                sla_minutes=sla_minutes,
                as_of=moment,
            )
    if _print(report, report.kpis, as_json):
        return
    out.print(f"[bold]by owner[/] (SLA {report.sla_minutes} min)")
    for g in report.by_owner:
        median = _minutes(g.median_response_minutes)
        share = "—" if g.sla_compliance is None else f"{g.sla_compliance:.0%}"
        out.print(f"  {g.key:<28} {g.leads:>6} leads  median {median:>9}  within SLA {share}")
    if recorded is not None:
        _print_alerts(recorded)


@usecase_app.command("route")
@one_line_errors
def route_command(
    rules: Annotated[Path, typer.Argument(help="routing rules and capacities (.toml or .json)")],
    brand: BrandOpt = None,
    start: StartOpt = None,
    end: EndOpt = None,
    as_of: AsOfOpt = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="propose, write nothing")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Route unassigned leads to owners by rules and capacity (each a recorded decision)."""
    config = load_config(rules)
    with open_cli_services() as services:
        result = route(
            services,
            config,
            brand_id=brand,
            start=_day(start, "--start"),
            end=_day(end, "--end"),
            as_of=_moment(as_of),
            dry_run=dry_run,
        )
    if as_json:
        out.print_json(result.model_dump_json())
        return
    verb = "would route" if dry_run else "routed"
    out.print(f"{verb} {len(result.assigned)} leads; {len(result.unrouted)} left unrouted")
    for load in result.load:
        out.print(
            f"  {load.owner:<28} open {load.open_before} -> {load.open_after} of {load.capacity}"
        )
    for u in result.unrouted[:20]:
        out.print(f"  unrouted {u.lead_id}: {u.reason}", highlight=False)


@usecase_app.command("content")
@one_line_errors
def content_command(
    brand: NeedBrand,
    start: StartOpt = None,
    end: EndOpt = None,
    gap_days: Annotated[int, typer.Option(help="a longer silence is a gap")] = 21,
    as_of: AsOfOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The content calendar: cadence, throughput, gaps, collisions, localisation lead time."""
    with open_cli_services() as services:
        report = content_calendar(
            services.graph,
            brand_id=brand,
            start=_day(start, "--start"),
            end=_day(end, "--end"),
            gap_days=gap_days,
            as_of=_moment(as_of),
        )
    if _print(report, report.kpis, as_json):
        return
    out.print("[bold]cadence[/] (business unit × channel)")
    for c in report.cadence:
        out.print(
            f"  {c.business_unit:<24} {c.channel:<22} {c.items:>4} items  {c.per_week:.2f}/week"
        )


@usecase_app.command("creative")
@one_line_errors
def creative_command(
    brand: NeedBrand,
    start: StartOpt = None,
    end: EndOpt = None,
    metric: Annotated[str, typer.Option(help="result_rate, ctr or cvr")] = "result_rate",
    as_of: AsOfOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Creative tests: lift by variant with 95 % intervals, cost per result, throughput."""
    metrics: dict[str, Metric] = {"result_rate": "result_rate", "ctr": "ctr", "cvr": "cvr"}
    if metric not in metrics:
        raise fail(f"--metric must be result_rate, ctr or cvr, got {metric!r}", 2)
    with open_cli_services() as services:
        report = creative_tests(
            services.graph,
            brand_id=brand,
            start=_day(start, "--start"),
            end=_day(end, "--end"),
            metric=metrics[metric],
            as_of=_moment(as_of),
        )
    if _print(report, report.kpis, as_json):
        return
    for t in report.tests:
        verdict = f"winner {t.winner}" if t.conclusive else "inconclusive"
        out.print(f"[bold]{t.id}[/] {t.start}..{t.end} {t.status}, {verdict}", highlight=False)
        for v in t.variants:
            if v.control:
                out.print(f"    {v.asset_id:<24} control  rate {v.rate or 0:.3%}", highlight=False)
            else:
                out.print(
                    f"    {v.asset_id:<24} lift {v.lift or 0:+.1%} "
                    f"[{v.lift_low or 0:+.1%}, {v.lift_high or 0:+.1%}] "
                    f"p_adj {v.p_adjusted or 1:.3f}",
                    highlight=False,
                )


@usecase_app.command("handoff")
@one_line_errors
def handoff_command(
    brand: BrandOpt = None,
    end: EndOpt = None,
    recent_days: Annotated[int, typer.Option(help="the recent period tested")] = 28,
    baseline_days: Annotated[int, typer.Option(help="the period before it")] = 90,
    sla_minutes: Annotated[int, typer.Option(help="the response SLA in minutes")] = 60,
    as_of: AsOfOpt = None,
    alerts: Annotated[
        bool, typer.Option("--alerts", help="record degraded sources as alerts")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Marketing-to-sales handoff by source, and sources whose handoff degraded."""
    last, moment = _day(end, "--end"), _moment(as_of)
    recorded: AlertsRecorded | None = None
    with open_cli_services() as services:
        if alerts:
            report, recorded = handoff_alerts(
                services,
                brand_id=brand,
                end=last,
                recent_days=recent_days,
                baseline_days=baseline_days,
                sla_minutes=sla_minutes,
                as_of=moment,
            )
        else:
            report = handoff_health(
                services.graph,
                brand_id=brand,
                end=last,
                recent_days=recent_days,
                baseline_days=baseline_days,
                sla_minutes=sla_minutes,
                as_of=moment,
            )
    if _print(report, report.kpis, as_json):
        return
    for s in report.sources:
        flag = "DEGRADED" if s.degraded else ("ok" if s.tested else "too few leads to test")
        recent = _minutes(s.recent.median_response_minutes)
        base = _minutes(s.baseline.median_response_minutes)
        out.print(
            f"  {s.source:<24} {s.leads:>5} leads  median response {recent} (recent) "
            f"vs {base} (before)  {flag}",
            highlight=False,
        )
    if recorded is not None:
        _print_alerts(recorded)


@usecase_app.command("planning")
@one_line_errors
def planning_command(brand: NeedBrand, as_of: AsOfOpt = None, as_json: JsonOpt = False) -> None:
    """Executed plans against their forecasts: ROAS, budget adherence, cost per lead, cycle."""
    with open_cli_services() as services:
        report = planning_kpis(services.graph, brand_id=brand, as_of=_moment(as_of))
    if _print(report, report.kpis, as_json):
        return
    for p in report.plans:
        out.print(
            f"[bold]{p.plan_id}[/] v{p.version} {p.status}: spent {p.spend:,.2f} of "
            f"{p.planned_to_date:,.2f} planned to date, ROAS {p.actual_roas or 0:.2f} "
            f"(forecast {p.forecast_roas or 0:.2f}), {p.leads} leads",
            highlight=False,
        )
