"""``marketgraph usecase …``: the use-case reports (``reports/``) and their actions on the
command line."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer
from pydantic import BaseModel

from api import plan_names
from api.cli._common import fail, one_line_errors, open_cli_services, out
from api.cli._format import Names, brand_currency, figure, kpi_name, money, percent
from api.cli._values import day, existing_id, window
from graph.base import GraphStore
from graph.models import NodeRef
from graph.schema import Label
from reports import (
    AlertsRecorded,
    Kpi,
    content_calendar,
    creative_tests,
    handoff_health,
    lead_sla,
    load_config,
)
from reports.creative import Metric
from workflows.reports import handoff_alerts, planning, route, sla_alerts

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
    return None if value is None else day(value, option)


def _days(start: str | None, end: str | None) -> tuple[date | None, date | None]:
    first, last = _day(start, "--start"), _day(end, "--end")
    window(first, last)
    return first, last


def _brand(graph: GraphStore, brand: str | None) -> str | None:
    """The brand asked for, checked (a typo gets the closest id)."""
    return None if brand is None else existing_id(graph, Label.BRAND, brand, "--brand")


def _moment(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        found = datetime.fromisoformat(value)
    except ValueError:
        raise fail(f"--as-of {value!r} is not an ISO timestamp like 2026-12-01T09:00", 2) from None
    return found if found.tzinfo else found.replace(tzinfo=UTC)


def _print(
    report: BaseModel, kpis: list[Kpi], as_json: bool, graph: GraphStore, brand: str | None
) -> str | None:
    """The report's brand and KPIs as lines, figures in their units (or everything as
    JSON: None). Returns the currency money is shown in (None: brands in several)."""
    if as_json:
        out.print_json(report.model_dump_json())
        return None
    currency = brand_currency(graph, brand)
    names = Names(graph)
    who = names(Label.BRAND, brand) if brand else "every brand"
    mixed = "" if brand or currency else " (amounts in several currencies)"
    span = getattr(report, "window", None)
    period = f", {span.start}..{span.end}" if span and span.start and span.end else ""
    out.print(f"[bold]{who}[/]{period}{mixed}", highlight=False)
    for k in kpis:
        value = figure(k.value, k.unit, currency)
        interval = ""
        if k.low is not None and k.high is not None:
            interval = f"  [{figure(k.low, k.unit, currency)}, {figure(k.high, k.unit, currency)}]"
        out.print(f"  {kpi_name(k.name):<34} {value:>14}{interval}  (n={k.n:,})", highlight=False)
    return currency


def _minutes(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f} min"


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
    first, last = _days(start, end)
    moment = _moment(as_of)
    recorded: AlertsRecorded | None = None
    with open_cli_services() as services:
        brand = _brand(services.graph, brand)
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
        _print(report, report.kpis, as_json, services.graph, brand)
        if as_json:
            return
        names = Names(services.graph)
        out.print(f"[bold]by owner[/] (SLA {report.sla_minutes} min)")
        for g in report.by_owner:
            median = _minutes(g.median_response_minutes)
            share = percent(g.sla_compliance)
            out.print(
                f"  {g.key:<28} {g.leads:>6,} leads  median {median:>9}  within SLA {share:>5}",
                highlight=False,
            )
        if report.by_channel:
            out.print("[bold]by channel[/]")
        for g in report.by_channel:
            median = _minutes(g.median_response_minutes)
            name = names(Label.CHANNEL, g.key)
            out.print(
                f"  {name:<28} {g.leads:>6,} leads  median {median:>9}  within SLA "
                f"{percent(g.sla_compliance):>5}",
                highlight=False,
            )
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
    first, last = _days(start, end)
    with open_cli_services() as services:
        result = route(
            services,
            config,
            brand_id=_brand(services.graph, brand),
            start=first,
            end=last,
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
    first, last = _days(start, end)
    with open_cli_services() as services:
        brand = existing_id(services.graph, Label.BRAND, brand, "--brand")
        report = content_calendar(
            services.graph,
            brand_id=brand,
            start=first,
            end=last,
            gap_days=gap_days,
            as_of=_moment(as_of),
        )
        _print(report, report.kpis, as_json, services.graph, brand)
        if as_json:
            return
        names = Names(services.graph)
        out.print("[bold]cadence[/] (business unit × channel)")
        for c in report.cadence:
            channel = names(Label.CHANNEL, c.channel) if c.channel != "(none)" else c.channel
            out.print(
                f"  {c.business_unit:<24} {channel:<26} {c.items:>4} items  {c.per_week:.2f}/week",
                highlight=False,
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
    first, last = _days(start, end)
    with open_cli_services() as services:
        brand = existing_id(services.graph, Label.BRAND, brand, "--brand")
        report = creative_tests(
            services.graph,
            brand_id=brand,
            start=first,
            end=last,
            metric=metrics[metric],
            as_of=_moment(as_of),
        )
        currency = _print(report, report.kpis, as_json, services.graph, brand)
        if as_json:
            return
        names = Names(services.graph)
        names.load(Label.ASSET, (v.asset_id for t in report.tests for v in t.variants))
        for t in report.tests:
            cell = " · ".join(
                (
                    names(Label.CAMPAIGN, t.campaign_id),
                    names(Label.CHANNEL, t.channel_id),
                    names(Label.AUDIENCE, t.audience_id),
                )
            )
            verdict = f"winner {names(Label.ASSET, t.winner)}" if t.conclusive else "inconclusive"
            out.print(f"[bold]{cell}[/] {t.start}..{t.end} {t.status}, {verdict}", highlight=False)
            titles = [v.title or names(Label.ASSET, v.asset_id) for v in t.variants]
            for v, title in zip(t.variants, titles, strict=True):
                if titles.count(title) > 1:  # drafts of one hook: tell them apart
                    title = f"{title} ({v.asset_id})"
                cost = money(v.cost_per_result, currency)
                if v.control:
                    out.print(
                        f"    {title:<60} control  rate {_rate(v.rate)}  {cost} per result",
                        highlight=False,
                    )
                    continue
                out.print(
                    f"    {title:<60} lift {_signed(v.lift)} "
                    f"[{_signed(v.lift_low)}, {_signed(v.lift_high)}]  "
                    f"p (adjusted) {v.p_adjusted or 1:.3f}  {cost} per result",
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
        brand = _brand(services.graph, brand)
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
        _print(report, report.kpis, as_json, services.graph, brand)
        if as_json:
            return
        names = Names(services.graph)
        for s in report.sources:
            flag = "DEGRADED" if s.degraded else ("ok" if s.tested else "too few leads to test")
            recent = _minutes(s.recent.median_response_minutes)
            base = _minutes(s.baseline.median_response_minutes)
            out.print(
                f"  {names(Label.CHANNEL, s.source):<32} {s.leads:>5,} leads  median response "
                f"{recent} (recent) vs {base} (before)  {flag}",
                highlight=False,
            )
    if recorded is not None:
        _print_alerts(recorded)


@usecase_app.command("planning")
@one_line_errors
def planning_command(brand: NeedBrand, as_of: AsOfOpt = None, as_json: JsonOpt = False) -> None:
    """Executed plans against their forecasts: ROAS, budget adherence, cost per lead, cycle."""
    with open_cli_services() as services:
        brand = existing_id(services.graph, Label.BRAND, brand, "--brand")
        report = planning(services, brand_id=brand, as_of=_moment(as_of))
        currency = _print(report, report.kpis, as_json, services.graph, brand)
        if as_json:
            return
        stored = services.graph.get_nodes([NodeRef(Label.PLAN, p.plan_id) for p in report.plans])
        named = plan_names.names(services.graph, [plan_names.ref_of(n) for n in stored])
        titles = {n.id: name for n, name in zip(stored, named, strict=True)}
    for p in report.plans:
        roas = "—" if p.actual_roas is None else f"{p.actual_roas:.2f}"
        forecast = "—" if p.forecast_roas is None else f"{p.forecast_roas:.2f}"
        title = f"[bold]{titles.get(p.plan_id, p.plan_id)}[/] (v{p.version}, {p.start}..{p.end})"
        if p.scheduled_for is not None:
            out.print(
                f"{title} scheduled for {p.scheduled_for}: nothing spent before then "
                f"(budget {money(p.budget, currency)}, forecast ROAS {forecast})",
                highlight=False,
            )
            continue
        out.print(
            f"{title} {p.status}: spent {money(p.spend_to_date, currency)} through its "
            f"executions; {money(p.spend, currency)} on its lines of "
            f"{money(p.planned_to_date, currency)} planned to date, ROAS {roas} "
            f"(forecast {forecast}), {p.leads:,} leads",
            highlight=False,
        )


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.3f} %"


def _signed(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:+.1f} %"
