"""Take out of a plan line what its own creative switches did to its level.

A line's revenue depends on the asset it runs: an A/B test splits the line's spend between
variants that convert differently, and when the test is settled the winner (chosen on
clicks) runs alone, at its own conversion rate. The line's level moves that day by the
winner's effect against the mix it ran in, often by a third or more, and the drift
detector, which is right that the level moved, would call our own decision a market
change. (In the loop benchmark this was every false alarm on a steady market.)

The variants ran side by side on the same days, so their effects are measured where the
market is the same for all of them: on each day with two or more assets, an asset's
contrast is ``log((actual_a / spend_a) / (actual_day / spend_day))``, its return against
the day's whole line. An asset's effect is the mean of its contrasts, shrunk towards 0 by
its standard error (prior sd ``ASSET_SD``), so an effect read from a day or two counts
for little. Each day's mix factor is ``m_d = Σ_a (spend_a / spend_d) · exp(effect_a)``
(0 for an asset never seen beside another: its effect cannot be told from the market's),
and the day's actual is rescaled by ``m_first / m_d``: the line as if it had kept the
assets of its first day. A market change moves every asset of the line alike, so the
contrasts do not see it and it stays in the series in full.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from agents.validation.series import Observation

ASSET_SD = 0.25  # prior sd of an asset's log effect against the mix it ran beside


@dataclass(frozen=True, slots=True)
class AssetDay:
    """What one asset of a line did on one day (``asset_id`` None: rows without one)."""

    day: date
    asset_id: str | None
    spend: float
    actual: float


@dataclass(frozen=True)
class AssetMix:
    """A line's days on the level of its first day's assets, and what was taken out."""

    observations: list[Observation]
    effects: dict[str | None, float]  # each asset's shrunk log effect against its mix
    factors: dict[date, float]  # m_first / m_d, the factor each day's actual was scaled by

    @property
    def adjusted(self) -> bool:
        """Whether any day was rescaled by more than a rounding error."""
        return any(abs(f - 1.0) > 1e-9 for f in self.factors.values())


def remove_asset_mix(rows: Sequence[AssetDay], prior_sd: float = ASSET_SD) -> AssetMix:
    """The line's daily observations with its asset switches taken out (see the module)."""
    by_day: dict[date, dict[str | None, tuple[float, float]]] = {}
    for r in rows:
        cell = by_day.setdefault(r.day, {})
        spend, actual = cell.get(r.asset_id, (0.0, 0.0))
        cell[r.asset_id] = (spend + r.spend, actual + r.actual)
    effects = _effects(by_day, prior_sd)
    mix: dict[date, float] = {}
    for day, cells in by_day.items():
        spend = sum(s for s, _ in cells.values())
        if spend > 0.0:
            mix[day] = sum(s / spend * math.exp(effects.get(a, 0.0)) for a, (s, _) in cells.items())
    first = mix[min(mix)] if mix else 1.0
    factors = {day: first / m for day, m in mix.items()}
    observations = [
        Observation(
            day,
            sum(s for s, _ in cells.values()),
            sum(v for _, v in cells.values()) * factors.get(day, 1.0),
        )
        for day, cells in sorted(by_day.items())
    ]
    return AssetMix(observations, effects, factors)


def _effects(
    by_day: dict[date, dict[str | None, tuple[float, float]]], prior_sd: float
) -> dict[str | None, float]:
    """Each asset's log return against its day's line, over the days it ran beside another."""
    contrasts: dict[str | None, list[float]] = {}
    for cells in by_day.values():
        live = {a: (s, v) for a, (s, v) in cells.items() if s > 0.0 and v > 0.0}
        if len(live) < 2:
            continue
        spend = sum(s for s, _ in cells.values())
        actual = sum(v for _, v in cells.values())
        day_return = actual / spend
        for asset, (s, v) in live.items():
            contrasts.setdefault(asset, []).append(math.log(v / s / day_return))
    effects: dict[str | None, float] = {}
    for asset, values in contrasts.items():
        mean = statistics.fmean(values)
        # one day says nothing about its own noise: it is taken as noisy as the prior
        se2 = statistics.variance(values) / len(values) if len(values) > 1 else prior_sd**2
        effects[asset] = mean * prior_sd**2 / (prior_sd**2 + se2)
    return effects
