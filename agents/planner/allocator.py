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
import numpy.typing as npt

from agents.curves.hill import FloatArray, hill, marginal
from agents.curves.response_curve import METRICS, ResponseCurve
from agents.planner._constraints import (
    ChannelBounds,
    channel_bounds,
    exploration_floors,
    kept_minimum,
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
    min_line: Decimal = Decimal(0)  # every funded line has at least this (the minimum kept)
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
    When the budget funds only k lines at the minimum, at most k are funded (the ones worth
    most at it), so a minimum equal to the budget plans the single best line. Channel
    minimums still hold: when they need more lines at the minimum than the budget pays for
    (or a channel with a minimum has a maximum under it), the minimum kept is lowered to
    what they allow; ``Allocation.min_line`` is the minimum kept.

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
    line_min = float(kept_minimum(bounds, total, Decimal(str(line_min))))
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
    least = round(line_min * 100)  # rounding must not take a cent off a line at the minimum
    cents = round_to_cents(
        solution.x, group, bounds, total, [least if v > _SLACK else 0 for v in solution.x]
    )
    # Only the exploration floors are exploration: settling lifts lines to the minimum by
    # raising their floors too, and that money is the minimum line's, not exploration's.
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
        min_line=Decimal(least).scaleb(-2),
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
    lifted. Lines at the minimum that the budget (or their channel's maximum) cannot all
    pay for are dropped, the ones worth least at it first (:func:`_fit_floors`), so a
    budget funding k lines at the minimum funds at most k. After ``DROP_ROUNDS`` rounds
    every line still under it is dropped at once (each round settles a line for good, so
    this ends). Settling the smaller half each round instead gave the same values on the
    loop benchmark's markets, with more re-solves.
    """
    solution = solve(problem)
    if line_min <= 0:
        return problem, solution
    for round_ in range(DROP_ROUNDS + 2 * problem.alpha.size):
        x = solution.x
        under = np.flatnonzero((x > _SLACK) & (x < line_min - _SLACK))
        if under.size == 0:
            break
        order = under[np.argsort(x[under], kind="stable")]
        cap, floor = problem.cap.copy(), problem.floor.copy()
        price = _price(problem, x, line_min)
        for i in order:
            last = _last_of_channel(problem, cap, i)
            fits = float(problem.upper[problem.group[i]]) >= line_min - _SLACK
            worth = round_ < DROP_ROUNDS and _worth_lifting(problem, i, line_min, price)
            if last or (fits and worth):
                floor[i] = line_min
            else:
                cap[i] = floor[i] = 0.0
        _fit_floors(problem, cap, floor)
        problem = replace(problem, cap=cap, floor=floor)
        solution = solve(problem)
    return problem, solution


def _last_of_channel(problem: Problem, cap: FloatArray, i: int) -> bool:
    """Whether pair ``i`` is the last open line of a channel with a minimum."""
    channel = problem.group[i]
    open_ = np.flatnonzero((problem.group == channel) & (cap > 0))
    return bool(problem.lower[channel] > 0 and open_.size <= 1)


def _fit_floors(problem: Problem, cap: FloatArray, floor: FloatArray) -> None:
    """Drop floored lines, the ones worth least at their floor first, until the floors fit
    the budget (beside the channel minimums), each channel's maximum and each group's
    maximum; only a line whose channel or group is over, or any line while the budget is,
    is dropped, and a channel with a minimum keeps its last line (the minimum kept is low
    enough for those to fit)."""
    gain = problem.weight * hill(floor / problem.days, problem.alpha, problem.half, problem.shape)
    for i in np.flatnonzero(floor > 0)[np.argsort(gain[floor > 0], kind="stable")]:
        over_budget, channels_over, groups_over = _floors_over(problem, floor)
        if not (over_budget or channels_over.any() or groups_over.any()):
            return
        channel = int(problem.group[i])
        in_group = problem.channel_group is not None and bool(
            groups_over[int(problem.channel_group[channel])]
        )
        helps = over_budget or bool(channels_over[channel]) or in_group
        if helps and not _last_of_channel(problem, cap, int(i)):
            cap[i] = floor[i] = 0.0


def _floors_over(
    problem: Problem, floor: FloatArray
) -> tuple[bool, npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Whether the floors alone exceed the budget (beside the channel minimums), and which
    channels and which groups they put over their maximum."""
    totals = np.bincount(problem.group, weights=floor, minlength=problem.lower.size)
    slack = _SLACK * max(problem.budget, 1.0)
    over_budget = bool(np.maximum(totals, problem.lower).sum() > problem.budget + slack)
    channels_over = totals > problem.upper + slack
    if problem.channel_group is None or problem.group_upper is None:
        return over_budget, channels_over, np.zeros(0, dtype=bool)
    groups = problem.group_totals(totals.astype(np.float64))
    return over_budget, channels_over, groups > problem.group_upper + slack


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
