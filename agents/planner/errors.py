"""Errors of the planner; the API maps them to HTTP answers in one place (``api/errors.py``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date


class PlannerError(Exception):
    """Base class of every planner error."""


class InfeasibleConstraintsError(PlannerError, ValueError):
    """No allocation can satisfy the budget and the per-channel constraints (a 4xx)."""

    def __init__(self, channels: Sequence[str], reason: str) -> None:
        self.channels = list(channels)
        self.reason = reason
        super().__init__(reason)


class UnknownObjectiveError(PlannerError, ValueError):
    """The objective is not one the planner can optimise."""

    def __init__(self, objective: str, known: Sequence[str]) -> None:
        self.objective = objective
        self.known = list(known)
        super().__init__(f"unknown objective {objective!r}; expected one of: {', '.join(known)}")


class NoCurvesError(PlannerError, ValueError):
    """There is no response curve to plan with (for this objective)."""

    def __init__(self, objective: str) -> None:
        self.objective = objective
        super().__init__(f"no response curve of {objective!r} to allocate over")


class UnknownBrandError(PlannerError, LookupError):
    """The request names a brand the graph does not hold (a 4xx, not a 404 of the route)."""

    def __init__(self, brand_id: str) -> None:
        self.brand_id = brand_id
        super().__init__(f"no brand with id {brand_id!r}; ingest it first (kind 'brands')")


class UnknownVersionError(PlannerError, LookupError):
    """A plan has no such version."""

    def __init__(self, family: str, version: int, known: Sequence[int]) -> None:
        self.family = family
        self.version = version
        self.known = list(known)
        shown = ", ".join(str(v) for v in self.known)
        super().__init__(f"plan {family} has no version {version}; it has {shown}")


class PlanStateError(PlannerError, ValueError):
    """The plan is not in a state that allows this (approve a rejected plan…): a 409."""

    def __init__(self, plan_id: str, status: str, action: str, allowed: Sequence[str]) -> None:
        self.plan_id = plan_id
        self.status = status
        self.action = action
        self.allowed = list(allowed)
        super().__init__(
            f"cannot {action} plan {plan_id}: it is {status}"
            f" (only a plan that is {' or '.join(self.allowed)} can be)"
        )


class PlanEndedError(PlanStateError):
    """An approved plan handed over after its last day: nothing of it can run any more (a
    409; re-plan with new dates)."""

    def __init__(self, plan_id: str, end: date, today: date, zone: str) -> None:
        self.end = end
        self.today = today
        self.zone = zone
        super().__init__(plan_id, "approved", "execute", ["approved"])
        self.args = (
            f"cannot execute plan {plan_id}: its last day was {end} and it is {today} "
            f"in the brand's time zone ({zone}); re-plan it with new dates",
        )
