"""The planner: the budget allocator over response curves, and plans built with it.

``allocate`` spends a budget over the response curves of :mod:`agents.curves`. Numbers
come from this deterministic optimiser, never from an LLM.
"""

from agents.planner.allocator import Allocation, AllocationLine, Estimate, allocate
from agents.planner.errors import (
    InfeasibleConstraintsError,
    NoCurvesError,
    PlannerError,
    UnknownObjectiveError,
)

__all__ = [
    "Allocation",
    "AllocationLine",
    "Estimate",
    "InfeasibleConstraintsError",
    "NoCurvesError",
    "PlannerError",
    "UnknownObjectiveError",
    "allocate",
]
