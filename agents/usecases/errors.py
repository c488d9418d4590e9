"""Errors of the use cases."""

from __future__ import annotations


class UsecaseError(Exception):
    """Base class of use-case errors."""


class RoutingConfigError(UsecaseError, ValueError):
    """Routing rules or capacities that cannot be used, with where the problem is."""


class BadWindowError(UsecaseError, ValueError):
    """A date window or threshold that makes no sense (end before start, negative SLA…)."""
