"""Honest forecasts and runnable lines, without a store: interval widening outside the
fitted spend range, the plan's warnings, the minimum line budget (drop + re-allocation,
exploration, default from the policy), channel totals and what the rationale cites."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import ValidationError

from agents.curves.response_curve import ResponseCurve
from agents.orchestrator.policy import PolicyError, load_policy
from agents.planner import Allocation, allocate
from agents.planner._forecast import (
    FAR_FROM_RECENT_ROAS,
    FAR_FROM_RECENT_SPEND,
    OUTSIDE_HISTORY,
    LineSpend,
    RecentSpend,
    distance_outside,
    outside_warning,
    recent_warning,
    roas_warning,
    widen,
)
from agents.planner.models import LINE_FLOOR_PER_DAY, PlanLine, PlanRequest, PlanResult
from agents.planner.narrative import cite_context, write_rationale
from agents.planner.plan import min_line_budget
from bench.markets import make_curve
from retrieval.retriever import ContextItem


def ranged(channel: str, audience: str, low: float, high: float) -> ResponseCurve:
    """A curve fitted on daily spends from ``low`` to ``high``."""
    curve = make_curve(channel, audience, alpha=5_000, half=300, shape=1.0)
    return dataclasses.replace(curve, min_spend=low, max_spend=high)


def test_inside_the_fitted_range_the_interval_is_the_fits_own() -> None:
    curve = ranged("ch-a", "a1", 100, 900)
    for daily in (100, 400, 900):
        assert distance_outside(curve, daily) == 0
        assert widen(curve, daily, curve.predict(daily)) == curve.predict(daily)


def test_outside_the_range_the_interval_widens_the_further_out() -> None:
    curve = ranged("ch-a", "a1", 100, 900)
    widths = []
    for daily in (50, 10, 1):  # ever further below the smallest day seen
        mean, low, high = widen(curve, daily, curve.predict(daily))
        own = curve.predict(daily)
        assert mean == own.mean and low < own.low and high > own.high
        widths.append(high / low)
    assert widths == sorted(widths) and widths[0] < widths[-1]
    above = widen(curve, 3_600, curve.predict(3_600))
    assert above.high / above.low > curve.predict(3_600).high / curve.predict(3_600).low
    # a curve stored before its range was kept is only widened above its largest day
    old = dataclasses.replace(curve, min_spend=None)
    assert distance_outside(old, 1) == 0 and distance_outside(old, 1_800) > 0


def test_the_allocator_widens_lines_read_outside_their_data() -> None:
    curve = ranged("ch-a", "a1", 500, 900)
    allocation = allocate([curve], 3_000, 30)  # 100 a day: a fifth of the smallest day
    (line,) = allocation.lines
    assert line.revenue is not None
    _, low, high = curve.predict(100)
    assert line.revenue.high / line.revenue.low > 1.5 * high / low


def test_the_outside_history_warning_names_the_lines_and_their_ranges() -> None:
    inside = LineSpend("ch-a", "a1", 400, ranged("ch-a", "a1", 100, 900))
    below = LineSpend("ch-b", "a2", 5.93, ranged("ch-b", "a2", 120, 2_400))
    above = LineSpend("ch-c", "a3", 5_000, ranged("ch-c", "a3", 10, 800))
    assert outside_warning([inside]) is None
    warning = outside_warning([inside, below, above])
    assert warning is not None and warning.code == OUTSIDE_HISTORY
    lines = warning.details["lines"]
    assert [(o["channel_id"], o["side"]) for o in lines] == [("ch-b", "below"), ("ch-c", "above")]
    assert lines[0]["min_daily_spend"] == 120 and lines[0]["max_daily_spend"] == 2_400
    assert "ch-b × a2 5.93 a day (below the 120.00 to 2,400.00" in warning.message
    assert "ch-a" not in warning.message and warning.message.startswith("2 lines")


RECENT = RecentSpend(date(2026, 9, 2), date(2026, 11, 30), 90, spend=270_000, revenue=607_500)


def test_a_plan_far_from_the_brands_recent_spend_says_so_in_words() -> None:
    assert RECENT.daily == 3_000 and RECENT.roas == 2.25
    far = recent_warning(20_000, 30, 13.58, RECENT)
    assert far is not None and far.code == FAR_FROM_RECENT_SPEND
    assert far.message.startswith(
        "This plan spends 666.67 a day, 4.5 times less than the 3,000.00 a day the brand "
        "spent over its last 90 days of data (2026-09-02 to 2026-11-30, ROAS 2.25)."
    )
    assert "forecast ROAS 13.58" in far.message
    assert far.details["ratio"] == pytest.approx(20_000 / 30 / 3_000, abs=1e-4)
    assert recent_warning(40_000, 30, 2.0, RECENT) is None  # under 3 times less
    assert recent_warning(90_000, 30, 2.0, RECENT) is None  # the same spend
    more = recent_warning(900_000, 30, 1.5, RECENT)
    assert more is not None and "10.0 times more" in more.message
    assert recent_warning(90_000, 30, 2.0, None) is None


def test_a_forecast_roas_far_above_the_measured_one_is_named() -> None:
    warning = roas_warning(13.58, RECENT)
    assert warning is not None and warning.code == FAR_FROM_RECENT_ROAS
    assert "13.58 is 6.0 times above the 2.25" in warning.message
    assert roas_warning(3.1, RECENT) is None and roas_warning(None, RECENT) is None


def _budgets(allocation: Allocation) -> dict[tuple[str, str], Decimal]:
    return {(ln.channel_id, ln.audience_id): ln.budget for ln in allocation.lines if ln.budget}


def test_lines_under_the_minimum_are_dropped_and_their_money_reallocated() -> None:
    curves = [
        make_curve("ch-big", "a1", 50_000, 800, 0.9),
        make_curve("ch-big", "a2", 30_000, 600, 0.9),
        make_curve("ch-mid", "a3", 4_000, 150, 1.0),
        make_curve("ch-small", "a4", 300, 20, 1.0),  # earns less than the money elsewhere
        make_curve("ch-small", "a5", 200, 10, 1.0),
    ]
    free = allocate(curves, 40_000, 30, exploration_share=0)
    runnable = allocate(curves, 40_000, 30, exploration_share=0, min_line=Decimal(2_000))
    before, after = _budgets(free), _budgets(runnable)
    assert before[("ch-small", "a4")] < 2_000 and before[("ch-small", "a5")] < 2_000
    assert set(after) == set(before) - {("ch-small", "a4"), ("ch-small", "a5")}
    assert sum(after.values()) == 40_000 and min(after.values()) >= Decimal("1999.99")
    assert after[("ch-mid", "a3")] == 2_000  # under the minimum too, but worth lifting to it
    assert runnable.expected_objective <= free.expected_objective
    # dropping every line under the minimum would have given less
    kept = [c for c in curves if before.get(c.pair, 0) >= 2_000]
    assert (
        runnable.expected_objective
        >= allocate(kept, 40_000, 30, exploration_share=0).expected_objective
    )


def test_a_small_line_that_pays_for_the_minimum_is_lifted_to_it() -> None:
    curves = [
        make_curve("ch-big", "a1", 50_000, 800, 0.9),
        make_curve("ch-big", "a2", 30_000, 600, 0.9),
        make_curve("ch-niche", "a3", 3_000, 20, 1.0),  # saturates early, earns well to there
    ]
    free = allocate(curves, 40_000, 30, exploration_share=0)
    assert 0 < free.by_channel()["ch-niche"] < 2_000
    runnable = allocate(curves, 40_000, 30, exploration_share=0, min_line=Decimal(2_000))
    assert runnable.by_channel()["ch-niche"] == Decimal("2000.00")
    dropped = allocate(curves[:2], 40_000, 30, exploration_share=0)  # the other choice
    assert runnable.expected_objective > dropped.expected_objective
    assert sum(_budgets(runnable).values()) == 40_000


def test_a_line_lifted_to_the_minimum_is_not_reported_as_exploration() -> None:
    """Settling lifts a line to the minimum by its floor; that money is no exploration (the
    loop's Ember & Oak plans said a third of their budget explored thin pairs, with none
    explored)."""
    curves = [
        make_curve("ch-big", "a1", 50_000, 800, 0.9),
        make_curve("ch-big", "a2", 30_000, 600, 0.9),
        make_curve("ch-niche", "a3", 3_000, 20, 1.0),
    ]
    runnable = allocate(curves, 40_000, 30, exploration_share=0.05, min_line=Decimal(2_000))
    assert runnable.by_channel()["ch-niche"] == Decimal("2000.00")  # lifted, not thin
    assert runnable.exploration_budget == 0
    assert all(ln.exploration == 0 for ln in runnable.lines)
    thin = [*curves, dataclasses.replace(make_curve("ch-new", "t", 200, 20, 1.0), thin=True)]
    explored = allocate(thin, 40_000, 30, exploration_share=0.05, min_line=Decimal(1_000))
    line = next(ln for ln in explored.lines if ln.thin)
    assert line.exploration == Decimal("1200.00")  # its floor: 2 × half-saturation × 30 days
    assert explored.exploration_budget == line.exploration


def test_a_channel_minimum_keeps_its_last_line() -> None:
    curves = [make_curve("ch-big", "a1", 50_000, 800, 0.9), make_curve("ch-sms", "a2", 50, 5, 1)]
    allocation = allocate(curves, 10_000, 10, min_line=2_000, min_by_channel={"ch-sms": 100})
    assert allocation.by_channel()["ch-sms"] >= 2_000  # kept, and lifted to the minimum


def test_exploration_obeys_the_minimum_line() -> None:
    curves = [
        make_curve("ch-big", "a1", 50_000, 800, 0.9),
        *(
            dataclasses.replace(make_curve("ch-new", f"t{i}", 200, 2, 1.0), thin=True)
            for i in range(6)
        ),
    ]
    explored = allocate(curves, 20_000, 30, exploration_share=0.05)
    assert [ln.exploration for ln in explored.lines if ln.thin and 0 < ln.exploration < 500]
    runnable = allocate(curves, 20_000, 30, exploration_share=0.05, min_line=500)
    assert all(ln.budget == 0 or ln.budget >= 500 for ln in runnable.lines)
    assert all(ln.exploration == 0 or ln.exploration >= 500 for ln in runnable.lines)
    with pytest.raises(ValueError, match="min_line"):
        allocate(curves, 1_000, 30, min_line=1_001)


def test_the_default_minimum_line_is_the_larger_of_a_share_and_the_daily_floor() -> None:
    def request(budget: int, days: int, **extra: object) -> PlanRequest:
        return PlanRequest.model_validate(
            {
                "brand_id": "b",
                "budget": budget,
                "start_date": "2027-03-01",
                "end_date": date(2027, 3, days).isoformat(),
                **extra,
            }
        )

    assert min_line_budget(request(40_000, 30), Decimal(10)) == Decimal("400.00")  # 1 %
    assert min_line_budget(request(20_000, 30), Decimal(10)) == Decimal("300.00")  # 10 × 30
    assert min_line_budget(request(200, 30), Decimal(10)) == Decimal("200.00")  # ≤ budget
    assert min_line_budget(request(40_000, 30, min_line_budget=50), Decimal(10)) == 50
    with pytest.raises(ValidationError, match="min_line_budget"):
        request(1_000, 30, min_line_budget=2_000)


def test_the_policy_file_sets_the_daily_floor(tmp_path: Path) -> None:
    assert load_policy(None).planner.min_line_per_day == LINE_FLOOR_PER_DAY
    path = tmp_path / "policy.toml"
    path.write_text("[gates.plan]\napprovers = 2\n[planner]\nmin_line_per_day = 25\n")
    policy = load_policy(path)
    assert policy.planner.min_line_per_day == 25 and policy.plan.approvers == 2
    path.write_text("[planner]\nmin_line_per_day = -1\n")
    with pytest.raises(PolicyError, match=r"planner\.min_line_per_day"):
        load_policy(path)
    path.write_text("[planner]\nminimum = 3\n")
    with pytest.raises(PolicyError, match=r"planner\.minimum"):
        load_policy(path)
    path.write_text("[gates.planner]\nmin_line_per_day = 3\n")
    with pytest.raises(PolicyError, match="unknown gate 'planner'"):
        load_policy(path)


def test_channel_totals_sum_the_lines() -> None:
    def line(channel: str, audience: str, budget: str, revenue: float) -> PlanLine:
        return PlanLine(channel, audience, Decimal(budget), revenue, 1.0, 0, 0, 0, "rc", False)

    plan = PlanResult(
        id="p",
        version=1,
        status="pending_approval",
        brand_id="b",
        budget=Decimal(1_000),
        start_date=date(2027, 3, 1),
        end_date=date(2027, 3, 2),
        objective="revenue",
        lines=(
            line("ch-a", "a1", "300", 900),
            line("ch-b", "a2", "500", 500),
            line("ch-a", "a3", "200", 100),
        ),
        tasks=[],
        kpis={},
        exit_criteria=[],
        rationale="",
        decision_id="d",
        created_at="",
    )
    totals = plan.channels()
    assert [(t.channel_id, t.budget, t.lines) for t in totals] == [
        ("ch-a", Decimal(500), 2),
        ("ch-b", Decimal(500), 1),
    ]
    assert totals[0].roas == 2.0 and totals[0].revenue == 1_000


def _item(node_id: str, label: str, **facts: float) -> ContextItem:
    return ContextItem(
        node_id, label, label.lower(), f"title of {node_id}", 0.5, "hit", facts=facts
    )


def test_the_rationale_cites_campaigns_with_their_roas_and_the_brief_as_the_brief() -> None:
    context = [
        _item("Brief:brief-old", "Brief"),
        _item("Asset:as-1", "Asset"),
        _item("Campaign:cmp-1", "Campaign", spend=1_000.0, revenue=2_250.0, roas=2.25),
        _item("Campaign:cmp-2", "Campaign"),  # no outcomes: nothing measured to cite
    ]
    text, cited = cite_context(context, brief="Brief:brief-own")
    assert cited == ["Brief:brief-own", "Campaign:cmp-1"]
    assert text.startswith(" Brief: [Brief:brief-own].")
    assert "Closest past work: title of Campaign:cmp-1 [Campaign:cmp-1, ROAS 2.25 on 1,000.00" in (
        text
    )
    assert "brief-old" not in text and "as-1" not in text
    narrative = write_rationale("Plan.", "Plan.", context, None)
    assert narrative.citations == ["Campaign:cmp-1"]
