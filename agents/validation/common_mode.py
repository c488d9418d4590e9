"""Take out of each plan line what moved every channel of the brand on the same day.

A response curve carries the brand's seasonality as weekday × month factors; a sale, a
holiday or a news day that lifts or sinks the whole brand for a week is not in it, and
the drift detector would read it as every line drifting at once. What a channel's own
change looks like instead is that channel moving while the others do not. So for each
line and day, the median log ratio (actual to curve) of the lines on *other* channels
that day is the common movement, and the line's actual is divided by ``exp(median)``
before the detector sees it: a difference in differences, as the research trends do with
the rest of the brand.

Each other channel gives one value (the median of its lines that day) and the reference
is the median of those, so one drifting channel, however many audiences it has, cannot
drag the reference; a day with fewer than ``min_controls`` other channels is left as it is.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Hashable, Mapping, Sequence
from datetime import date
from typing import TypeVar

from agents.curves.response_curve import ResponseCurve
from agents.validation.series import Observation, standardise

K = TypeVar("K", bound=Hashable)
MIN_CONTROLS = 3
SMOOTH_DAYS = 3  # the reference is a running median over a week centred on the day


def remove_common_mode(
    lines: Mapping[K, tuple[ResponseCurve, Sequence[Observation]]],
    groups: Mapping[K, str],
    min_controls: int = MIN_CONTROLS,
    smooth_days: int = SMOOTH_DAYS,
) -> dict[K, list[Observation]]:
    """Each line's observations with the day's movement of the other groups taken out.

    ``lines`` maps a line to its curve and observations; ``groups`` names each line's
    group (its channel): a line's reference is the median over the other groups of each
    group's median that day.
    Observations keep their day and spend; only ``actual`` is rescaled.
    """
    ratios: dict[K, dict[date, float]] = {}
    for key, (curve, observations) in lines.items():
        days = standardise(curve, observations)
        ratios[key] = {d.day: d.log_ratio for d in days if d.skipped is None}
    # each group's median per day first, so that one group counts once however many lines
    # it has (a drifting channel with many audiences cannot drag the reference along)
    by_group: dict[str, dict[date, list[float]]] = {}
    for key, values in ratios.items():
        for day, value in values.items():
            by_group.setdefault(groups[key], {}).setdefault(day, []).append(value)
    medians = {
        g: {day: statistics.median(v) for day, v in days.items()} for g, days in by_group.items()
    }
    out: dict[K, list[Observation]] = {}
    shifts: dict[str, dict[date, float]] = {}
    for key, (_, observations) in lines.items():
        group = groups[key]
        if group not in shifts:
            shifts[group] = _smoothed(
                _daily_reference([m for g, m in medians.items() if g != group], min_controls),
                smooth_days,
            )
        shift = shifts[group]
        out[key] = [
            Observation(o.day, o.spend, o.actual * math.exp(-shift[o.day])) if o.day in shift else o
            for o in observations
        ]
    return out


def _daily_reference(others: list[dict[date, float]], min_controls: int) -> dict[date, float]:
    """The median of the other groups' values each day they are enough to tell."""
    days = sorted({d for m in others for d in m})
    out = {}
    for day in days:
        controls = [m[day] for m in others if day in m]
        if len(controls) >= min_controls:
            out[day] = statistics.median(controls)
    return out


def _smoothed(reference: dict[date, float], half_width: int) -> dict[date, float]:
    """The running median over ``half_width`` days either side (fewer at the ends): a sale
    lasts days, while one day's reference is as noisy as the few lines it rests on."""
    if half_width <= 0:
        return reference
    days = sorted(reference)
    out = {}
    for day in days:
        near = [reference[d] for d in days if abs((d - day).days) <= half_width]
        out[day] = statistics.median(near)
    return out
