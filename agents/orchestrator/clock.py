"""The clock the orchestrator schedules by, and the day it is for a brand.

Which day it is decides whether a plan may start spending, so it is a value the
composition root injects (:class:`SystemClock` in a server or a command) and a test or a
simulation controls (:class:`ManualClock`, moved by hand). A plan's days are its brand's
days: the first day begins at midnight in the brand's time zone (the Brand node's
``timezone``, an IANA name; UTC when it has none).
"""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Protocol

from graph.zones import brand_zone, time_zone

__all__ = [
    "Clock",
    "ManualClock",
    "SystemClock",
    "brand_zone",
    "day_of",
    "start_of",
    "time_zone",
]


class Clock(Protocol):
    """Tells the time, as an aware datetime."""

    def now(self) -> datetime: ...


class SystemClock:
    """The machine's clock, in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that stands still until moved: tests and the sandbox loop play days with it."""

    def __init__(self, at: datetime) -> None:
        self._at = _aware(at)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._at

    def set(self, at: datetime) -> None:
        with self._lock:
            self._at = _aware(at)

    def advance(self, by: timedelta) -> datetime:
        with self._lock:
            self._at += by
            return self._at


def _aware(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError(f"the clock needs a time with a zone, not {at.isoformat()}")
    return at


def day_of(moment: datetime, zone: tzinfo) -> date:
    """The calendar day ``moment`` falls on in ``zone``."""
    return moment.astimezone(zone).date()


def start_of(day: date, zone: tzinfo) -> datetime:
    """The moment ``day`` begins in ``zone``, in UTC."""
    return datetime.combine(day, time(0), zone).astimezone(UTC)
