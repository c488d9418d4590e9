"""What a brief says, put into the plan request: filled in where the request is silent, then
checked for limits that contradict each other before any curve is looked at."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from agents.planner._constraints import check_limits, money
from agents.planner.brief import BriefFacts, amount_of
from agents.planner.models import PlanConstraints, PlanRequest


def apply_brief(request: PlanRequest, facts: BriefFacts | None, notes: list[str]) -> PlanRequest:
    """The request with what the brief says filled in where the request is silent.

    Maximums on channels left out are moot and dropped (with a note); contradictions raise.

    Raises:
        InfeasibleConstraintsError: a minimum on a channel left out, a minimum above the
            maximum of its channel, or minimums adding up to more than the budget.
    """
    effective = request if facts is None else _filled(request, facts, notes)
    only = set(effective.channel_ids) if effective.channel_ids is not None else None
    excluded = set(effective.exclude_channels or [])
    lows = {ch: money(v, f"minimum of {ch}") for ch, v in effective.constraints.min.items()}
    highs = {ch: money(v, f"maximum of {ch}") for ch, v in effective.constraints.max.items()}
    check_limits(effective.budget, lows, highs, only=only, excluded=excluded)
    moot = sorted(ch for ch in highs if ch in excluded or (only is not None and ch not in only))
    if not moot:
        return effective
    notes.append(f"maximums of {', '.join(moot)} dropped: the plan leaves these channels out")
    kept = {ch: v for ch, v in effective.constraints.max.items() if ch not in moot}
    constraints = PlanConstraints(min=dict(effective.constraints.min), max=kept)
    return effective.model_copy(update={"constraints": constraints})


def _filled(request: PlanRequest, facts: BriefFacts, notes: list[str]) -> PlanRequest:
    update: dict[str, Any] = {}
    if "objective" not in request.model_fields_set and facts.objective:
        update["objective"] = facts.objective
    if request.channel_ids is None and facts.include_channels:
        update["channel_ids"] = facts.include_channels
    if request.audience_ids is None and facts.audience_ids:
        update["audience_ids"] = facts.audience_ids
    limits: dict[str, dict[str, Decimal]] = {
        "min": dict(request.constraints.min),
        "max": dict(request.constraints.max),
    }
    for side, written in (("min", facts.min_amounts), ("max", facts.max_amounts)):
        for channel_id, text in written.items():
            amount = amount_of(text, request.budget)
            if amount is None:
                notes.append(f"could not read {text!r} as an amount for {channel_id}")
            elif channel_id not in limits[side]:
                limits[side][channel_id] = amount
    update["constraints"] = PlanConstraints(**limits)
    if facts.exclude_channels:
        update["exclude_channels"] = sorted(
            set(request.exclude_channels or []) | set(facts.exclude_channels)
        )
    return request.model_copy(update=update)
