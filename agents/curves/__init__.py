"""Response curves: one Hill curve per channel × audience pair, fitted from outcomes.

``fit_curves`` / ``curves_from_graph`` fit them (seasonality, pooling and shrinkage in
:mod:`agents.curves._pipeline`), ``record_curves`` writes them to the graph as
ResponseCurve nodes. Shared by the planner (the allocator spends over them), validation
(drift of a line from its curve) and the demo's sandbox market.
"""

from agents.curves._pipeline import ChangeHint
from agents.curves.curves import (
    change_hints,
    curves_from_graph,
    daily_points,
    fit_curves,
    outcome_query,
    record_curves,
)
from agents.curves.response_curve import (
    CONFIDENCE,
    VERSION,
    DailyPoint,
    Prediction,
    ResponseCurve,
)

__all__ = [
    "CONFIDENCE",
    "VERSION",
    "ChangeHint",
    "DailyPoint",
    "Prediction",
    "ResponseCurve",
    "change_hints",
    "curves_from_graph",
    "daily_points",
    "fit_curves",
    "outcome_query",
    "record_curves",
]
