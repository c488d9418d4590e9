"""The allocator's constraints: money in cents, channel bounds, exploration floors, rounding."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Decimal

import numpy as np
import numpy.typing as npt

from agents.curves.hill import FloatArray
from agents.planner._cents import to_cents
from agents.planner._groups import (
    ChannelGroup,
    GroupIndex,
    capped_sum,
    check_groups,
    index_groups,
)
from agents.planner.errors import InfeasibleConstraintsError

CENT = Decimal("0.01")
IntArray = npt.NDArray[np.int64]


def money(value: float | Decimal, what: str, rounding: str = ROUND_HALF_EVEN) -> Decimal:
    """An amount in whole cents; ValueError unless finite and at least 0."""
    amount = value if isinstance(value, Decimal) else Decimal(str(value))
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"{what} must be a finite amount of at least 0, got {value}")
    return amount.quantize(CENT, rounding=rounding)


@dataclass(frozen=True)
class ChannelBounds:
    """Per-channel totals in whole cents: minimums rounded up, maximums down (None: none),
    and the groups of channels whose totals are limited together."""

    channels: list[str]
    lower: list[Decimal]
    upper: list[Decimal | None]
    groups: GroupIndex | None = field(default=None)

    @property
    def index(self) -> GroupIndex:
        """The groups (every channel its own group when no group limit was given)."""
        return self.groups or index_groups(self.channels, [])

    def lower_array(self) -> FloatArray:
        return np.array([float(v) for v in self.lower])

    def upper_array(self) -> FloatArray:
        return np.array([np.inf if v is None else float(v) for v in self.upper])


def channel_bounds(
    channels: list[str],
    budget: Decimal,
    minimums: Mapping[str, float | Decimal],
    maximums: Mapping[str, float | Decimal],
    groups: Sequence[ChannelGroup] = (),
) -> ChannelBounds:
    """Check the constraints against each other and the budget; name what cannot hold.
    ``groups`` (already in cents, see :func:`agents.planner._groups.group_limits`) limit
    the totals of several channels together."""
    unknown = sorted((set(minimums) | set(maximums)) - set(channels))
    if unknown:
        raise InfeasibleConstraintsError(
            unknown,
            f"no response curve for channel(s) {', '.join(unknown)}; "
            f"channels with curves: {', '.join(channels)}",
        )
    lo = {ch: money(v, f"minimum of {ch}", ROUND_CEILING) for ch, v in minimums.items()}
    hi = {ch: money(v, f"maximum of {ch}", ROUND_FLOOR) for ch, v in maximums.items()}
    crossed = sorted(ch for ch in lo if ch in hi and lo[ch] > hi[ch])
    if crossed:
        detail = ", ".join(f"{ch} (minimum {lo[ch]} > maximum {hi[ch]})" for ch in crossed)
        raise InfeasibleConstraintsError(crossed, f"minimum above maximum for {detail}")
    floor_total = sum(lo.values(), Decimal(0))
    if floor_total > budget:
        named = sorted(ch for ch, v in lo.items() if v > 0)
        listed = ", ".join(f"{ch} ({lo[ch]})" for ch in named)
        raise InfeasibleConstraintsError(
            named, f"minimums of {listed} add up to {floor_total}, more than the budget {budget}"
        )
    if all(ch in hi for ch in channels) and sum(hi.values(), Decimal(0)) < budget:
        listed = ", ".join(f"{ch} ({hi[ch]})" for ch in channels)
        raise InfeasibleConstraintsError(
            channels,
            f"maximums of every channel ({listed}) add up to {sum(hi.values(), Decimal(0))}, "
            f"less than the budget {budget}",
        )
    check_groups(channels, budget, lo, hi, groups)
    index = index_groups(channels, groups)
    _check_room(channels, budget, hi, index)
    return ChannelBounds(
        groups=index,
        channels=channels,
        lower=[lo.get(ch, Decimal(0)) for ch in channels],
        upper=[hi.get(ch) for ch in channels],
    )


def _check_room(
    channels: list[str], budget: Decimal, hi: Mapping[str, Decimal], index: GroupIndex
) -> None:
    """Every group capped (by its own maximum or its channels'), with less room than the
    budget between them: the budget cannot be spent."""
    room = Decimal(0)
    for g in range(index.size):
        members = [channels[c] for c in np.flatnonzero(index.of_channel == g)]
        caps = [hi.get(ch) for ch in members]
        own = index.upper[g]
        summed = capped_sum(caps)
        limits = [v for v in (own, summed) if v is not None]
        if not limits:
            return
        room += min(limits)
    if room < budget:
        raise InfeasibleConstraintsError(
            channels, f"the maximums leave room for {room} in all, less than the budget {budget}"
        )


def check_limits(
    budget: Decimal,
    minimums: Mapping[str, Decimal],
    maximums: Mapping[str, Decimal],
    *,
    only: Collection[str] | None = None,
    excluded: Collection[str] = (),
) -> None:
    """Limits that contradict each other, named before any curve is looked at: a minimum on
    a channel left out (by ``excluded`` or by not being in ``only``), a minimum above the
    maximum, minimums adding up to more than the budget. Each names the channel and both
    limits; a minimum of 0 contradicts nothing."""
    for ch in sorted(ch for ch, v in minimums.items() if v > 0):
        if ch in excluded:
            raise InfeasibleConstraintsError(
                [ch], f"{ch} has a minimum of {minimums[ch]} but is excluded (a maximum of 0)"
            )
        if only is not None and ch not in only:
            raise InfeasibleConstraintsError(
                [ch],
                f"{ch} has a minimum of {minimums[ch]} but is not among the only channels "
                f"allowed ({', '.join(sorted(only))}), so its maximum is 0",
            )
        if ch in maximums and minimums[ch] > maximums[ch]:
            raise InfeasibleConstraintsError(
                [ch],
                f"{ch} has a minimum of {minimums[ch]} above its maximum of {maximums[ch]}",
            )
    total = sum(minimums.values(), Decimal(0))
    if total > budget:
        named = sorted(ch for ch, v in minimums.items() if v > 0)
        listed = ", ".join(f"{ch} ({minimums[ch]})" for ch in named)
        raise InfeasibleConstraintsError(
            named, f"minimums of {listed} add up to {total}, more than the budget {budget}"
        )


def exploration_floors(
    thin: np.ndarray,
    caps: FloatArray,
    group: IntArray,
    bounds: ChannelBounds,
    amount: float,
    budget: float,
) -> FloatArray:
    """Floors of thin pairs: ``amount`` water-filled under each pair's cap, then scaled down
    where a channel maximum, or the other channels' minimums, leave less room."""
    floor = np.zeros(thin.size)
    if not thin.any() or amount <= 0:
        return floor
    floor[thin] = _water_fill(caps[thin], amount)
    upper = bounds.upper_array()
    totals = np.bincount(group, weights=floor, minlength=upper.size)
    over = totals > upper
    floor *= np.where(over, upper / np.maximum(totals, 1e-300), 1.0)[group]
    index = bounds.index
    in_group = np.bincount(index.of_channel[group], weights=floor, minlength=index.size)
    cap = index.upper_array()
    over = in_group > cap
    floor *= np.where(over, cap / np.maximum(in_group, 1e-300), 1.0)[index.of_channel[group]]
    totals = np.bincount(group, weights=floor, minlength=upper.size)
    lower = bounds.lower_array()
    if np.maximum(totals, lower).sum() > budget:  # not enough left beside the minimums
        lo, hi = 0.0, 1.0
        for _ in range(60):
            mid = 0.5 * (lo + hi)
            lo, hi = (mid, hi) if np.maximum(mid * totals, lower).sum() <= budget else (lo, mid)
        floor *= lo
    return floor


def _water_fill(caps: FloatArray, amount: float) -> FloatArray:
    """``min(cap_i, level)`` with the level that makes the total ``amount`` (or every cap)."""
    if caps.sum() <= amount:
        return caps.copy()
    lo, hi = 0.0, float(caps.max())
    for _ in range(100):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if np.minimum(caps, mid).sum() <= amount else (lo, mid)
    result: FloatArray = np.minimum(caps, lo)
    return result


def kept_minimum(bounds: ChannelBounds, budget: Decimal, line_min: Decimal) -> Decimal:
    """The minimum line that can be kept beside the channel minimums: each channel with a
    minimum needs a line, so ``line_min`` is lowered (to whole cents) until one line at it
    per such channel, or the channel's minimum where larger, fits the budget, and to the
    maximum of such a channel where that is less (its own limits win over the default)."""
    forced = [(lo, hi) for lo, hi in zip(bounds.lower, bounds.upper, strict=True) if lo > 0]
    kept = min([line_min, *(hi for _, hi in forced if hi is not None)])

    def need(m: Decimal) -> Decimal:
        return sum((max(lo, m) for lo, _ in forced), Decimal(0))

    if need(kept) <= budget:
        return kept
    low, high = 0, int(kept * 100)  # in cents: need(low) fits, need(high) does not
    while high - low > 1:
        mid = (low + high) // 2
        low, high = (mid, high) if need(Decimal(mid).scaleb(-2)) <= budget else (low, mid)
    return Decimal(low).scaleb(-2)


def round_to_cents(
    x: FloatArray,
    group: IntArray,
    bounds: ChannelBounds,
    budget: Decimal,
    least: list[int] | None = None,
) -> list[int]:
    """Cents per pair adding up exactly to the budget, group and channel totals within
    their bounds: group totals are rounded first (largest remainder), then each group's
    channels, then each channel's pairs, none under its ``least`` cents (a funded line's
    minimum: rounding must not take a cent off)."""
    least = least or [0] * x.size
    channel_values = np.bincount(group, weights=x, minlength=len(bounds.channels)) * 100.0
    floors = np.bincount(group, weights=least, minlength=len(bounds.channels))
    lower = [max(int(v * 100), int(f)) for v, f in zip(bounds.lower, floors, strict=True)]
    upper = [None if v is None else int(v * 100) for v in bounds.upper]
    index = bounds.index
    group_cents = to_cents(
        np.bincount(index.of_channel, weights=channel_values, minlength=index.size),
        int(budget * 100),
        *_group_cents_bounds(index, lower, upper),
    )
    channel_cents = [0] * len(bounds.channels)
    for g, amount in enumerate(group_cents):
        members = np.flatnonzero(index.of_channel == g)
        shares = to_cents(
            channel_values[members],
            amount,
            [lower[int(c)] for c in members],
            [upper[int(c)] for c in members],
        )
        for member, share in zip(members, shares, strict=True):
            channel_cents[int(member)] = share
    cents = [0] * x.size
    for c, amount in enumerate(channel_cents):
        members = np.flatnonzero(group == c)
        shares = to_cents(
            x[members] * 100.0, amount, [least[i] for i in members], [None] * members.size
        )
        for i, v in zip(members, shares, strict=True):
            cents[int(i)] = v
    return cents


def _group_cents_bounds(
    index: GroupIndex, lower: list[int], upper: list[int | None]
) -> tuple[list[int], list[int | None]]:
    """Each group's bounds in cents: its own, tightened by what its channels allow."""
    lows: list[int] = []
    highs: list[int | None] = []
    for g in range(index.size):
        members = [int(c) for c in np.flatnonzero(index.of_channel == g)]
        lows.append(max(int(index.lower[g] * 100), sum(lower[c] for c in members)))
        caps = [upper[c] for c in members]
        own = None if index.upper[g] is None else int(index.upper[g] * 100)  # type: ignore[operator]
        summed = sum(c for c in caps if c is not None) if all(c is not None for c in caps) else None
        limits = [v for v in (own, summed) if v is not None]
        highs.append(min(limits) if limits else None)
    return lows, highs
