"""``marketgraph demo``: load the demo data set, run cycles on the sandbox market, print a
short report and one lineage. The demo package is loaded only when a demo command runs,
and it turns the sandbox market on for its own process (``MARKETGRAPH_SANDBOX``)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import typer

from agents.planner.storage import load_plan
from api.cli._common import (
    fail,
    one_line_errors,
    open_cli_services,
    out,
    print_report,
    progress_bar,
)
from api.cli._values import day
from api.services import Services
from api.settings import Settings, get_settings
from graph.models import NodeRef, OutcomeQuery
from graph.schema import Label, RelType
from ingest import IngestReport
from workflows.ingest import ingest_records

if TYPE_CHECKING:
    from demo.loop import CycleReport

BRIEF = "Grow revenue across our channels next month; keep the best performers funded."

_DEMO_LABELS = (
    Label.BRAND,
    Label.CHANNEL,
    Label.AUDIENCE,
    Label.CAMPAIGN,
    Label.ASSET,
    Label.OUTCOME,
    Label.LEAD,
)


@one_line_errors
def demo(
    seed: Annotated[int, typer.Option(help="random seed of the generator")] = 7,
    outcome_rows: Annotated[
        int | None, typer.Option(help="scale outcomes to about this many rows (e.g. 100000)")
    ] = None,
    cycles: Annotated[
        int, typer.Option(help="plan → approve → execute → validate cycles to run (0: load only)")
    ] = 3,
    days: Annotated[int, typer.Option(help="days of each cycle")] = 28,
    brand: Annotated[str, typer.Option(help="the demo brand to run the cycles for")] = (
        "brand-trailhead"
    ),
    shock: Annotated[
        str | None,
        typer.Option(help="CHANNEL: halve that channel's curve from the second cycle on"),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option(
            help="the data set's last day, YYYY-MM-DD (default: MARKETGRAPH_DEMO_END, else "
            "yesterday)"
        ),
    ] = None,
) -> None:
    """Load the demo data set, then run the whole loop on the sandbox market."""
    if cycles < 0 or not 7 <= days <= 90:
        raise fail(f"--cycles {cycles} / --days {days}: cycles 0 or more, days 7 to 90", 2)
    last = day(end, "--end") if end is not None else None
    with open_cli_services(with_sandbox(get_settings())) as services:
        load_demo(services, seed, outcome_rows, last)  # identical content: recognised, skipped
        counts = {label: services.graph.count(label) for label in _DEMO_LABELS}
        out.print(", ".join(f"{n} {label.value}" for label, n in counts.items()))
        if cycles:
            run_demo_cycles(services, brand=brand, cycles=cycles, days=days, shock=shock)


def with_sandbox(settings: Settings) -> Settings:
    """The settings with the demo brands' sandbox market on (for this process only)."""
    return settings.model_copy(update={"sandbox": True})


def has_demo_data(services: Services) -> bool:
    """Whether a demo brand is in the graph (the demo data was loaded once)."""
    from demo.sandbox import demo_brand_ids

    refs = [NodeRef(label=Label.BRAND, id=brand_id) for brand_id in sorted(demo_brand_ids())]
    return bool(services.graph.get_nodes(refs))


def load_demo(
    services: Services, seed: int, outcome_rows: int | None, end: date | None = None
) -> IngestReport:
    """Generate the demo data set (ending on ``end``: by default yesterday) and ingest it
    (with a progress bar), printing the report."""
    from demo import dataset_parts, generate

    dataset = generate(seed=seed, outcome_rows=outcome_rows, extras=True, end=end)
    parts = dataset_parts(dataset)
    with progress_bar("demo data") as progress:
        report = ingest_records(services, parts, progress=progress)
    print_report(report)
    return report


