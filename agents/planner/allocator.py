"""Budget allocation over channel × audience response curves.

``allocate`` spends a budget evenly over ``days`` (daily spend of a pair = its budget /
days) so as to maximise the expected objective, with per-channel minimums and maximums and a
stated exploration share reserved for pairs whose curves rest on thin data. The optimiser is
in :mod:`agents.planner._solver`, the constraint handling in
:mod:`agents.planner._constraints`; this module ties them together and reports expectations
with intervals.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import numpy as np

from agents.curves.hill import FloatArray, hill, marginal
from agents.curves.response_curve import METRICS, ResponseCurve
from agents.planner._constraints import (
    ChannelBounds,
    channel_bounds,
    exploration_floors,
    money,
    round_to_cents,
)
from agents.planner._forecast import widen
from agents.planner._groups import ChannelGroup, group_limits
from agents.planner._solver import Problem, Solution, solve
from agents.planner.errors import NoCurvesError, UnknownObjectiveError

ALGORITHM = "marginal-return equalisation on concave envelopes + active-set repair"
VERSION = "alloc-v1"
EXPLORATION_CAP_HALVES = 2.0  # a thin pair explores up to twice its half-saturation per day
MAX_EXPLORATION_SHARE = 0.5
DROP_ROUNDS = 24  # most re-solves while settling lines under the minimum

_Pair = tuple[str, str]


@dataclass(frozen=True)
class Estimate:
    """An expected value over the period with its interval (the curves' confidence level)."""

    expected: float
    low: float
    high: float


@dataclass(frozen=True)
class AllocationLine:
    """One pair's share of the budget and what it is expected to bring over the period."""

    channel_id: str
    audience_id: str
    budget: Decimal
    daily_spend: float
    thin: bool
    exploration: Decimal  # part of ``budget`` reserved for exploring a thin pair
    marginal_return: float  # objective per extra unit of budget at this spend
    revenue: Estimate | None
    conversions: Estimate | None
    roas: Estimate | None
    curve_id: str


@dataclass(frozen=True)
class Allocation:
    """An allocation of ``budget`` over ``days``; line budgets add up to it exactly.

    Totals' intervals add the lines' bounds (as if every curve erred the same way), so they
    are wide rather than optimistic. ``upper_bound`` is the concave-relaxation optimum: no
    allocation meeting the same constraints can expect more of the objective.
    """

    budget: Decimal
    days: int
    objective: str
    lines: tuple[AllocationLine, ...]
    exploration_share: float
    exploration_budget: Decimal
    expected_objective: float
    upper_bound: float
    revenue: Estimate | None
    conversions: Estimate | None
    roas: Estimate | None
    start: date | None = None
    algorithm: str = ALGORITHM
    version: str = VERSION

    def by_channel(self) -> dict[str, Decimal]:
        """Budget per channel."""
        totals: dict[str, Decimal] = {}
        for line in self.lines:
            totals[line.channel_id] = totals.get(line.channel_id, Decimal(0)) + line.budget
        return totals


def allocate(
    curves: Sequence[ResponseCurve],
    budget: float | Decimal,
    days: int,
    *,
    objective: str = "revenue",
    min_by_channel: Mapping[str, float | Decimal] | None = None,
    max_by_channel: Mapping[str, float | Decimal] | None = None,
    exploration_share: float = 0.05,
    start: date | None = None,
    min_line: float | Decimal = 0,
    groups: Sequence[ChannelGroup] = (),
) -> Allocation:
    """Allocate ``budget`` (rounded to cents) over ``days`` across the pairs of ``curves``.

    The pairs are those with a curve of ``objective`` ("revenue" or "conversions"); curves
    of the other metric, when given, add their expectations to the lines. Minimums and
    maximums are channel totals over the period; ``groups`` limit the totals of several
    channels together (disjoint sets: "search max 15k" over Google and Bing search).
    ``exploration_share`` of the budget is spread over thin pairs as a floor, each at most
    ``EXPLORATION_CAP_HALVES`` × its half-saturation per day (spending far past saturation
    teaches little), and less where the constraints leave no room;
    ``Allocation.exploration_budget`` says what was reserved.
    With ``start``, expectations follow the curves' weekday × month factors over the dates;
    without it, an average day. A line reading its curve outside the daily spends the curve
    was fitted on gets a wider interval (:func:`agents.planner._forecast.widen`).

    With ``min_line``, no line gets less than it: each line the optimum leaves under it is
    lifted to it when that pays, else dropped and its money re-allocated over the rest
    (re-solving until none is left under it); exploration floors under it are given up.

    Raises:
        InfeasibleConstraintsError: the constraints cannot all hold (names the channels).
        UnknownObjectiveError, NoCurvesError, ValueError: bad arguments.
    """
    if objective not in METRICS:
        raise UnknownObjectiveError(objective, METRICS)
    if days < 1:
        raise ValueError(f"days must be at least 1, got {days}")
    if not 0.0 <= exploration_share <= MAX_EXPLORATION_SHARE:
        raise ValueError(f"exploration_share must be in [0, {MAX_EXPLORATION_SHARE}]")
    total = money(budget, "budget")
    line_min = float(money(min_line, "min_line"))
    if line_min > float(total):
        raise ValueError(f"min_line {line_min:.2f} is more than the budget {total}")
    by_metric: dict[str, dict[_Pair, ResponseCurve]] = {
        m: _by_pair([c for c in curves if c.metric == m]) for m in METRICS
    }
    main = by_metric[objective]
    if not main:
        raise NoCurvesError(objective)
    pairs = sorted(main)
    chosen = [main[p] for p in pairs]
    channels = sorted({ch for ch, _ in pairs})
    bounds = channel_bounds(
        channels, total, min_by_channel or {}, max_by_channel or {}, group_limits(groups)
    )
    group = np.array([channels.index(ch) for ch, _ in pairs], dtype=np.int64)
    caps = np.array([EXPLORATION_CAP_HALVES * days * c.half_saturation for c in chosen])
    thin = np.array([c.thin for c in chosen])
    floor = exploration_floors(
        thin, caps, group, bounds, exploration_share * float(total), float(total)
    )
    floor = np.where(floor < line_min - _SLACK, 0.0, floor)  # exploration obeys the minimum
    problem = Problem(
        alpha=np.array([c.alpha for c in chosen]),
        half=np.array([c.half_saturation for c in chosen]),
        shape=np.array([c.shape for c in chosen]),
        weight=np.array([days * _season(c, start, days) for c in chosen]),
        group=group,
        lower=bounds.lower_array(),
        upper=bounds.upper_array(),
        floor=floor,
        cap=np.full(len(pairs), math.inf),
        days=days,
        budget=float(total),
        **_grouping(bounds),
    )
    problem, solution = _solve_runnable(problem, line_min)
    floor = problem.floor
    cents = round_to_cents(solution.x, group, bounds, total)
    lines = [
        _line(pair, cents[i], float(floor[i]), float(problem.weight[i]), days, objective, by_metric)
        for i, pair in enumerate(pairs)
    ]
    value = problem.value(np.array(cents, dtype=np.float64) / 100.0)
    revenue = _sum([line.revenue for line in lines])
    return Allocation(
        budget=total,
        days=days,
        objective=objective,
        lines=tuple(lines),
        exploration_share=exploration_share,
        exploration_budget=sum((line.exploration for line in lines), Decimal(0)),
        expected_objective=value,
        upper_bound=max(solution.bound, value),
        revenue=revenue,
        conversions=_sum([line.conversions for line in lines]),
        roas=_roas(revenue, float(total)),
        start=start,
    )


_SLACK = 1e-6


def _grouping(bounds: ChannelBounds) -> dict[str, Any]:
    """The solver's group fields: none when no group limit was given."""
    if bounds.groups is None or bounds.groups.size == len(bounds.channels):
        return {}
    return {
        "channel_group": bounds.groups.of_channel,
        "group_lower": bounds.groups.lower_array(),
        "group_upper": bounds.groups.upper_array(),
    }


def _solve_runnable(problem: Problem, line_min: float) -> tuple[Problem, Solution]:
    """Solve, then settle every line under ``line_min``: lifted to it or dropped, and
    re-solve, until no line is left under it.

    A line is lifted when its curve's average return over the minimum beats what the money
    earns elsewhere (the price the optimum equalised, read off the lines above the
    minimum), else dropped and its money re-allocated; a line the re-solve leaves under it
    again is settled in the next round. A channel with a minimum keeps its last line,
    lifted (to the channel's maximum if that is less). Settling the smaller half each round
    instead gave the same values on the loop benchmark's markets, with more re-solves.
    """
    solution = solve(problem)
    if line_min <= 0:
        return problem, solution
    for _ in range(DROP_ROUNDS):
        x = solution.x
        under = np.flatnonzero((x > _SLACK) & (x < line_min - _SLACK))
        if under.size == 0:
            break
        order = under[np.argsort(x[under], kind="stable")]
        cap, floor = problem.cap.copy(), problem.floor.copy()
        price = _price(problem, x, line_min)
        changed = 0
        for i in order:
            channel = problem.group[i]
            open_ = np.flatnonzero((problem.group == channel) & (cap > 0))
            last = problem.lower[channel] > 0 and open_.size <= 1
            lifted = min(line_min, float(problem.upper[channel]))
            if (last or _worth_lifting(problem, i, lifted, price)) and floor[i] < lifted:
                floor[i] = lifted
                changed += 1
            elif not last and cap[i] > 0:
                cap[i] = floor[i] = 0.0
                changed += 1
        if not changed or float(floor.sum()) > problem.budget or _over_group(problem, floor):
            break
        problem = replace(problem, cap=cap, floor=floor)
        solution = solve(problem)
    return problem, solution


def _over_group(problem: Problem, floor: FloatArray) -> bool:
    """Whether ``floor`` alone puts a group over its maximum (lifting lines cannot)."""
    if problem.channel_group is None or problem.group_upper is None:
        return False
    totals = np.bincount(problem.group, weights=floor, minlength=problem.lower.size)
    return bool(np.any(problem.group_totals(totals.astype(np.float64)) > problem.group_upper))


def _price(problem: Problem, x: FloatArray, line_min: float) -> float:
    """The marginal return the optimum equalised: the median over the lines at or above the
    minimum that no floor holds (0 when there is none)."""
    free = np.flatnonzero((x >= line_min - _SLACK) & (x > problem.floor + _SLACK))
    if free.size == 0:
        return 0.0
    daily = x[free] / problem.days
    slopes = problem.weight[free] * marginal(
        daily, problem.alpha[free], problem.half[free], problem.shape[free]
    )
    return float(np.median(slopes / problem.days))


def _worth_lifting(problem: Problem, i: int, amount: float, price: float) -> bool:
    """Whether ``amount`` on pair ``i`` earns more than it would at ``price`` elsewhere."""
    if amount <= 0:
        return False
    gain = float(
        problem.weight[i]
        * hill(amount / problem.days, problem.alpha[i], problem.half[i], problem.shape[i])
    )
    return gain > price * amount


def _by_pair(curves: Sequence[ResponseCurve]) -> dict[_Pair, ResponseCurve]:
    out: dict[_Pair, ResponseCurve] = {}
    for c in curves:
        if c.pair in out:
            raise ValueError(f"two {c.metric} curves for {c.channel_id} × {c.audience_id}")
        out[c.pair] = c
    return out


def _season(curve: ResponseCurve, start: date | None, days: int) -> float:
    """Mean seasonal factor of the pair over the period (1: an average day)."""
    if start is None:
        return 1.0
    return float(np.mean([curve.season_factor(start + timedelta(days=d)) for d in range(days)]))


def _line(
    pair: _Pair,
    cents: int,
    floor: float,
    weight: float,
    days: int,
    objective: str,
    by_metric: Mapping[str, Mapping[_Pair, ResponseCurve]],
) -> AllocationLine:
    budget = Decimal(cents).scaleb(-2)
    daily = cents / 100.0 / days
    main = by_metric[objective][pair]
    revenue = _estimate(by_metric["revenue"].get(pair), daily, weight)
    slope = float(marginal(daily, main.alpha, main.half_saturation, main.shape))
    return AllocationLine(
        channel_id=pair[0],
        audience_id=pair[1],
        budget=budget,
        daily_spend=round(daily, 4),
        thin=main.thin,
        exploration=min(Decimal(str(round(floor, 2))), budget),
        marginal_return=slope * weight / days,
        revenue=revenue,
        conversions=_estimate(by_metric["conversions"].get(pair), daily, weight),
        roas=_roas(revenue, float(budget)),
        curve_id=main.id,
    )


def _estimate(curve: ResponseCurve | None, daily: float, weight: float) -> Estimate | None:
    """Expected total over the period (``weight`` = days × seasonal factor)."""
    if curve is None:
        return None
    mean, low, high = widen(curve, daily, curve.predict(daily))
    return Estimate(expected=mean * weight, low=low * weight, high=high * weight)


def _sum(estimates: list[Estimate | None]) -> Estimate | None:
    if not estimates or any(e is None for e in estimates):
        return None
    present = [e for e in estimates if e is not None]
    return Estimate(
        expected=math.fsum(e.expected for e in present),
        low=math.fsum(e.low for e in present),
        high=math.fsum(e.high for e in present),
    )


def _roas(revenue: Estimate | None, spend: float) -> Estimate | None:
    if revenue is None or spend <= 0:
        return None
    return Estimate(revenue.expected / spend, revenue.low / spend, revenue.high / spend)
