"""Group limits: one minimum or maximum on the total of several channels.

"search max 15k" on a brand with Google Search and Bing Search means the two together get
at most 15k, not 15k each. The allocator keeps channels in disjoint groups (a channel
without a group limit is a group of its own, unbounded): the solver clips a group's total
into its bounds the way it clips a channel's, and rounding to cents goes budget → groups
→ channels → lines so that no cent crosses a limit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

import numpy as np
import numpy.typing as npt

from agents.curves.hill import FloatArray
from agents.planner.errors import InfeasibleConstraintsError

IntArray = npt.NDArray[np.int64]
CENT = Decimal("0.01")


@dataclass(frozen=True)
class ChannelGroup:
    """A limit on the sum of ``channels`` over the period (None: no such side)."""

    channels: tuple[str, ...]
    lower: Decimal | None = None
    upper: Decimal | None = None

    def name(self) -> str:
        return " + ".join(self.channels)


@dataclass(frozen=True)
class GroupIndex:
    """Each channel's group (by position), with the groups' own bounds; a channel with no
    group limit is a group of its own, bounded only by its channel limits."""

    of_channel: IntArray  # group index of each channel
    lower: list[Decimal]  # the group's own minimum (0 when none)
    upper: list[Decimal | None]  # the group's own maximum (None when none)

    @property
    def size(self) -> int:
        return len(self.lower)

    def lower_array(self) -> FloatArray:
        return np.array([float(v) for v in self.lower])

    def upper_array(self) -> FloatArray:
        return np.array([np.inf if v is None else float(v) for v in self.upper])


def group_limits(
    groups: Sequence[ChannelGroup],
) -> list[ChannelGroup]:
    """The groups in whole cents (minimums rounded up, maximums down), checked: each names
    two channels or more, and no channel is in two groups."""
    seen: dict[str, ChannelGroup] = {}
    out = []
    for g in groups:
        if len(set(g.channels)) < 2:
            raise ValueError(f"a group limit needs two channels or more, got {list(g.channels)}")
        for ch in g.channels:
            if ch in seen:
                raise InfeasibleConstraintsError(
                    [ch],
                    f"{ch} is in two group limits ({seen[ch].name()} and {g.name()}); "
                    "give one limit per set of channels",
                )
            seen[ch] = g
        lower = None if g.lower is None else g.lower.quantize(CENT, rounding=ROUND_CEILING)
        upper = None if g.upper is None else g.upper.quantize(CENT, rounding=ROUND_FLOOR)
        out.append(ChannelGroup(tuple(sorted(set(g.channels))), lower, upper))
    return out


def check_groups(
    channels: Sequence[str],
    budget: Decimal,
    lower: Mapping[str, Decimal],
    upper: Mapping[str, Decimal],
    groups: Sequence[ChannelGroup],
) -> None:
    """Group limits that cannot hold with each other, the channel limits or the budget,
    named with the channels and both limits."""
    for g in groups:
        unknown = sorted(set(g.channels) - set(channels))
        if unknown:
            raise InfeasibleConstraintsError(
                unknown,
                f"no response curve for channel(s) {', '.join(unknown)} of the group "
                f"{g.name()}; channels with curves: {', '.join(channels)}",
            )
        floor = sum((lower.get(ch, Decimal(0)) for ch in g.channels), Decimal(0))
        caps = [upper.get(ch) for ch in g.channels]
        ceiling = capped_sum(caps)
        if g.lower is not None and g.upper is not None and g.lower > g.upper:
            raise InfeasibleConstraintsError(
                list(g.channels),
                f"{g.name()} together have a minimum of {g.lower} above their maximum of {g.upper}",
            )
        if g.upper is not None and floor > g.upper:
            raise InfeasibleConstraintsError(
                list(g.channels),
                f"{g.name()} together have a maximum of {g.upper}, below their channels' "
                f"minimums, which add up to {floor}",
            )
        if g.lower is not None and ceiling is not None and ceiling < g.lower:
            raise InfeasibleConstraintsError(
                list(g.channels),
                f"{g.name()} together have a minimum of {g.lower}, above their channels' "
                f"maximums, which add up to {ceiling}",
            )
        if g.lower is not None and g.lower > budget:
            raise InfeasibleConstraintsError(
                list(g.channels),
                f"{g.name()} together have a minimum of {g.lower}, more than the budget {budget}",
            )
    grouped = {ch for g in groups for ch in g.channels}
    floors = [max(g.lower or Decimal(0), sum((lower.get(c, Decimal(0)) for c in g.channels),
                                              Decimal(0))) for g in groups]  # fmt: skip
    floors += [lower.get(ch, Decimal(0)) for ch in channels if ch not in grouped]
    if sum(floors, Decimal(0)) > budget:
        named = sorted({*grouped, *(ch for ch in channels if lower.get(ch, 0) > 0)})
        listed = "; ".join(
            [f"{g.name()} ({f})" for g, f in zip(groups, floors, strict=False) if f > 0]
            + [f"{ch} ({lower[ch]})" for ch in channels if ch not in grouped and ch in lower]
        )
        raise InfeasibleConstraintsError(
            named,
            f"minimums of {listed} add up to {sum(floors, Decimal(0))}, more than the budget "
            f"{budget}",
        )


def capped_sum(caps: Sequence[Decimal | None]) -> Decimal | None:
    """The sum of maximums, or None when one of them is none (no maximum in all)."""
    known = [c for c in caps if c is not None]
    return sum(known, Decimal(0)) if len(known) == len(caps) else None


def index_groups(channels: Sequence[str], groups: Sequence[ChannelGroup]) -> GroupIndex:
    """The groups by position: ``groups`` first, then one per channel outside them."""
    of_channel = np.full(len(channels), -1, dtype=np.int64)
    lower: list[Decimal] = []
    upper: list[Decimal | None] = []
    for g in groups:
        for ch in g.channels:
            of_channel[channels.index(ch)] = len(lower)
        lower.append(g.lower or Decimal(0))
        upper.append(g.upper)
    for c in np.flatnonzero(of_channel < 0):
        of_channel[c] = len(lower)
        lower.append(Decimal(0))
        upper.append(None)
    return GroupIndex(of_channel, lower, upper)