def run_demo_cycles(
    services: Services, *, brand: str, cycles: int, days: int, shock: str | None
) -> list[CycleReport]:
    """Run ``cycles`` cycles for ``brand`` and print what happened in each."""
    from demo.loop import run_cycle
    from demo.sandbox import SandboxMarket

    if services.router is None:
        raise fail("no channel router is configured", 1)
    market = services.router.market(brand)
    if not isinstance(market, SandboxMarket):
        raise fail(f"{brand} has no sandbox market (only the demo brands do)", 2)
    graph = services.graph
    start = _next_day(services, brand)
    budget = _monthly_budget(services, brand, start, days)
    reports: list[CycleReport] = []
    out.print(
        f"[bold]{cycles} cycles of {days} days for {brand}[/] from {start}, "
        f"{budget:,} per cycle (its recent daily spend × {days})",
        highlight=False,
    )
    for cycle in range(1, cycles + 1):
        if shock and cycle == 2:
            when = start + timedelta(days=days // 3)
            market.shock(shock, 0.5, from_date=when)
            out.print(f"  (from {when} the market changes: {shock} brings half of what it did)")
        report = run_cycle(
            services.orchestrator,
            market,
            cycle=cycle,
            start=start,
            days=days,
            budget=budget,
            brief=BRIEF,
            on_written=services.index_written,
        )
        reports.append(report)
        plan = load_plan(graph, report.plan_ids[-1])
        out.print(
            f"  cycle {cycle} {report.start}..{report.end}: spend {report.spend:,.2f}, "
            f"revenue {report.revenue:,.2f}, ROAS {report.roas:.2f}; plan {report.plan_ids[0]}"
            f" ({len(report.plan_ids) - 1} re-plans), {report.ab_decisions} A/B tests decided, "
            f"{len(report.alerts)} alerts; now {plan.status}",
            highlight=False,
        )
        for alert in report.alerts[:3]:
            out.print(f"    alert: {alert}", highlight=False, style="yellow")
        if plan.warnings:
            codes = ", ".join(str(w["code"]) for w in plan.warnings)
            out.print(f"    forecast warnings: {codes}", highlight=False, style="yellow")
        start = report.end + timedelta(days=1)
    out.print(
        f"  (the cycles ran on the demo's own clock, up to {start}: "
        f"`marketgraph usecase planning --brand {brand} --as-of {start}T00:00` "
        "shows them as of then)",
        highlight=False,
    )
    _show_lineage(services, reports[-1])
    return reports


def _show_lineage(services: Services, report: CycleReport) -> None:
    """Why the largest line of the last plan got its budget: decision, approval, curves,
    and the outcome rows each curve was fitted on."""
    graph = services.graph
    plan = load_plan(graph, report.plan_ids[-1])
    if not plan.lines:
        return
    line = plan.lines[0]
    ref = NodeRef(label=Label.ALLOCATION, id=line.allocation_id)
    out.print(
        f"[bold]why {line.channel_id} × {line.audience_id} got {line.budget:,}[/] "
        f"(marketgraph lineage Allocation:{line.allocation_id}):",
        highlight=False,
    )
    out.print(f"  plan {plan.id} version {plan.version}, decision {plan.decision_id}")
    for approval in plan.approvals:
        out.print(f"  approved by {approval['approver']} ({approval['id']})", highlight=False)
    curves = graph.incident_edges([ref], 10, {RelType.BASED_ON: "out"})
    for edge in curves:
        node = graph.get_node(edge.dst)
        rows = graph.incident_edges([edge.dst], 100_000, {RelType.FITTED_ON: "out"})
        outcomes = sum(1 for e in rows if e.dst.label is Label.OUTCOME)
        props = node.properties if node else {}
        out.print(
            f"  {props.get('metric')} curve {edge.dst.id} (revision {props.get('revision')}), "
            f"fitted on {outcomes} outcome rows",
            highlight=False,
        )


def _next_day(services: Services, brand: str) -> date:
    rows = services.graph.aggregate_outcomes(OutcomeQuery(brand_id=brand, group_by=("date",)))
    days = [date.fromisoformat(str(t.date)) for t in rows if t.date]
    return max(days) + timedelta(days=1) if days else date.today()


def _monthly_budget(services: Services, brand: str, start: date, days: int) -> Decimal:
    rows = services.graph.aggregate_outcomes(
        OutcomeQuery(brand_id=brand, start=start - timedelta(days=days), end=start, group_by=())
    )
    spend = rows[0].spend if rows else 0.0
    return Decimal(str(round(max(spend, 1000.0), -2)))
