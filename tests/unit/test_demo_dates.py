"""The demo data set ends yesterday by default (or on the day asked), telling the same story:
every date and timestamp moves by whole days; ids, amounts and texts stay."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from demo import generate
from demo.builder import DEMO_END_ENV, last_day
from demo.shift import shift_value
from demo.tables import DATA_END, DATA_START

pytestmark = pytest.mark.unit


def test_dates_and_timestamps_move_and_nothing_else() -> None:
    assert shift_value("2026-11-30", 7) == "2026-12-07"
    assert shift_value("2026-02-27T09:30:00-07:00", 3) == "2026-03-02T09:30:00-07:00"
    assert shift_value(["2026-01-01", "Spring 2026", 5], 1) == ["2026-01-02", "Spring 2026", 5]
    assert shift_value({"a": {"b": "2026-01-31"}}, 1) == {"a": {"b": "2026-02-01"}}
    assert shift_value("cmp-2026-01-01-x", 1) == "cmp-2026-01-01-x"
    assert shift_value("2026-13-40", 1) == "2026-13-40"  # not a date: left alone
    assert shift_value(date(2026, 1, 1), -1) == date(2025, 12, 31)


def test_the_default_end_is_yesterday_or_the_configured_day(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(DEMO_END_ENV, raising=False)
    assert last_day() == date.today() - timedelta(days=1)
    assert last_day(date(2030, 1, 2)) == date(2030, 1, 2)
    monkeypatch.setenv(DEMO_END_ENV, "2027-05-31")
    assert last_day() == date(2027, 5, 31)
    monkeypatch.setenv(DEMO_END_ENV, "last week")
    with pytest.raises(ValueError, match=DEMO_END_ENV):
        last_day()


def test_a_data_set_ending_later_tells_the_same_story(monkeypatch: pytest.MonkeyPatch) -> None:
    fixed = generate(seed=7, outcome_rows=800, extras=True, end=DATA_END)
    end = DATA_END + timedelta(days=400)
    moved = generate(seed=7, outcome_rows=800, extras=True, end=end)
    days = 400
    dates = sorted(o["date"] for o in moved.outcomes)
    assert dates[-1] <= end.isoformat() and dates[0] >= (DATA_START + timedelta(days)).isoformat()
    assert [o["date"] for o in moved.outcomes] == [
        (date.fromisoformat(o["date"]) + timedelta(days)).isoformat() for o in fixed.outcomes
    ]
    for a, b in zip(fixed.outcomes, moved.outcomes, strict=True):
        assert {k: v for k, v in a.items() if k != "date"} == {
            k: v for k, v in b.items() if k != "date"
        }
    for kind in ("campaigns", "leads", "assets"):
        before, after = getattr(fixed, kind), getattr(moved, kind)
        assert [r["id"] for r in before] == [r["id"] for r in after]
    c0, c1 = fixed.campaigns[0], moved.campaigns[0]
    assert c1["name"] == c0["name"]
    assert date.fromisoformat(c1["start_date"]) - date.fromisoformat(c0["start_date"]) == (
        timedelta(days)
    )
    stamped = next(i for i, lead in enumerate(fixed.leads) if lead.get("created_at"))
    t0, t1 = fixed.leads[stamped]["created_at"], moved.leads[stamped]["created_at"]
    assert t1[10:] == t0[10:] and t1[:10] == shift_value(t0[:10], days)
    # the seasonal truth moved with the days
    brand = next(iter(fixed.seasonality))
    first = min(fixed.seasonality[brand])
    assert moved.seasonality[brand][shift_value(first, days)] == fixed.seasonality[brand][first]
    # by default: ending yesterday
    monkeypatch.delenv(DEMO_END_ENV, raising=False)
    today = generate(seed=7, outcome_rows=800, extras=True)
    lag = (date.today() - timedelta(days=1) - DATA_END).days
    assert [o["date"] for o in today.outcomes] == [
        shift_value(o["date"], lag) for o in fixed.outcomes
    ]
