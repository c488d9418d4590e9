"""Group limits in the allocator: one minimum or maximum on the total of several channels.

"search max 15k" on a brand with Google Search and Bing Search is 15k for the two
together. The allocation must keep the total within the limit to the cent, spend the whole
budget, and be the best split under it (checked against a brute-force grid); limits that
cannot hold name the channels and both limits.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np
import pytest

from agents.curves import ResponseCurve
from agents.curves.hill import hill
from agents.planner import Allocation, InfeasibleConstraintsError, allocate
from agents.planner._groups import ChannelGroup
from bench import markets

pytestmark = pytest.mark.unit

DAYS = 30
BUDGET = 60_000


def _curves() -> list[ResponseCurve]:
    """Two search channels that would take most of the budget, and two others."""
    return [
        markets.make_curve("ch-google", "aud-a", 9000.0, 900.0, 1.0),
        markets.make_curve("ch-bing", "aud-a", 7000.0, 800.0, 1.0),
        markets.make_curve("ch-email", "aud-a", 2500.0, 300.0, 1.0),
        markets.make_curve("ch-video", "aud-a", 3000.0, 600.0, 1.0),
    ]


def _totals(allocation: Allocation) -> dict[str, Decimal]:
    return allocation.by_channel()


def _value(curves: list[ResponseCurve], spend: dict[str, Any]) -> Any:
    """The expected revenue of ``spend`` per channel (numbers, or arrays of splits)."""
    return sum(
        DAYS * hill(np.asarray(spend[c.channel_id]) / DAYS, c.alpha, c.half_saturation, c.shape)
        for c in curves
    )


def _plain(**kwargs: object) -> Allocation:
    return allocate(_curves(), BUDGET, DAYS, exploration_share=0.0, **kwargs)  # type: ignore[arg-type]


def test_a_group_maximum_holds_on_the_total_not_on_each_channel() -> None:
    free = _totals(_plain())
    assert free["ch-google"] + free["ch-bing"] > Decimal(30_000)  # the limit binds
    search = ChannelGroup(("ch-google", "ch-bing"), upper=Decimal(15_000))
    limited = _totals(_plain(groups=[search]))
    assert limited["ch-google"] + limited["ch-bing"] == Decimal(15_000)  # binds, to the cent
    assert limited["ch-google"] > 0 and limited["ch-bing"] > 0
    assert sum(limited.values()) == Decimal(BUDGET)
    # not 15k on each: the per-channel reading would have allowed twice as much
    each = _totals(_plain(max_by_channel={"ch-google": 15_000, "ch-bing": 15_000}))
    assert each["ch-google"] + each["ch-bing"] > Decimal(15_000)


def test_the_split_under_a_group_maximum_is_the_best_one() -> None:
    curves = _curves()
    search = ChannelGroup(("ch-google", "ch-bing"), upper=Decimal(15_000))
    got = _plain(groups=[search])
    spend = {k: float(v) for k, v in _totals(got).items()}
    # every split with the search total at most 15k, on a grid (fractions of what is left)
    t = np.linspace(0.0, 1.0, 121)
    g, b, e = np.meshgrid(t * 15_000, t, t, indexing="ij")
    b = b * (15_000 - g)
    e = e * (BUDGET - g - b)
    split = {"ch-google": g, "ch-bing": b, "ch-email": e, "ch-video": BUDGET - g - b - e}
    best = float(np.max(_value(curves, split)))
    assert _value(curves, spend) >= best * (1 - 1e-4)


def test_a_group_minimum_in_a_share_of_the_budget() -> None:
    free = _totals(_plain())
    others = ChannelGroup(("ch-email", "ch-video"), lower=Decimal(24_000))  # 40 %
    assert free["ch-email"] + free["ch-video"] < Decimal(24_000)
    limited = _totals(_plain(groups=[others]))
    assert limited["ch-email"] + limited["ch-video"] == Decimal(24_000)
    assert sum(limited.values()) == Decimal(BUDGET)


def test_a_group_with_channel_limits_inside_it() -> None:
    search = ChannelGroup(("ch-google", "ch-bing"), lower=Decimal(20_000), upper=Decimal(25_000))
    got = _totals(_plain(groups=[search], max_by_channel={"ch-google": 8_000}))
    assert got["ch-google"] <= Decimal(8_000)
    assert Decimal(20_000) <= got["ch-google"] + got["ch-bing"] <= Decimal(25_000)
    assert sum(got.values()) == Decimal(BUDGET)


def test_lines_under_the_minimum_line_keep_the_group_within_its_limit() -> None:
    curves = [
        *_curves(),
        markets.make_curve("ch-google", "aud-b", 400.0, 2000.0, 1.0),
        markets.make_curve("ch-bing", "aud-b", 300.0, 2000.0, 1.0),
    ]
    search = ChannelGroup(("ch-google", "ch-bing"), upper=Decimal("12345.67"))
    got = allocate(curves, BUDGET, DAYS, groups=[search], min_line=600, exploration_share=0.05)
    totals = got.by_channel()
    assert totals["ch-google"] + totals["ch-bing"] <= Decimal("12345.67")
    assert sum(line.budget for line in got.lines) == Decimal(BUDGET)


@pytest.mark.parametrize(
    ("groups", "maximums", "named"),
    [
        ([ChannelGroup(("ch-google", "ch-bing"), Decimal(20_000), Decimal(10_000))], {},
         ["20000.00", "10000.00"]),
        ([ChannelGroup(("ch-google", "ch-bing"), lower=Decimal(20_000))],
         {"ch-google": 5_000, "ch-bing": 5_000}, ["20000.00", "10000.00"]),
        ([ChannelGroup(("ch-google", "ch-bing"), lower=Decimal(70_000))], {},
         ["70000.00", "60000"]),
        ([ChannelGroup(("ch-google", "ch-bing"), upper=Decimal(1_000)),
          ChannelGroup(("ch-email", "ch-video"), upper=Decimal(1_000))], {},
         ["2000.00", "60000"]),
    ],
)  # fmt: skip
def test_group_limits_that_cannot_hold_name_the_channels_and_the_limits(
    groups: list[ChannelGroup], maximums: dict[str, float], named: list[str]
) -> None:
    with pytest.raises(InfeasibleConstraintsError) as caught:
        _plain(groups=groups, max_by_channel=maximums)
    assert {"ch-google", "ch-bing"} <= set(caught.value.channels)
    for part in named:
        assert part in str(caught.value)


def test_a_channel_in_two_groups_is_refused() -> None:
    groups = [
        ChannelGroup(("ch-google", "ch-bing"), upper=Decimal(10_000)),
        ChannelGroup(("ch-bing", "ch-email"), upper=Decimal(10_000)),
    ]
    with pytest.raises(InfeasibleConstraintsError, match="ch-bing is in two group limits"):
        _plain(groups=groups)
