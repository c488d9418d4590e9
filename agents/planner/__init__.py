"""The planner: response curves fitted from outcomes, and the budget allocator over them.

``fit_curves`` / ``curves_from_graph`` fit one Hill curve per channel × audience pair,
``record_curves`` writes them to the graph as ResponseCurve nodes, and ``allocate`` spends
a budget over them. Numbers come from these deterministic optimisers, never from an LLM.
"""

from agents.planner.allocator import Allocation, AllocationLine, Estimate, allocate
from agents.planner.curves import (
    curves_from_graph,
    daily_points,
    fit_curves,
    outcome_query,
    record_curves,
)
from agents.planner.errors import (
    InfeasibleConstraintsError,
    NoCurvesError,
    PlannerError,
    UnknownObjectiveError,
)
from agents.planner.response_curve import CONFIDENCE, VERSION, DailyPoint, Prediction, ResponseCurve

__all__ = [
    "CONFIDENCE",
    "VERSION",
    "Allocation",
    "AllocationLine",
    "DailyPoint",
    "Estimate",
    "InfeasibleConstraintsError",
    "NoCurvesError",
    "PlannerError",
    "Prediction",
    "ResponseCurve",
    "UnknownObjectiveError",
    "allocate",
    "curves_from_graph",
    "daily_points",
    "fit_curves",
    "outcome_query",
    "record_curves",
]
