"""The closed-loop benchmark's yardstick: the optimum under the plans' own minimum line."""

from __future__ import annotations

from decimal import Decimal

from bench.common import machine
from bench.loop import LoopReport, MarketRun, cycle_optima, render
from bench.markets import make_curve

CURVES = [
    make_curve("ch-big", "a1", 50_000, 800, 0.9),
    make_curve("ch-big", "a2", 30_000, 600, 0.9),
    make_curve("ch-mid", "a3", 4_000, 150, 1.0),
    make_curve("ch-small", "a4", 300, 20, 1.0),  # the free optimum gives these a little
    make_curve("ch-small", "a5", 200, 10, 1.0),
]


def test_the_optimum_keeps_the_plans_minimum_line_and_the_free_one_is_kept_beside_it() -> None:
    kept, free = cycle_optima(CURVES, Decimal(40_000), 30, Decimal(2_000))
    assert kept < free  # the minimum line binds: small lines dropped, one lifted
    assert (kept, free) == cycle_optima(CURVES, Decimal(40_000), 30, Decimal("2000.00"))
    same, also_free = cycle_optima(CURVES, Decimal(40_000), 30, None)
    assert same == also_free == free


def _run(changed: bool, ours: float, free: float) -> MarketRun:
    return MarketRun(
        seed=7,
        brand="brand-emberoak",
        changed=changed,
        shocked_channel="ch-big" if changed else None,
        vs_optimum=ours,
        vs_static=1.0,
        static_vs_optimum=ours,
        detection_cycles=0.5 if changed else None,
        alert_cycles=1 if changed else 0,
        false_alarm_cycles=0,
        seconds=1.0,
        cycle_vs_optimum=[ours],
        after_change=ours if changed else None,
        vs_unconstrained=free,
        cycle_vs_unconstrained=[free],
        after_change_unconstrained=free if changed else None,
    )


def test_the_report_names_both_yardsticks() -> None:
    report = LoopReport(machine=machine(), runs=[_run(False, 0.958, 0.916), _run(True, 0.94, 0.9)])
    text = render(report)
    assert "mean 0.949, min 0.940 (the optimum under the plans' minimum line)" in text
    assert "without a minimum line: mean 0.908, min 0.900" in text
    assert "steady markets: mean 0.958, min 0.958" in text
