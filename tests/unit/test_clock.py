"""The clock plans are scheduled by, the brand's day, and the plan statuses derived from it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import get_args
from zoneinfo import ZoneInfo

import pytest

from agents.orchestrator.clock import ManualClock, SystemClock, day_of, start_of, time_zone
from api.schemas.plans import PlanStatus as ApiPlanStatus
from api.schemas.plans import PlanStatusFilter
from graph.views import STORED_PLAN_STATUSES, PlanStatus, plan_phase

START, END = date(2027, 3, 1), date(2027, 3, 31)


def test_a_manual_clock_stands_still_until_moved() -> None:
    clock = ManualClock(datetime(2026, 12, 7, 10, tzinfo=UTC))
    assert clock.now() == clock.now() == datetime(2026, 12, 7, 10, tzinfo=UTC)
    assert clock.advance(timedelta(days=1)) == datetime(2026, 12, 8, 10, tzinfo=UTC)
    clock.set(datetime(2027, 3, 1, tzinfo=UTC))
    assert clock.now() == datetime(2027, 3, 1, tzinfo=UTC)
    with pytest.raises(ValueError, match="needs a time with a zone"):
        ManualClock(datetime(2026, 12, 7, 10))
    assert SystemClock().now().tzinfo is UTC


def test_a_plans_day_is_its_brands_day() -> None:
    auckland = time_zone("Pacific/Auckland")
    assert start_of(START, auckland) == datetime(2027, 2, 28, 11, tzinfo=UTC)
    assert start_of(START, time_zone(None)) == datetime(2027, 3, 1, tzinfo=UTC)
    assert day_of(datetime(2027, 2, 28, 11, 0, 1, tzinfo=UTC), auckland) == START
    assert day_of(datetime(2027, 2, 28, 10, 59, tzinfo=UTC), auckland) == date(2027, 2, 28)
    assert time_zone("Europe/Berlin") == ZoneInfo("Europe/Berlin")
    with pytest.raises(ValueError, match="'Mars/Olympus' is not an IANA zone name"):
        time_zone("Mars/Olympus")


@pytest.mark.parametrize(
    ("stored", "today", "shown"),
    [
        ("executing", date(2026, 12, 7), PlanStatus.SCHEDULED),
        ("executing", START, PlanStatus.RUNNING),
        ("executing", END, PlanStatus.RUNNING),
        ("executing", END + timedelta(days=1), PlanStatus.COMPLETED),
        ("completed", date(2027, 3, 20), PlanStatus.COMPLETED),
        ("completed", date(2026, 12, 7), PlanStatus.SCHEDULED),  # a simulated future
        ("approved", date(2026, 12, 7), PlanStatus.APPROVED),
        ("superseded", date(2027, 3, 20), PlanStatus.SUPERSEDED),
    ],
)
def test_what_a_plan_is_on_a_day(stored: str, today: date, shown: PlanStatus) -> None:
    assert plan_phase(stored, START, END, today) is shown


def test_the_api_filters_on_the_stored_statuses_of_the_one_enum() -> None:
    assert set(get_args(ApiPlanStatus)) == {s.value for s in STORED_PLAN_STATUSES}
    assert {s.value for s in PlanStatus} - set(get_args(ApiPlanStatus)) == {"scheduled", "running"}


def test_the_list_filters_on_every_status_a_plan_shows() -> None:
    from workflows.plans import STATUS_FILTERS

    assert get_args(PlanStatusFilter) == STATUS_FILTERS
    assert set(STATUS_FILTERS) == {s.value for s in PlanStatus}
