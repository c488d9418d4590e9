"""Plan-level KPI checks against the plan's targets and bounds over a window."""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

import pytest

from agents.validation import (
    DailyActual,
    InvalidDriftConfigError,
    InvalidObservationError,
    KpiBounds,
    PlanExpectation,
    check_kpis,
)

START = date(2026, 6, 1)
KPIS: dict[str, Any] = {  # the shape of the planner's Plan.kpis
    "objective": "revenue",
    "confidence_level": 0.9,
    "window": {"start_date": "2026-06-01", "end_date": "2026-06-28", "days": 28},
    "target_revenue": 28_000.0,
    "revenue_low": 24_000.0,
    "revenue_high": 32_000.0,
    "target_conversions": 280.0,
    "conversions_low": 240.0,
    "conversions_high": 320.0,
    "target_roas": 2.8,
    "roas_low": 2.4,
    "roas_high": 3.2,
}
PLAN = PlanExpectation.from_kpis(KPIS, budget=10_000.0, day_noise=0.2)


def _days(
    n: int,
    revenue: float,
    spend: float = 10_000 / 28,
    conversions: float = 10.0,
    start: date = START,
) -> list[DailyActual]:
    return [DailyActual(start + timedelta(days=i), spend, revenue, conversions) for i in range(n)]


def _status(report: Any) -> dict[str, str]:
    return {f.kpi: f.status for f in report.findings}


def test_from_kpis_reads_the_planner_shape() -> None:
    assert PLAN.start_date == START and PLAN.end_date == date(2026, 6, 28)
    assert [k.name for k in PLAN.kpis] == ["revenue", "conversions", "roas"]
    assert PLAN.kpis[0] == KpiBounds("revenue", 28_000.0, 24_000.0, 32_000.0)
    with pytest.raises(InvalidDriftConfigError, match="not a plan's kpis"):
        PlanExpectation.from_kpis({"target_revenue": 1.0}, budget=1.0)


def test_a_plan_on_its_expectation_is_on_track() -> None:
    report = check_kpis(PLAN, _days(14, revenue=1_000.0))
    assert _status(report) == {"revenue": "on_track", "conversions": "on_track", "roas": "on_track"}
    revenue = report.findings[0]
    assert revenue.expected == pytest.approx(14_000.0) and revenue.actual == pytest.approx(14_000.0)
    assert revenue.low < 12_000.0 and revenue.high > 16_000.0  # plan interval, plus noise
    assert report.pacing.status == "on_pace" and not report.alerts


def test_below_the_low_bound_is_an_alert_and_below_target_is_not() -> None:
    low = check_kpis(PLAN, _days(14, revenue=600.0, conversions=6.0))
    assert _status(low) == {"revenue": "below_low", "conversions": "below_low", "roas": "below_low"}
    assert {a.kpi for a in low.alerts if hasattr(a, "kpi")} == {"revenue", "conversions", "roas"}
    assert "below low" in low.findings[0].message
    soft = check_kpis(PLAN, _days(14, revenue=950.0, conversions=9.6))
    assert _status(soft)["revenue"] == "below_target" and not soft.alerts


def test_above_the_high_bound() -> None:
    report = check_kpis(PLAN, _days(14, revenue=1_500.0))
    assert _status(report)["revenue"] == "above_high"


def test_the_window_interval_narrows_as_days_add_up() -> None:
    week = check_kpis(PLAN, _days(3, revenue=1_000.0)).findings[0]
    month = check_kpis(PLAN, _days(28, revenue=1_000.0)).findings[0]
    assert week.high / week.expected > month.high / month.expected > 32_000 / 28_000 - 1e-9
    # a late window only looks at its own days
    window = check_kpis(PLAN, _days(28, revenue=1_000.0), as_of=date(2026, 6, 20), window_days=7)
    assert window.window_start == date(2026, 6, 14) and window.window_end == date(2026, 6, 20)
    assert len(window.observed) == 7
    assert window.findings[0].expected == pytest.approx(7_000.0)


def test_day_weights_shift_the_expectation() -> None:
    weights = {START + timedelta(days=i): (2.0 if i < 7 else 1.0) for i in range(28)}
    plan = PlanExpectation(
        PLAN.start_date, PLAN.end_date, PLAN.budget, PLAN.kpis, day_weights=weights
    )
    first_week = check_kpis(plan, _days(7, revenue=1_000.0)).findings[0]
    assert first_week.expected == pytest.approx(28_000.0 * 14 / 35)


def test_missing_days_are_left_out_of_both_sides() -> None:
    days = [d for i, d in enumerate(_days(14, revenue=1_000.0)) if i not in (3, 4, 9)]
    report = check_kpis(PLAN, days)
    assert report.missing == (
        START + timedelta(days=3),
        START + timedelta(days=4),
        START + timedelta(days=9),
    )
    assert report.findings[0].expected == pytest.approx(11_000.0)
    assert _status(report)["revenue"] == "on_track"


def test_pacing() -> None:
    under = check_kpis(PLAN, _days(10, revenue=700.0, spend=250.0))
    assert under.pacing.status == "underspend" and under.pacing in under.alerts
    assert "70% of the 3,571.43 planned" in under.pacing.message
    over = check_kpis(PLAN, _days(10, revenue=1_300.0, spend=450.0))
    assert over.pacing.status == "overspend"


def test_no_data() -> None:
    report = check_kpis(PLAN, [])
    assert {f.status for f in report.findings} == {"no_data"}
    assert report.pacing.status == "no_data" and not report.alerts
    outside = check_kpis(PLAN, _days(3, 1_000.0, start=date(2026, 8, 1)))
    assert not outside.observed


@pytest.mark.parametrize(
    ("actuals", "message"),
    [
        ([DailyActual(START, -1.0)], "observation 0: spend must be a non-negative"),
        ([DailyActual(START, 1.0, math.inf)], "observation 0: revenue must be a non-negative"),
        ([DailyActual(START, 1.0), DailyActual(START, 2.0)], "observation 1: 2026-06-01 appears"),
    ],
)
def test_bad_actuals_are_refused(actuals: list[DailyActual], message: str) -> None:
    with pytest.raises(InvalidObservationError, match=message):
        check_kpis(PLAN, actuals)


def test_bad_window_is_refused() -> None:
    with pytest.raises(InvalidDriftConfigError, match="window_days"):
        check_kpis(PLAN, [], window_days=0)
    with pytest.raises(InvalidDriftConfigError, match="pacing_tolerance"):
        check_kpis(PLAN, [], pacing_tolerance=-0.1)
