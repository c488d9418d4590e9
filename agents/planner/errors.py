"""Errors of the planner; the API maps them to HTTP answers in one place (``api/errors.py``)."""

from __future__ import annotations

from collections.abc import Sequence


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
