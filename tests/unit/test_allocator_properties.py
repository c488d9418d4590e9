"""Property-based checks of the allocator: for any market, budget and feasible limits, the
lines add up to the budget to the cent and every channel minimum and maximum holds; for
impossible limits the error names channels and nothing is allocated."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agents.planner import InfeasibleConstraintsError, allocate
from bench.markets import make_curve

CENT = Decimal("0.01")


@st.composite
def markets(draw: st.DrawFn) -> tuple[list, Decimal, dict[str, Decimal], dict[str, Decimal]]:
    channels = draw(st.integers(min_value=1, max_value=5))
    curves = []
    for c in range(channels):
        for a in range(draw(st.integers(min_value=1, max_value=4))):
            curves.append(
                make_curve(
                    f"ch{c}",
                    f"a{a}",
                    alpha=draw(st.floats(min_value=1.0, max_value=1e5)),
                    half=draw(st.floats(min_value=0.5, max_value=5e3)),
                    shape=draw(st.floats(min_value=0.4, max_value=2.5)),
                )
            )
    cents = draw(st.integers(min_value=1, max_value=10**9))
    budget = Decimal(cents) * CENT
    names = sorted({c.channel_id for c in curves})
    minimums: dict[str, Decimal] = {}
    maximums: dict[str, Decimal] = {}
    room = budget
    for name in names:
        if draw(st.booleans()):
            share = draw(st.integers(min_value=0, max_value=100))
            low = (room * share / 100 / len(names)).quantize(CENT, rounding="ROUND_DOWN")
            minimums[name] = low
            room -= low
    # Leave at least one channel unbounded above so the budget always fits.
    for name in names[1:]:
        if draw(st.booleans()):
            floor = minimums.get(name, Decimal(0))
            extra = Decimal(draw(st.integers(min_value=0, max_value=cents))) * CENT
            maximums[name] = floor + extra
    return curves, budget, minimums, maximums


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markets(), st.integers(min_value=1, max_value=60), st.sampled_from([0.0, 0.05, 0.2]))
def test_lines_add_up_and_limits_hold(
    market: tuple[list, Decimal, dict[str, Decimal], dict[str, Decimal]],
    days: int,
    exploration: float,
) -> None:
    curves, budget, minimums, maximums = market
    allocation = allocate(
        curves,
        budget,
        days,
        min_by_channel=minimums,
        max_by_channel=maximums,
        exploration_share=exploration,
    )
    assert sum(line.budget for line in allocation.lines) == budget
    assert all(
        line.budget >= 0 and line.budget == line.budget.quantize(CENT) for line in allocation.lines
    )
    totals = allocation.by_channel()
    for channel, low in minimums.items():
        assert totals[channel] >= low
    for channel, high in maximums.items():
        assert totals[channel] <= high
    assert allocation.exploration_budget <= Decimal(str(exploration)) * budget + CENT


@settings(max_examples=40, deadline=None)
@given(markets(), st.integers(min_value=1, max_value=3))
def test_impossible_limits_are_refused_with_the_channels(
    market: tuple[list, Decimal, dict[str, Decimal], dict[str, Decimal]], over: int
) -> None:
    curves, budget, _, _ = market
    names = sorted({c.channel_id for c in curves})
    # Minimums that add up to more than the budget can never hold.
    minimums = {name: budget * over + CENT for name in names}
    try:
        allocate(curves, budget, 30, min_by_channel=minimums)
    except InfeasibleConstraintsError as e:
        assert e.channels and set(e.channels) <= set(names)
    else:
        raise AssertionError("minimums above the budget were accepted")
