"""The minimum line on a small budget: the allocator never funds a line under the minimum
it reports, funds at most the lines the budget pays for at it (the best ones), and keeps
the channel minimums, lowering the minimum kept only where they need it."""

from __future__ import annotations

from decimal import Decimal

from agents.curves.hill import hill
from agents.curves.response_curve import ResponseCurve
from agents.planner import Allocation, allocate
from agents.planner._forecast import MIN_LINE_ABOVE_BUDGET, MIN_LINE_LOWERED, min_line_warning
from bench.markets import make_curve

DAYS = 14


def market() -> list[ResponseCurve]:
    """40 channel × audience pairs (8 channels × 5 audiences), as in the loop's Ember & Oak."""
    return [
        make_curve(f"ch-{c}", f"a{a}", 300 + 37 * c + 11 * a, 20 + 3 * a, 1.0)
        for c in range(8)
        for a in range(5)
    ]


def spent(allocation: Allocation) -> dict[str, Decimal]:
    return {ch: v for ch, v in allocation.by_channel().items() if v}


def funded(allocation: Allocation) -> dict[tuple[str, str], Decimal]:
    return {(ln.channel_id, ln.audience_id): ln.budget for ln in allocation.lines if ln.budget}


def alone(curve: ResponseCurve, amount: float, days: int = DAYS) -> float:
    """What ``amount`` on ``curve`` alone is expected to bring over ``days``."""
    return days * float(hill(amount / days, curve.alpha, curve.half_saturation, curve.shape))


def test_a_minimum_equal_to_the_budget_funds_the_single_best_line() -> None:
    """Ember & Oak seed 13 in the loop: 100 over 14 days, the minimum cut to the budget; the
    allocator left 10 lines under it."""
    curves = market()
    allocation = allocate(curves, 100, DAYS, min_line=Decimal(100))
    lines = funded(allocation)
    assert allocation.min_line == Decimal("100.00")
    assert list(lines.values()) == [Decimal("100.00")]
    best = max(curves, key=lambda c: alone(c, 100))
    assert list(lines) == [best.pair]


def test_a_budget_for_k_lines_at_the_minimum_funds_at_most_k() -> None:
    allocation = allocate(market(), 250, DAYS, min_line=Decimal(100))
    lines = funded(allocation)
    assert 1 <= len(lines) <= 2
    assert min(lines.values()) >= allocation.min_line == Decimal("100.00")
    assert sum(lines.values()) == 250
    wide = allocate(market(), 2_000, DAYS, min_line=Decimal(100), exploration_share=0.2)
    assert min(funded(wide).values()) >= 100 and len(funded(wide)) <= 20


def test_a_channel_minimum_on_a_small_budget_puts_the_one_line_there() -> None:
    curves = market()
    allocation = allocate(curves, 100, DAYS, min_line=Decimal(100), min_by_channel={"ch-0": 5})
    lines = funded(allocation)
    assert [ch for ch, _ in lines] == ["ch-0"] and list(lines.values()) == [Decimal("100.00")]
    assert allocation.min_line == Decimal("100.00")


def test_channel_minimums_needing_more_lines_than_the_budget_pays_lower_the_minimum() -> None:
    allocation = allocate(
        market(), 100, DAYS, min_line=Decimal(100), min_by_channel={"ch-0": 30, "ch-1": 30}
    )
    assert allocation.min_line == Decimal("50.00")  # two lines of 50 fit, of 100 do not
    totals = allocation.by_channel()
    assert totals["ch-0"] >= 30 and totals["ch-1"] >= 30
    assert min(funded(allocation).values()) >= allocation.min_line
    capped = allocate(
        market(),
        1_000,
        DAYS,
        min_line=Decimal(100),
        min_by_channel={"ch-0": 30},
        max_by_channel={"ch-0": 60},
    )
    assert capped.min_line == Decimal("60.00") and capped.by_channel()["ch-0"] >= 30
    assert min(funded(capped).values()) >= capped.min_line


def test_a_channel_maximum_under_the_minimum_drops_the_channel() -> None:
    curves = market()
    free = allocate(curves, 3_000, DAYS, min_line=Decimal(100))
    best = max(spent(free), key=lambda ch: spent(free)[ch])
    capped = allocate(curves, 3_000, DAYS, min_line=Decimal(100), max_by_channel={best: 80})
    assert capped.by_channel().get(best, 0) == 0
    assert capped.min_line == 100 and min(funded(capped).values()) >= 100


def test_the_warning_names_the_budget_the_minimum_and_the_lines_allowed() -> None:
    cut = min_line_warning(Decimal(100), Decimal(140), Decimal(100), 1)
    assert cut is not None and cut.code == MIN_LINE_ABOVE_BUDGET
    assert "140.00 is more than the budget 100.00, so it is cut to 100.00" in cut.message
    assert cut.details["lines_allowed"] == 1 and cut.details["min_line_kept"] == 100
    lowered = min_line_warning(Decimal(100), Decimal(100), Decimal(50), 2)
    assert lowered is not None and lowered.code == MIN_LINE_LOWERED
    assert lowered.details["lines_allowed"] == 2
    assert min_line_warning(Decimal(1_000), Decimal(100), Decimal(100), 7) is None
