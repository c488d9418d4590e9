"""Errors of the experiments library; callers expect ``ValueError`` for bad input."""

from __future__ import annotations


class ExperimentError(Exception):
    """Base class of every experiments error."""


class InvalidExperimentConfigError(ExperimentError, ValueError):
    """A test configuration that cannot work (say an alpha outside (0, 1))."""

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"invalid experiment config {field}: {reason}")


class InvalidCountsError(ExperimentError, ValueError):
    """Counts that cannot be right: negative, more successes than trials, unknown variant."""

    def __init__(self, variant: str | None, reason: str) -> None:
        self.variant = variant
        self.reason = reason
        where = f"variant {variant!r}: " if variant is not None else ""
        super().__init__(f"invalid experiment counts: {where}{reason}")
