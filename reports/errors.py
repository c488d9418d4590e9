"""Errors of the use cases."""

from __future__ import annotations


class UsecaseError(Exception):
    """Base class of use-case errors."""


class RoutingConfigError(UsecaseError, ValueError):
    """Routing rules or capacities that cannot be used, with where the problem is."""


class BadWindowError(UsecaseError, ValueError):
    """A date window or threshold that makes no sense (end before start, negative SLA…)."""


FIRST_YEAR, LAST_YEAR = 1900, 2999  # dates outside are typing mistakes, not data
MAX_DAYS = 3650  # the longest period any report looks back over (ten years)
MAX_SLA_MINUTES = 525_600  # a year


def check_inputs(
    *,
    days: dict[str, int] | None = None,
    sla_minutes: int | None = None,
    moments: dict[str, object] | None = None,
) -> None:
    """Refuse periods, SLAs and dates no report can mean, naming the parameter.

    Date arithmetic on such values (``end - timedelta(days=10**9)``) would overflow;
    the caller gets a BadWindowError (a 422) instead.
    """
    for name, value in (days or {}).items():
        if not 1 <= value <= MAX_DAYS:
            raise BadWindowError(f"{name} must be between 1 and {MAX_DAYS} days, got {value}")
    if sla_minutes is not None and not 1 <= sla_minutes <= MAX_SLA_MINUTES:
        raise BadWindowError(
            f"sla_minutes must be between 1 and {MAX_SLA_MINUTES} (a year), got {sla_minutes}"
        )
    for name, moment in (moments or {}).items():
        year = getattr(moment, "year", None)
        if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
            raise BadWindowError(
                f"{name} must fall between {FIRST_YEAR} and {LAST_YEAR}, got {moment}"
            )
