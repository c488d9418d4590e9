"""Errors of the content library; callers expect ``ValueError`` for bad input."""

from __future__ import annotations


class ContentError(Exception):
    """Base class of every content-library error."""


class InvalidContentInputError(ContentError, ValueError):
    """Input the content library cannot work with, naming the field and why."""

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"invalid content input {field}: {reason}")


class DraftingFailedError(ContentError):
    """Neither the model nor recombination produced a single draft (no usable copy)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"no draft could be written: {reason}")
