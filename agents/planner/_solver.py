"""The allocation optimiser: marginal-return equalisation, exact for concave curves.

Problem: maximise ``Σ_i weight_i · hill_i(x_i / days)`` over pair budgets ``x`` with
``Σ x = budget``, per-channel sums within ``[lower_c, upper_c]``, sums over disjoint groups
of channels within ``[lower_g, upper_g]`` (a group limit: "search max 15k" over Google and
Bing) and ``x_i >= floor_i``. A group held at a limit shares it among its channels at a
price of its own, as a channel shares its limit among its pairs.

1. Replace each curve by its concave envelope (the curve itself when ``shape <= 1``; for an
   S-shaped curve, the line from 0 to the tangent point, then the curve). The relaxed
   problem is concave and separable, so its optimum equalises marginal returns: at a price
   ``λ`` each pair spends where its envelope's slope is ``λ`` (or its floor), each channel
   clips the sum into its bounds (a clipped channel gets its own price ``μ_c`` for sharing
   its total among its audiences), and ``λ`` is found by bisection so that the total is the
   budget. Where the demand jumps (a linear stretch of an envelope), the allocations on both
   sides are interpolated. With concave curves this is the optimum; in every case its
   envelope value bounds what any allocation can expect.
2. When that allocation leaves an S-shaped pair on the linear stretch of its envelope
   (below its take-off point), the real optimum may switch pairs off or push them past
   their tangent point, a combinatorial choice. A dynamic programme over a budget grid
   (``GRID`` steps; per channel, then across channels within their bounds) picks which pairs
   are on; the on-pairs are then re-solved exactly on their concave branches (step 1 with
   floors at the tangent points). The best of the candidates wins.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt
from numpy.lib.stride_tricks import sliding_window_view

from agents.curves.hill import FloatArray, envelope, hill, inverse_marginal, tangent_point

IntArray = npt.NDArray[np.int64]
_LOG_PRICE = (-60.0, 60.0)
_STEPS = 56
_TOL = 1e-9
GRID = 1000  # budget steps of the dynamic programme for S-shaped curves


@dataclass(frozen=True)
class Problem:
    alpha: FloatArray
    half: FloatArray
    shape: FloatArray
    weight: FloatArray  # days × mean seasonal factor of each pair
    group: IntArray  # channel index of each pair
    lower: FloatArray  # per channel
    upper: FloatArray  # per channel (inf: no maximum)
    floor: FloatArray  # per pair
    cap: FloatArray  # per pair (inf: none); equal to floor for a fixed pair
    days: int
    budget: float
    # Group limits: the group of each channel and each group's bounds (None: every channel
    # its own group, with no bounds beyond the channel's).
    channel_group: IntArray | None = None
    group_lower: FloatArray | None = None
    group_upper: FloatArray | None = None

    @property
    def grouped(self) -> bool:
        return self.channel_group is not None

    def group_totals(self, channel_totals: FloatArray) -> FloatArray:
        """Channel totals summed per group (the channel totals themselves without groups)."""
        if self.channel_group is None:
            return channel_totals
        size = 0 if self.group_lower is None else self.group_lower.size
        return np.bincount(self.channel_group, weights=channel_totals, minlength=size).astype(
            np.float64
        )

    def spendable(self, channel_totals: FloatArray) -> float:
        """What the budget spends at a demand: each channel clipped to its bounds, then each
        group to its own."""
        clipped = np.clip(channel_totals, self.lower, self.upper)
        if self.channel_group is None:
            return float(clipped.sum())
        return float(np.clip(self.group_totals(clipped), self.group_lower, self.group_upper).sum())

    def value(self, x: FloatArray) -> float:
        return float(np.sum(self.weight * hill(x / self.days, self.alpha, self.half, self.shape)))

    def envelope_value(self, x: FloatArray) -> float:
        s = x / self.days
        return float(np.sum(self.weight * envelope(s, self.alpha, self.half, self.shape)))

    def marginal_daily(self, price: float, members: IntArray) -> FloatArray:
        """Budget of each member where its envelope's marginal return equals ``price``."""
        slope = price * self.days / self.weight[members]
        s = inverse_marginal(slope, self.alpha[members], self.half[members], self.shape[members])
        result: FloatArray = np.clip(s * self.days, self.floor[members], self.cap[members])
        return result


@dataclass(frozen=True)
class Solution:
    x: FloatArray
    value: float  # expected objective on the real curves
    bound: float  # no feasible allocation expects more (concave-envelope optimum)


