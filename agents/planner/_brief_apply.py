"""What a brief says, put into the plan request: filled in where the request is silent, then
checked for limits that contradict each other before any curve is looked at."""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal
from typing import Any

from agents.planner._constraints import check_limits, money
from agents.planner._groups import ChannelGroup, check_groups
from agents.planner.brief import BriefFacts, GroupAmount, amount_of
from agents.planner.errors import InfeasibleConstraintsError
from agents.planner.models import GroupLimit, PlanConstraints, PlanRequest


def apply_brief(request: PlanRequest, facts: BriefFacts | None, notes: list[str]) -> PlanRequest:
    """The request with what the brief says filled in where the request is silent.

    Maximums on channels left out are moot and dropped (with a note); a group limit keeps
    the channels the plan may use (one left: a limit on that channel). Contradictions
    raise.

    Raises:
        InfeasibleConstraintsError: a minimum on a channel left out, a minimum above the
            maximum of its channel (or group), or minimums adding up to more than the
            budget.
    """
    effective = request if facts is None else _filled(request, facts, notes)
    only = set(effective.channel_ids) if effective.channel_ids is not None else None
    excluded = set(effective.exclude_channels or [])
    effective = _usable_groups(effective, only, excluded, notes)
    lows = {ch: money(v, f"minimum of {ch}") for ch, v in effective.constraints.min.items()}
    highs = {ch: money(v, f"maximum of {ch}") for ch, v in effective.constraints.max.items()}
    check_limits(effective.budget, lows, highs, only=only, excluded=excluded)
    groups = [  # in cents, as the channel limits: a message says 5000.00 however it was sent
        ChannelGroup(
            tuple(g.channels),
            None if g.min is None else money(g.min, "group minimum"),
            None if g.max is None else money(g.max, "group maximum"),
        )
        for g in effective.constraints.groups
    ]
    named = sorted({*lows, *highs, *(ch for g in groups for ch in g.channels)})
    check_groups(named, effective.budget, lows, highs, groups)
    moot = sorted(ch for ch in highs if ch in excluded or (only is not None and ch not in only))
    if not moot:
        return effective
    notes.append(f"maximums of {', '.join(moot)} dropped: the plan leaves these channels out")
    kept = {ch: v for ch, v in effective.constraints.max.items() if ch not in moot}
    constraints = effective.constraints.model_copy(update={"max": kept})
    return effective.model_copy(update={"constraints": constraints})


def _usable_groups(
    request: PlanRequest, only: set[str] | None, excluded: Collection[str], notes: list[str]
) -> PlanRequest:
    """Group limits over the channels the plan may use: a group left with one channel is a
    limit on that channel, one left with none is moot (a maximum) or a contradiction (a
    minimum)."""
    limits = request.constraints
    lows, highs = dict(limits.min), dict(limits.max)
    kept: list[GroupLimit] = []
    for group in limits.groups:
        usable = [
            ch for ch in group.channels if ch not in excluded and (only is None or ch in only)
        ]
        if len(usable) == len(group.channels):
            kept.append(group)
            continue
        together = " + ".join(group.channels)
        if not usable:
            if group.min:
                raise InfeasibleConstraintsError(
                    list(group.channels),
                    f"{together} together have a minimum of {money(group.min, 'minimum')} "
                    "but every one of them is left out (a maximum of 0)",
                )
            notes.append(f"the limit on {together} dropped: the plan leaves them all out")
            continue
        notes.append(f"the limit on {together} is on {', '.join(usable)}: the rest is left out")
        if len(usable) > 1:
            kept.append(group.model_copy(update={"channels": usable}))
            continue
        [channel] = usable
        if group.min is not None:
            lows[channel] = max(group.min, lows.get(channel, Decimal(0)))
        if group.max is not None:
            highs[channel] = min(group.max, highs.get(channel, group.max))
    constraints = PlanConstraints(min=lows, max=highs, groups=kept)
    return request.model_copy(update={"constraints": constraints})


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
    groups = [*request.constraints.groups, *_brief_groups(request, facts, notes)]
    update["constraints"] = PlanConstraints(**limits, groups=groups)
    if facts.exclude_channels:
        update["exclude_channels"] = sorted(
            set(request.exclude_channels or []) | set(facts.exclude_channels)
        )
    return request.model_copy(update=update)


def _brief_groups(request: PlanRequest, facts: BriefFacts, notes: list[str]) -> list[GroupLimit]:
    """The brief's limits on several channels together, one per set of channels (its
    minimum and maximum), leaving out any that shares a channel with a group the request
    gives (the request wins) or with another of the brief's."""
    sides: dict[tuple[str, ...], dict[str, Decimal]] = {}
    written: list[tuple[str, GroupAmount]] = [
        *(("min", g) for g in facts.min_groups),
        *(("max", g) for g in facts.max_groups),
    ]
    for side, group in written:
        amount = amount_of(group.amount, request.budget)
        key = tuple(sorted(set(group.channels)))
        if amount is None:
            notes.append(f"could not read {group.amount!r} as an amount for {' + '.join(key)}")
        elif len(key) > 1:
            sides.setdefault(key, {})[side] = amount
    taken = {ch for g in request.constraints.groups for ch in g.channels}
    out = []
    for key, limit in sorted(sides.items()):
        if taken & set(key):
            notes.append(
                f"the brief's limit on {' + '.join(key)} left aside: it overlaps another "
                "group limit"
            )
            continue
        taken |= set(key)
        out.append(GroupLimit(channels=list(key), min=limit.get("min"), max=limit.get("max")))
    return out
