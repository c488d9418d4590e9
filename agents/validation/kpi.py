"""Plan-level KPI checks: actuals over a window against the plan's target and its bounds.

The plan states, for its whole period, an expected value and an interval of each KPI
(revenue, conversions, ROAS; the planner's ``kpis``). Over a window of observed days:

- additive KPIs (revenue, conversions) expect the period's value times the window's
  share of the period (``day_weights``, e.g. seasonal factors; uniform by default);
  ROAS expects the plan's ROAS;
- the window's interval combines the plan's own interval (the curves' uncertainty, which
  does not average out) with day-to-day noise that does: on the log scale, the half-width
  is ``sqrt(w_plan² + z² (sigma_day² / n + 1 / count))``, ``n`` the observed days and the
  ``1 / count`` term for conversion counts only;
- each KPI is ``below_low`` / ``above_high`` outside that interval (an alert),
  ``below_target`` inside it but under the target, else ``on_track``; spend is
  ``underspend`` / ``overspend`` beyond ``pacing_tolerance`` of the planned spend.

Days without data in the window are left out of both sides and listed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal

from agents.validation.errors import InvalidDriftConfigError

KpiStatus = Literal["on_track", "below_target", "below_low", "above_high", "no_data"]
PaceStatus = Literal["on_pace", "underspend", "overspend", "no_data"]
ALERTS: frozenset[str] = frozenset({"below_low", "above_high", "underspend", "overspend"})
_ADDITIVE = ("revenue", "conversions")


@dataclass(frozen=True, slots=True)
class KpiBounds:
    """One KPI over the plan's whole period: its expected value, interval and target."""

    name: str  # revenue | conversions | roas
    expected: float
    low: float
    high: float
    target: float | None = None  # a goal from the brief; the expected value by default


@dataclass(frozen=True)
class PlanExpectation:
    """What a plan promised: its dates, budget and KPI bounds (see :meth:`from_kpis`)."""

    start_date: date
    end_date: date
    budget: float
    kpis: tuple[KpiBounds, ...]
    confidence: float = 0.9
    day_noise: float = 0.3  # sd of log(actual / expected) of one day's plan total
    day_weights: Mapping[date, float] = field(default_factory=dict)  # missing days weigh 1

    @classmethod
    def from_kpis(
        cls, kpis: Mapping[str, Any], budget: float, *, day_noise: float = 0.3
    ) -> PlanExpectation:
        """From the planner's ``kpis`` (``target_revenue``, ``revenue_low`` … ``window``)."""
        try:
            window = kpis["window"]
            bounds = tuple(
                KpiBounds(
                    name,
                    float(kpis[f"target_{name}"]),
                    float(kpis[f"{name}_low"]),
                    float(kpis[f"{name}_high"]),
                )
                for name in ("revenue", "conversions", "roas")
                if f"target_{name}" in kpis
            )
            return cls(
                start_date=date.fromisoformat(str(window["start_date"])),
                end_date=date.fromisoformat(str(window["end_date"])),
                budget=float(budget),
                kpis=bounds,
                confidence=float(kpis.get("confidence_level", 0.9)),
                day_noise=day_noise,
            )
        except (KeyError, TypeError, ValueError) as e:
            raise InvalidDriftConfigError("kpis", f"not a plan's kpis: {e}") from e

    def weight(self, day: date) -> float:
        return float(self.day_weights.get(day, 1.0))

    def days(self) -> list[date]:
        n = (self.end_date - self.start_date).days + 1
        return [self.start_date + timedelta(days=i) for i in range(n)]


@dataclass(frozen=True, slots=True)
class DailyActual:
    """The plan's totals on one day."""

    day: date
    spend: float
    revenue: float = 0.0
    conversions: float = 0.0


@dataclass(frozen=True, slots=True)
class KpiFinding:
    """One KPI over the window, with the numbers behind its status."""

    kpi: str
    status: KpiStatus
    actual: float
    expected: float
    target: float
    low: float
    high: float
    message: str

    @property
    def alert(self) -> bool:
        return self.status in ALERTS


@dataclass(frozen=True, slots=True)
class PacingFinding:
    """Spend in the window against the planned spend of those days."""

    status: PaceStatus
    actual: float
    planned: float
    message: str

    @property
    def alert(self) -> bool:
        return self.status in ALERTS


@dataclass(frozen=True)
class KpiReport:
    """The KPI check of one window: findings per KPI, pacing, and the days it covered."""

    window_start: date
    window_end: date
    observed: tuple[date, ...]
    missing: tuple[date, ...]
    findings: tuple[KpiFinding, ...]
    pacing: PacingFinding

    @property
    def alerts(self) -> tuple[KpiFinding | PacingFinding, ...]:
        found: list[KpiFinding | PacingFinding] = [f for f in self.findings if f.alert]
        return (*found, self.pacing) if self.pacing.alert else tuple(found)