def solve(problem: Problem) -> Solution:
    x = _envelope_optimum(problem)
    bound = problem.envelope_value(x)
    candidates = [x]
    # Where the real curves meet their envelopes at x, x reaches the upper bound: optimal.
    if problem.value(x) < bound * (1 - 1e-9):
        grid = _grid_optimum(problem)  # channel bounds only: its on/off choice is polished
        if grid is not None:
            if _feasible(problem, grid):
                candidates.append(grid)
            polished = _polish(problem, grid)
            if polished is not None:
                candidates.append(polished)
    best = max(candidates, key=problem.value)
    return Solution(x=best, value=problem.value(best), bound=max(bound, problem.value(best)))


def _envelope_optimum(p: Problem) -> FloatArray:
    """Optimum of the concave relaxation: one price, channel totals clipped to their bounds."""
    everyone = np.arange(p.alpha.size)

    def demand(log_price: float) -> tuple[FloatArray, FloatArray]:
        x = p.marginal_daily(float(np.exp(log_price)), everyone)
        return x, np.bincount(p.group, weights=x, minlength=p.lower.size).astype(np.float64)

    def at(log_price: float) -> FloatArray:
        x, totals = demand(log_price)
        _clip_channels(p, x, totals, np.arange(p.lower.size))
        if p.channel_group is not None:
            clipped = np.clip(totals, p.lower, p.upper)
            in_group = p.group_totals(clipped)
            for g in np.flatnonzero(
                (in_group < p.group_lower - _TOL) | (in_group > p.group_upper + _TOL)  # type: ignore[operator]
            ):
                channels = np.flatnonzero(p.channel_group == g)
                target = float(np.clip(in_group[g], p.group_lower[g], p.group_upper[g]))  # type: ignore[index]
                _share_group(p, x, channels, target)
        return x

    lo, hi = _LOG_PRICE  # total demand falls as the price rises
    for _ in range(_STEPS):
        mid = 0.5 * (lo + hi)
        if p.spendable(demand(mid)[1]) > p.budget:
            lo = mid
        else:
            hi = mid
    return _interpolate(at(lo), at(hi), p.budget)


def _clip_channels(p: Problem, x: FloatArray, totals: FloatArray, channels: IntArray) -> None:
    """Channels of ``channels`` whose demand ``totals`` is out of their bounds: their pairs
    share the nearest bound at a price of their own (``x`` changed in place)."""
    for c in channels:
        if p.lower[c] - _TOL <= totals[c] <= p.upper[c] + _TOL:
            continue
        members = np.flatnonzero(p.group == c)
        x[members] = _share(p, members, float(np.clip(totals[c], p.lower[c], p.upper[c])))


def _share_group(p: Problem, x: FloatArray, channels: IntArray, target: float) -> None:
    """Split ``target`` among the pairs of ``channels`` (a group held at one of its limits)
    at a common price of their own, each channel within its bounds (``x`` in place)."""
    pairs = np.flatnonzero(np.isin(p.group, channels))

    def demand(log_price: float) -> tuple[FloatArray, FloatArray]:
        own = np.zeros_like(x)
        own[pairs] = p.marginal_daily(float(np.exp(log_price)), pairs)
        return own, np.bincount(p.group, weights=own, minlength=p.lower.size).astype(np.float64)

    def total(log_price: float) -> float:
        totals = demand(log_price)[1][channels]
        return float(np.clip(totals, p.lower[channels], p.upper[channels]).sum())

    def at(log_price: float) -> FloatArray:
        own, totals = demand(log_price)
        _clip_channels(p, own, totals, channels)
        return own[pairs]

    lo, hi = _LOG_PRICE
    for _ in range(_STEPS):
        mid = 0.5 * (lo + hi)
        if total(mid) > target:
            lo = mid
        else:
            hi = mid
    x[pairs] = _interpolate(at(lo), at(hi), target)


def _share(p: Problem, members: IntArray, target: float) -> FloatArray:
    """Split ``target`` among ``members`` at a common price of their own."""
    lo, hi = _LOG_PRICE
    for _ in range(_STEPS):
        mid = 0.5 * (lo + hi)
        if p.marginal_daily(float(np.exp(mid)), members).sum() > target:
            lo = mid
        else:
            hi = mid
    more = p.marginal_daily(float(np.exp(lo)), members)
    less = p.marginal_daily(float(np.exp(hi)), members)
    return _interpolate(more, less, target)


