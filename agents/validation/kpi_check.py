"""``check_kpis``: the window arithmetic behind :mod:`agents.validation.kpi`."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta
from statistics import NormalDist

from agents.validation.errors import InvalidDriftConfigError, InvalidObservationError
from agents.validation.kpi import (
    DailyActual,
    KpiBounds,
    KpiFinding,
    KpiReport,
    KpiStatus,
    PaceStatus,
    PacingFinding,
    PlanExpectation,
)


def check_kpis(
    plan: PlanExpectation,
    actuals: Sequence[DailyActual],
    *,
    as_of: date | None = None,
    window_days: int | None = None,
    pacing_tolerance: float = 0.15,
) -> KpiReport:
    """Check the plan's KPIs over the ``window_days`` days up to ``as_of`` (default: from
    the plan's start to its last day with data).

    Raises:
        InvalidObservationError: a negative or non-finite value, or a day twice.
        InvalidDriftConfigError: a window of less than a day, or a negative tolerance.
    """
    if window_days is not None and window_days < 1:
        raise InvalidDriftConfigError("window_days", f"must be >= 1, got {window_days}")
    if not (math.isfinite(pacing_tolerance) and pacing_tolerance >= 0.0):
        raise InvalidDriftConfigError("pacing_tolerance", f"must be >= 0: {pacing_tolerance}")
    by_day = _by_day(actuals, plan)
    end = as_of or (max(by_day) if by_day else plan.start_date)
    end = min(end, plan.end_date)
    start = plan.start_date
    if window_days is not None:
        start = max(start, end - timedelta(days=window_days - 1))
    span = [start + timedelta(days=i) for i in range(max((end - start).days + 1, 0))]
    observed = [d for d in span if d in by_day]
    missing = tuple(d for d in span if d not in by_day)
    total_weight = sum(plan.weight(d) for d in plan.days())
    share = sum(plan.weight(d) for d in observed) / total_weight if total_weight > 0 else 0.0
    spend = sum(by_day[d].spend for d in observed)
    sums = {
        "revenue": sum(by_day[d].revenue for d in observed),
        "conversions": sum(by_day[d].conversions for d in observed),
    }
    z = NormalDist().inv_cdf(0.5 + plan.confidence / 2.0)
    findings = tuple(
        _finding(k, observed, share, spend, sums, plan.day_noise, z) for k in plan.kpis
    )
    planned = plan.budget * share
    return KpiReport(
        window_start=start,
        window_end=end,
        observed=tuple(observed),
        missing=missing,
        findings=findings,
        pacing=_pacing(spend, planned, pacing_tolerance, len(observed)),
    )


def _by_day(actuals: Sequence[DailyActual], plan: PlanExpectation) -> dict[date, DailyActual]:
    out: dict[date, DailyActual] = {}
    for i, a in enumerate(actuals):
        for name in ("spend", "revenue", "conversions"):
            value = getattr(a, name)
            if not math.isfinite(value) or value < 0.0:
                raise InvalidObservationError(i, f"{name} must be a non-negative number: {value}")
        if a.day in out:
            raise InvalidObservationError(i, f"{a.day.isoformat()} appears twice")
        if plan.start_date <= a.day <= plan.end_date:
            out[a.day] = a
    return out


def _finding(
    k: KpiBounds,
    observed: list[date],
    share: float,
    spend: float,
    sums: dict[str, float],
    day_noise: float,
    z: float,
) -> KpiFinding:
    additive = k.name in sums
    scale = share if additive else 1.0
    expected = k.expected * scale
    target = (k.target if k.target is not None else k.expected) * scale
    if not observed or expected <= 0.0 or (not additive and spend <= 0.0):
        return KpiFinding(k.name, "no_data", 0.0, expected, target, 0.0, 0.0, f"{k.name}: no data")
    actual = sums[k.name] if additive else sums["revenue"] / spend
    noise = day_noise**2 / len(observed)
    if k.name == "conversions":
        noise += 1.0 / max(expected, 1e-9)
    width_low = math.log(k.expected / k.low) if k.low > 0 else math.inf
    width_high = math.log(k.high / k.expected) if k.expected > 0 else math.inf
    low = expected * math.exp(-math.sqrt(width_low**2 + z**2 * noise))
    high = expected * math.exp(math.sqrt(width_high**2 + z**2 * noise))
    status: KpiStatus
    if actual < low:
        status = "below_low"
    elif actual > high:
        status = "above_high"
    elif actual < target * (1.0 - 1e-9):  # float noise is not a miss
        status = "below_target"
    else:
        status = "on_track"
    message = (
        f"{k.name} {actual:,.2f} over {len(observed)} days: {status.replace('_', ' ')} "
        f"(expected {expected:,.2f}, interval {low:,.2f} to {high:,.2f}, target {target:,.2f})"
    )
    return KpiFinding(k.name, status, actual, expected, target, low, high, message)


def _pacing(spend: float, planned: float, tolerance: float, days: int) -> PacingFinding:
    if days == 0 or planned <= 0.0:
        return PacingFinding("no_data", spend, planned, "spend: no data")
    ratio = spend / planned
    status: PaceStatus = "on_pace"
    if ratio < 1.0 - tolerance:
        status = "underspend"
    elif ratio > 1.0 + tolerance:
        status = "overspend"
    message = (
        f"spend {spend:,.2f} is {ratio:.0%} of the {planned:,.2f} planned for these days "
        f"({status.replace('_', ' ')}; tolerance ±{tolerance:.0%})"
    )
    return PacingFinding(status, spend, planned, message)
