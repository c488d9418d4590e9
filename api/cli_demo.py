"""``marketgraph demo``'s loop: cycles on the sandbox market, a short report, one lineage."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from agents.planner.storage import load_plan
from api.cli import _fail, out
from api.services import Services
from demo.loop import CycleReport, run_cycle
from graph.models import NodeRef, OutcomeQuery
from graph.schema import Label, RelType

BRIEF = "Grow revenue across our channels next month; keep the best performers funded."


def run_demo_cycles(
    services: Services, *, brand: str, cycles: int, days: int, shock: str | None
) -> list[CycleReport]:
    """Run ``cycles`` cycles for ``brand`` and print what happened in each."""
    if services.router is None:
        raise _fail("no channel router is configured", 1)
    market = services.router.market(brand)
    if market is None:
        raise _fail(f"{brand} has no sandbox market (only the demo brands do)", 2)
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
        start = report.end + timedelta(days=1)
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
