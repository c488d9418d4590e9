"""Errors of the validation library; callers expect ``ValueError`` for bad input."""

from __future__ import annotations


class ValidationError(Exception):
    """Base class of every validation-library error (not pydantic's ``ValidationError``)."""


class InvalidDriftConfigError(ValidationError, ValueError):
    """A drift or KPI configuration that cannot work (say a false-alarm rate of 0)."""

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"invalid validation config {field}: {reason}")


class InvalidObservationError(ValidationError, ValueError):
    """An observation that cannot be right: negative spend or outcome, a date twice."""

    def __init__(self, index: int, reason: str) -> None:
        self.index = index
        self.reason = reason
        super().__init__(f"observation {index}: {reason}")
