"""How far a plan reads its curves outside the data, and what it says about it.

A curve is only known on the daily spends it was fitted on (``min_spend`` to
``max_spend`` of its days). A line whose daily spend lies outside that range reads the
curve where no day was observed: its interval is widened by a log-scale spread that grows
with how far out it reads (:func:`widen`), and the plan carries an ``outside_history``
warning naming the lines and their ranges. A plan whose daily total is far from what the
brand spent lately gets a ``far_from_recent_spend`` warning, in words (:func:`recent_warning`),
and one whose forecast ROAS is far from the ROAS the brand measured lately a
``far_from_recent_roas`` warning (:func:`roas_warning`). A minimum line the plan could not
keep (more than the budget, or more than its channel limits allow) gets a
``min_line_above_budget`` or ``min_line_lowered`` warning (:func:`min_line_warning`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from statistics import NormalDist
from typing import Any

from agents.curves.response_curve import Prediction, ResponseCurve
from graph.base import GraphStore
from graph.models import OutcomeQuery

# Log-scale spread added per unit of log distance outside the fitted range: a line at a
# tenth of the smallest day seen (log 10 = 2.3 out) gets 1.15 more, so its 90 % interval
# spans about 6.6 times the mean either way on top of what the fit gives.
EXTRAPOLATION_SD = 0.5
RECENT_DAYS = 90  # the brand's recent spend: its last 90 days of outcomes
FAR_FACTOR = 3.0  # a plan spending 3 times more (or less) a day than lately is far from it
OUTSIDE_HISTORY = "outside_history"
FAR_FROM_RECENT_SPEND = "far_from_recent_spend"
FAR_FROM_RECENT_ROAS = "far_from_recent_roas"
MIN_LINE_ABOVE_BUDGET = "min_line_above_budget"
MIN_LINE_LOWERED = "min_line_lowered"


@dataclass(frozen=True)
class PlanWarning:
    """One warning of a plan: a stable ``code``, a sentence, and the figures behind it."""

    code: str
    message: str
    details: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "details": self.details}


def spend_range(curve: ResponseCurve) -> tuple[float, float]:
    """The daily spends the curve was fitted on (0 as the low end when it is unknown)."""
    low = curve.min_spend if curve.min_spend is not None else 0.0
    return float(low), float(curve.max_spend)


def distance_outside(curve: ResponseCurve, daily: float) -> float:
    """How far ``daily`` lies outside the fitted range, in log units (0 inside it)."""
    low, high = spend_range(curve)
    if daily <= 0:
        return 0.0
    if low > 0 and daily < low:
        return math.log(low / daily)
    if high > 0 and daily > high:
        return math.log(daily / high)
    return 0.0


def widen(curve: ResponseCurve, daily: float, prediction: Prediction) -> Prediction:
    """``prediction`` at ``daily`` with its interval widened for reading outside the data:
    the fit's own log-scale spread and the extrapolation's add in quadrature."""
    out = distance_outside(curve, daily)
    mean, low, high = prediction
    if out <= 0 or mean <= 0:
        return prediction
    z = NormalDist().inv_cdf(0.5 + curve.confidence / 2.0)
    extra = EXTRAPOLATION_SD * out
    below = math.log(mean / low) / z if low > 0 else math.inf
    above = math.log(high / mean) / z if high > mean else 0.0
    new_low = mean * math.exp(-z * math.hypot(below, extra)) if math.isfinite(below) else low
    new_high = mean * math.exp(z * math.hypot(above, extra))
    return Prediction(mean, min(low, new_low), max(high, new_high))


@dataclass(frozen=True)
class LineSpend:
    """A line's daily spend and the curve it reads (what the warnings look at)."""

    channel_id: str
    audience_id: str
    daily_spend: float
    curve: ResponseCurve


