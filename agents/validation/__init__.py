"""Validation of running plans: drift of a line from its response curve, and KPI checks.

``detect_drift(curve, observations)`` runs a Shiryaev-Roberts change detector on a line's
daily log ratios of actual to expected (false alarms at most ``false_alarm_rate`` per
``horizon_days`` observed days, see ``docs/statistics.md``); ``check_kpis(plan, actuals)``
compares a window of plan totals with the plan's targets and bounds. Both are pure: the
graph writes (alerts, re-plan proposals) belong to the validation agent.
"""

from agents.validation.drift import (
    METHOD,
    DayTrace,
    Direction,
    DriftConfig,
    DriftFinding,
    DriftReport,
    detect_drift,
)
from agents.validation.errors import (
    InvalidDriftConfigError,
    InvalidObservationError,
    ValidationError,
)
from agents.validation.kpi import (
    DailyActual,
    KpiBounds,
    KpiFinding,
    KpiReport,
    PacingFinding,
    PlanExpectation,
)
from agents.validation.kpi_check import check_kpis
from agents.validation.series import Observation

__all__ = [
    "METHOD",
    "DailyActual",
    "DayTrace",
    "Direction",
    "DriftConfig",
    "DriftFinding",
    "DriftReport",
    "InvalidDriftConfigError",
    "InvalidObservationError",
    "KpiBounds",
    "KpiFinding",
    "KpiReport",
    "Observation",
    "PacingFinding",
    "PlanExpectation",
    "ValidationError",
    "check_kpis",
    "detect_drift",
]
