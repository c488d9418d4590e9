"""Pure parts of a plan, derived from the allocation: lines, KPIs, exit criteria, tasks,
and the templated rationale. Same allocation and request, same parts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from agents.curves.response_curve import CONFIDENCE
from agents.planner.allocator import Allocation, AllocationLine, Estimate
from agents.planner.models import PlanLine, PlanRequest

EXIT_AFTER_DAYS = 7  # a line is judged on its first week
EXIT_FRACTION = 0.5  # … and stopped below half of its expected low
TOP_LINES = 3  # lines cited by the rationale
# How long each kind of task may take once it can start (its SLA), in hours.
SLA_HOURS = {"budget": 4, "content": 48, "distribution": 24}


def value(estimate: Estimate | None) -> tuple[float, float, float]:
    if estimate is None:
        return 0.0, 0.0, 0.0
    return estimate.expected, estimate.low, estimate.high


def plan_line(line: AllocationLine, objective: str) -> PlanLine:
    revenue, rev_low, rev_high = value(line.revenue)
    conversions, conv_low, conv_high = value(line.conversions)
    roas, _, _ = value(line.roas)
    low, high = (rev_low, rev_high) if objective == "revenue" else (conv_low, conv_high)
    return PlanLine(
        channel_id=line.channel_id,
        audience_id=line.audience_id,
        budget=line.budget,
        revenue=round(revenue, 2),
        conversions=round(conversions, 2),
        roas=round(roas, 4),
        low=round(low, 2),
        high=round(high, 2),
        curve_id=line.curve_id,
        thin=line.thin,
    )


def confidence(allocation: Allocation) -> float:
    """Share of the budget on lines whose curves rest on enough days (not thin)."""
    solid = sum((ln.budget for ln in allocation.lines if not ln.thin), Decimal(0))
    return round(float(solid / allocation.budget), 4)


def kpis(allocation: Allocation, request: PlanRequest) -> dict[str, Any]:
    revenue, rev_low, rev_high = value(allocation.revenue)
    conversions, conv_low, conv_high = value(allocation.conversions)
    roas, roas_low, roas_high = value(allocation.roas)
    return {
        "objective": request.objective,
        "confidence_level": CONFIDENCE,
        "window": {
            "start_date": request.start_date.isoformat(),
            "end_date": request.end_date.isoformat(),
            "days": request.days,
        },
        "target_revenue": round(revenue, 2),
        "revenue_low": round(rev_low, 2),
        "revenue_high": round(rev_high, 2),
        "target_conversions": round(conversions, 2),
        "conversions_low": round(conv_low, 2),
        "conversions_high": round(conv_high, 2),
        "target_roas": round(roas, 4),
        "roas_low": round(roas_low, 4),
        "roas_high": round(roas_high, 4),
    }


def exit_criteria(
    lines: list[PlanLine], allocation: Allocation, request: PlanRequest
) -> list[dict[str, Any]]:
    after = min(EXIT_AFTER_DAYS, request.days)
    criteria: list[dict[str, Any]] = []
    for line in lines:
        expected_low = line.low / float(line.budget)  # objective per unit spent, low end
        metric = "roas" if request.objective == "revenue" else "conversions_per_spend"
        criteria.append(
            {
                "scope": "line",
                "channel_id": line.channel_id,
                "audience_id": line.audience_id,
                "metric": metric,
                "after_days": after,
                "below": round(EXIT_FRACTION * expected_low, 6),
                "action": "stop_line",
                "reason": f"{metric} under {EXIT_FRACTION:.0%} of the expected low "
                f"after {after} days",
            }
        )
    _, roas_low, _ = value(allocation.roas)
    criteria.append(
        {
            "scope": "plan",
            "metric": "roas",
            "after_days": min(2 * EXIT_AFTER_DAYS, request.days),
            "below": round(EXIT_FRACTION * roas_low, 6),
            "action": "review_plan",
            "reason": "plan ROAS under half of the expected low: re-plan with fresh curves",
        }
    )
    return criteria


def tasks(lines: list[PlanLine], plan_id: str) -> list[dict[str, Any]]:
    """Content and distribution per channel, budgets first, pacing watched last."""
    channels = sorted({ln.channel_id for ln in lines})
    tasks: list[dict[str, Any]] = [
        {
            "id": "budget-setup",
            "agent": "budget",
            "action": "set the line budgets and daily caps",
            "channel_id": None,
            "depends_on": [],
            "sla_hours": SLA_HOURS["budget"],
        }
    ]
    for ch in channels:
        audiences = sorted(ln.audience_id for ln in lines if ln.channel_id == ch)
        tasks.append(
            {
                "id": f"content-{ch}",
                "agent": "content",
                "action": f"produce assets for {ch} ({', '.join(audiences)})",
                "channel_id": ch,
                "audience_ids": audiences,
                "depends_on": [],
                "sla_hours": SLA_HOURS["content"],
            }
        )
    for ch in channels:
        tasks.append(
            {
                "id": f"distribution-{ch}",
                "agent": "distribution",
                "action": f"schedule and launch {ch}",
                "channel_id": ch,
                "depends_on": ["budget-setup", f"content-{ch}"],
                "sla_hours": SLA_HOURS["distribution"],
            }
        )
    tasks.append(
        {
            "id": "budget-monitor",
            "agent": "budget",
            "action": f"watch pacing and apply the exit criteria of {plan_id}",
            "channel_id": None,
            "depends_on": [f"distribution-{ch}" for ch in channels],
            "sla_hours": SLA_HOURS["budget"],
        }
    )
    return tasks


def money(amount: Decimal | float) -> str:
    return f"{Decimal(str(amount)).quantize(Decimal('0.01')):,}"


def rationale(
    allocation: Allocation,
    lines: list[PlanLine],
    request: PlanRequest,
    min_line: Decimal = Decimal(0),
) -> str:
    revenue, rev_low, rev_high = value(allocation.revenue)
    roas, _, _ = value(allocation.roas)
    top = "; ".join(
        f"{ln.channel_id} × {ln.audience_id} {money(ln.budget)} "
        f"({float(ln.budget / allocation.budget):.0%}, expected ROAS {ln.roas:.2f})"
        for ln in lines[:TOP_LINES]
    )
    text = (
        f"Allocated {money(allocation.budget)} over {request.days} days "
        f"({request.start_date.isoformat()} to {request.end_date.isoformat()}) across "
        f"{len(lines)} channel × audience lines of {request.brand_id} to maximise "
        f"{request.objective}, by equalising marginal returns on fitted Hill curves. "
        f"Top lines: {top}. Expected revenue {money(revenue)} "
        f"({CONFIDENCE:.0%} interval {money(rev_low)} to {money(rev_high)}), "
        f"ROAS {roas:.2f}."
    )
    bounds = [f"{ch} at least {money(v)}" for ch, v in sorted(request.constraints.min.items())]
    bounds += [f"{ch} at most {money(v)}" for ch, v in sorted(request.constraints.max.items())]
    for group in request.constraints.groups:
        together = " + ".join(group.channels)
        if group.min is not None:
            bounds.append(f"{together} together at least {money(group.min)}")
        if group.max is not None:
            bounds.append(f"{together} together at most {money(group.max)}")
    if bounds:
        text += f" Constraints: {', '.join(bounds)}."
    if min_line > 0:
        text += (
            f" No line gets less than {money(min_line)} (the minimum line budget; smaller "
            "lines are dropped and their money re-allocated)."
        )
    if allocation.exploration_budget > 0:
        text += (
            f" {money(allocation.exploration_budget)} is reserved to explore pairs "
            "with thin history."
        )
    return text