def outside_warning(lines: Sequence[LineSpend]) -> PlanWarning | None:
    """``outside_history``: the lines whose daily spend lies outside their curve's data."""
    outside: list[dict[str, Any]] = []
    for line in lines:
        if distance_outside(line.curve, line.daily_spend) <= 0:
            continue
        low, high = spend_range(line.curve)
        outside.append(
            {
                "channel_id": line.channel_id,
                "audience_id": line.audience_id,
                "daily_spend": round(line.daily_spend, 2),
                "min_daily_spend": round(low, 2),
                "max_daily_spend": round(high, 2),
                "side": "below" if line.daily_spend < low else "above",
                "curve_id": line.curve.id,
            }
        )
    if not outside:
        return None
    named = "; ".join(
        f"{o['channel_id']} × {o['audience_id']} {_money(o['daily_spend'])} a day "
        f"({o['side']} the {_money(o['min_daily_spend'])} to "
        f"{_money(o['max_daily_spend'])} a day its curve was fitted on)"
        for o in outside
    )
    count = f"{len(outside)} line{'s' if len(outside) > 1 else ''}"
    message = (
        f"{count} of this plan spend{'' if len(outside) > 1 else 's'} outside the daily "
        f"range of their history, where no day was observed: {named}. Their intervals are "
        "widened; treat those forecasts as guesses until the lines have run."
    )
    return PlanWarning(OUTSIDE_HISTORY, message, {"lines": outside})


@dataclass(frozen=True)
class RecentSpend:
    """What the brand spent and earned over its last days of outcomes."""

    start: date
    end: date
    days: int
    spend: float
    revenue: float

    @property
    def daily(self) -> float:
        return self.spend / self.days

    @property
    def roas(self) -> float | None:
        return self.revenue / self.spend if self.spend > 0 else None


def recent_spend(
    store: GraphStore, brand_id: str, curves: Sequence[ResponseCurve]
) -> RecentSpend | None:
    """The brand's spend over the ``RECENT_DAYS`` up to its last day of outcomes (the
    latest day its curves saw); None when it has none."""
    ends = [c.last_date for c in curves if c.brand_id in (brand_id, None)]
    if not ends:
        return None
    end = max(ends)
    start = end - timedelta(days=RECENT_DAYS - 1)
    first = min(c.first_date for c in curves if c.brand_id in (brand_id, None))
    start = max(start, first)
    query = OutcomeQuery(brand_id=brand_id, start=start, end=end, group_by=("date",))
    totals = store.aggregate_outcomes(query)
    spend = math.fsum(t.spend for t in totals)
    if spend <= 0:
        return None
    revenue = math.fsum(t.revenue for t in totals)
    return RecentSpend(start, end, (end - start).days + 1, spend, revenue)


def recent_warning(
    budget: float, days: int, roas: float | None, recent: RecentSpend | None
) -> PlanWarning | None:
    """``far_from_recent_spend``: the plan spends ``FAR_FACTOR`` times more or less a day
    than the brand did lately, so its curves are read far from where they were measured."""
    if recent is None or days < 1 or budget <= 0:
        return None
    daily = budget / days
    ratio = daily / recent.daily
    if 1.0 / FAR_FACTOR < ratio < FAR_FACTOR:
        return None
    way = "less" if ratio < 1 else "more"
    times = 1.0 / ratio if ratio < 1 else ratio
    lately = (
        f"the {_money(recent.daily)} a day the brand spent over its last {recent.days} days "
        f"of data ({recent.start.isoformat()} to {recent.end.isoformat()}"
        + (f", ROAS {recent.roas:.2f}" if recent.roas is not None else "")
        + ")"
    )
    forecast = f" Its forecast ROAS {roas:.2f}" if roas is not None else " Its forecast"
    message = (
        f"This plan spends {_money(daily)} a day, {times:.1f} times {way} than {lately}."
        f"{forecast} reads the curves far from the spend they were measured at; "
        "expect the result to differ."
    )
    details = {
        "plan_daily_spend": round(daily, 2),
        "recent_daily_spend": round(recent.daily, 2),
        "ratio": round(ratio, 4),
        "recent_days": recent.days,
        "recent_start": recent.start.isoformat(),
        "recent_end": recent.end.isoformat(),
        "recent_roas": None if recent.roas is None else round(recent.roas, 4),
        "forecast_roas": None if roas is None else round(roas, 4),
    }
    return PlanWarning(FAR_FROM_RECENT_SPEND, message, details)