def _interpolate(more: FloatArray, less: FloatArray, target: float) -> FloatArray:
    """The point between two allocations whose total is ``target`` (more >= target >= less)."""
    gap = float(more.sum() - less.sum())
    if gap <= 0:
        return more
    t = float(np.clip((target - less.sum()) / gap, 0.0, 1.0))
    result: FloatArray = less + t * (more - less)
    return result


def _grid_optimum(p: Problem) -> FloatArray | None:
    """Best allocation in whole steps of ``budget / GRID`` (None if the grid cannot meet the
    floors and channel bounds)."""
    step = p.budget / GRID
    if step <= 0:
        return None
    grid = np.arange(GRID + 1) * step
    slack = 1e-9 * p.budget
    values: list[FloatArray] = []
    picks: list[list[tuple[int, IntArray | None]]] = []  # per channel: (pair, units chosen)
    for c in range(p.lower.size):
        value: FloatArray | None = None
        chosen: list[tuple[int, IntArray | None]] = []
        for i in np.flatnonzero(p.group == c):
            own = p.weight[i] * hill(grid / p.days, p.alpha[i], p.half[i], p.shape[i])
            own = np.where((grid >= p.floor[i] - slack) & (grid <= p.cap[i] + slack), own, -np.inf)
            pick: IntArray | None = None
            if value is None:
                value = own
            else:
                value, pick = _max_plus(value, own)
            chosen.append((int(i), pick))
        assert value is not None
        inside = (grid >= p.lower[c] - slack) & (grid <= p.upper[c] + slack)
        values.append(np.where(inside, value, -np.inf))
        picks.append(chosen)
    total = values[0]
    across: list[IntArray] = []
    for value in values[1:]:
        total, pick = _max_plus(total, value)
        across.append(pick)
    if not np.isfinite(total[GRID]):
        return None
    units = [0] * len(values)
    left: int = GRID
    for c in range(len(values) - 1, 0, -1):
        units[c] = int(across[c - 1][left])
        left -= units[c]
    units[0] = left
    x = np.zeros(p.alpha.size)
    for c, chosen in enumerate(picks):
        rest = units[c]
        for pair, pick in reversed(chosen):
            own_units = rest if pick is None else int(pick[rest])
            x[pair] = own_units * step
            rest -= own_units
    return x if _feasible(p, x, groups=False) else None


def _max_plus(a: FloatArray, b: FloatArray) -> tuple[FloatArray, IntArray]:
    """``out[j] = max_k a[j - k] + b[k]`` and the best ``k`` for each ``j``."""
    n = a.size
    padded = np.concatenate([np.full(n - 1, -np.inf), a])
    shifted = sliding_window_view(padded, n)[:, ::-1]  # row j: a[j - k], -inf where k > j
    table = shifted + b[None, :]
    best = np.argmax(table, axis=1)
    return table[np.arange(n), best], best.astype(np.int64)


def _polish(p: Problem, x: FloatArray) -> FloatArray | None:
    """Re-solve exactly with the grid's on/off choice: off pairs stay at their floor, on
    pairs with an S-shaped curve stay at or past their tangent point (where it is concave)."""
    star = p.days * tangent_point(p.half, p.shape)
    on = x > p.floor + 0.5 * p.budget / GRID
    floor = np.where(on, np.maximum(p.floor, star), p.floor)
    cap = np.where(on, p.cap, p.floor)
    trial = replace(p, floor=floor, cap=cap)
    if np.sum(floor) > p.budget:
        return None
    polished = _envelope_optimum(trial)
    return polished if _feasible(p, polished) else None


def _feasible(p: Problem, x: FloatArray, *, groups: bool = True) -> bool:
    totals = np.bincount(p.group, weights=x, minlength=p.lower.size).astype(np.float64)
    scale = max(p.budget, 1.0)
    within = bool(
        abs(x.sum() - p.budget) <= 1e-7 * scale
        and np.all(totals >= p.lower - 1e-7 * scale)
        and np.all(totals <= p.upper + 1e-7 * scale)
        and np.all(x >= p.floor - 1e-7 * scale)
    )
    if not within or not groups or p.channel_group is None:
        return within
    in_group = p.group_totals(totals)
    return bool(
        np.all(in_group >= p.group_lower - 1e-7 * scale)  # type: ignore[operator]
        and np.all(in_group <= p.group_upper + 1e-7 * scale)  # type: ignore[operator]
    )