def roas_warning(roas: float | None, recent: RecentSpend | None) -> PlanWarning | None:
    """``far_from_recent_roas``: the forecast ROAS is ``FAR_FACTOR`` times above (or below)
    what the brand measured over its recent days."""
    if roas is None or recent is None or not recent.roas or roas <= 0:
        return None
    ratio = roas / recent.roas
    if 1.0 / FAR_FACTOR < ratio < FAR_FACTOR:
        return None
    times = ratio if ratio >= 1 else 1.0 / ratio
    way = "above" if ratio >= 1 else "below"
    message = (
        f"The forecast ROAS {roas:.2f} is {times:.1f} times {way} the {recent.roas:.2f} the "
        f"brand measured over its last {recent.days} days of data "
        f"({recent.start.isoformat()} to {recent.end.isoformat()}). The curves promise "
        "more than the brand has lately seen; check the lines read outside their history "
        "before trusting it."
        if ratio >= 1
        else f"The forecast ROAS {roas:.2f} is {times:.1f} times {way} the {recent.roas:.2f} "
        f"the brand measured over its last {recent.days} days of data "
        f"({recent.start.isoformat()} to {recent.end.isoformat()})."
    )
    details = {
        "forecast_roas": round(roas, 4),
        "recent_roas": round(recent.roas, 4),
        "ratio": round(ratio, 4),
        "recent_days": recent.days,
        "recent_start": recent.start.isoformat(),
        "recent_end": recent.end.isoformat(),
    }
    return PlanWarning(FAR_FROM_RECENT_ROAS, message, details)


def min_line_warning(
    budget: Decimal, asked: Decimal, kept: Decimal, lines: int
) -> PlanWarning | None:
    """``min_line_above_budget``: the minimum line asked (by the request or the policy's
    default) is more than the budget, so the plan runs the lines the budget pays for at the
    minimum kept (one when it is the budget); ``min_line_lowered``: the channel minimums
    needed more lines at it than the budget pays for, or a channel with a minimum has a
    maximum under it, so it was lowered to ``kept``. None when the minimum asked is kept."""
    if kept >= asked:
        return None
    allowed = int(budget // kept) if kept > 0 else lines
    details = {
        "budget": float(budget),
        "min_line_asked": float(asked),
        "min_line_kept": float(kept),
        "lines_allowed": allowed,
        "lines": lines,
    }
    if asked > budget:
        message = (
            f"The minimum line {_money(float(asked))} is more than the budget "
            f"{_money(float(budget))}, so it is cut to {_money(float(kept))}"
            + (" (beside the channel minimums)" if kept < budget else "")
            + f": the budget pays "
            f"for {allowed} line{'s' if allowed != 1 else ''} at it and the plan runs {lines}. "
            "Raise the budget (or set min_line_budget lower) to spread it over more lines."
        )
        return PlanWarning(MIN_LINE_ABOVE_BUDGET, message, details)
    message = (
        f"The minimum line {_money(float(asked))} is lowered to {_money(float(kept))}: the "
        "channel minimums need more lines at it than the budget of "
        f"{_money(float(budget))} pays for (or a channel with a minimum has a maximum under "
        f"it). The plan runs {lines} line{'s' if lines != 1 else ''}."
    )
    return PlanWarning(MIN_LINE_LOWERED, message, details)


def _money(amount: float) -> str:
    return f"{amount:,.2f}"
