"""The true market behind a sandbox: the demo generator's curves, rates and seasonality.

``demo_truth(seed, brand_id)`` draws exactly the response curves the demo data set of
that seed was simulated from (the generator's truth stream, ``BuildState._draw_truth``),
so curves the planner fits on the demo history are tested against the same market. The
seasonality is the generator's (weekly, yearly, events), extended past the demo year by
repeating the events every year.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np

from demo.models import BrandModel, season_curve
from demo.state import BuildState
from demo.tables import CHANNELS, DATA_START, FloatArray
from demo.text import BRAND_COPY

_KINDS = {c.id: c.kind for c in CHANNELS}


@dataclass(frozen=True)
class PairTruth:
    """One channel × audience pair: its Hill curve on daily spend and its funnel rates."""

    channel_id: str
    audience_id: str
    alpha: float  # most expected revenue per day
    half_saturation: float  # daily spend that returns alpha / 2
    shape: float
    noise_sigma: float  # lognormal sigma of daily revenue noise
    ctr: float
    cpm: float

    @property
    def channel_kind(self) -> str:
        return _KINDS.get(self.channel_id, "web")


@dataclass(frozen=True)
class Seasonality:
    """Multiplicative factor on revenue by date: weekly × yearly × yearly-recurring events."""

    weekly: tuple[float, ...]  # Monday first, mean 1
    amplitude: float
    peak_day: int  # day of year of the yearly peak
    events: tuple[tuple[date, float, float], ...]  # a day, its lift, its width in days
    known: tuple[float, ...] = ()  # the generator's own factors from DATA_START on

    @classmethod
    def of(cls, model: BrandModel) -> Seasonality:
        mean = float(np.mean(model.weekly))
        weekly = tuple(w / mean for w in model.weekly)
        known = tuple(season_curve(model).tolist())
        return cls(weekly, model.yearly[0], model.yearly[1], model.events, known)

    def factors(self, days: list[date]) -> FloatArray:
        """The factor of each day: the demo generator's own inside its year, and past it
        the same weekly and yearly shape with each event repeating every year."""
        result = self._extended(days)
        start = DATA_START.toordinal()
        for i, d in enumerate(days):
            offset = d.toordinal() - start
            if 0 <= offset < len(self.known):
                result[i] = self.known[offset]
        return result

    def _extended(self, days: list[date]) -> FloatArray:
        weekday = np.array([d.weekday() for d in days])
        doy = np.array([d.timetuple().tm_yday for d in days], dtype=np.float64)
        factor = np.asarray(self.weekly)[weekday] * (
            1.0 + self.amplitude * np.cos(2 * np.pi * (doy - self.peak_day) / 365.25)
        )
        ordinals = np.array([d.toordinal() for d in days], dtype=np.float64)
        for when, lift, width in self.events:
            nearest = np.array([_nearest(when, d) for d in days], dtype=np.float64)
            gap = ordinals - nearest
            factor = factor * (1.0 + lift * np.exp(-0.5 * (gap / width) ** 2))
        result: FloatArray = np.round(np.clip(factor, 0.15, None), 4)
        return result


@dataclass(frozen=True)
class MarketTruth:
    """Everything true about one brand's sandbox market."""

    seed: int
    brand_id: str
    currency: str
    pairs: dict[tuple[str, str], PairTruth]
    season: Seasonality
    aov: float  # average order value: conversions ~ Poisson(revenue / aov)
    value_per_lead: float
    leads: bool  # whether the brand's outcomes count leads
    channel_kinds: dict[str, str] = field(default_factory=dict)


def demo_truth(seed: int = 7, brand_id: str = "brand-trailhead") -> MarketTruth:
    """The true market of one brand of the demo data set generated with ``seed``."""
    keys = [f"brand-{b.key}" for b in BRAND_COPY]
    if brand_id not in keys:
        raise ValueError(f"unknown demo brand {brand_id!r}; expected one of {', '.join(keys)}")
    b = keys.index(brand_id)
    state = BuildState(seed)
    model = state.models[b]
    pairs: dict[tuple[str, str], PairTruth] = {}
    for i, (c, a) in enumerate(state.pairs):
        if int(state.p_brand[i]) != b:
            continue
        channel_id, audience_id = CHANNELS[c].id, state.audience_ids[a]
        t = state.truth[(channel_id, audience_id)]
        pairs[(channel_id, audience_id)] = PairTruth(
            channel_id=channel_id,
            audience_id=audience_id,
            alpha=t["alpha"],
            half_saturation=t["half_saturation"],
            shape=t["shape"],
            noise_sigma=t["noise_sigma"],
            ctr=float(state.p_ctr[i]),
            cpm=float(state.p_cpm[i]),
        )
    return MarketTruth(
        seed=seed,
        brand_id=brand_id,
        currency=model.currency,
        pairs=pairs,
        season=Seasonality.of(model),
        aov=model.aov,
        value_per_lead=model.value_per_lead,
        leads=model.leads_everywhere,
        channel_kinds={ch: _KINDS[ch] for ch, _ in pairs},
    )


def _nearest(when: date, day: date) -> int:
    """Ordinal of the yearly repeat of ``when`` nearest to ``day``."""
    best = when.toordinal()
    for year in (day.year - 1, day.year, day.year + 1):
        try:
            candidate = when.replace(year=year).toordinal()
        except ValueError:  # 29 February in a common year
            candidate = when.replace(year=year, day=28).toordinal()
        if abs(candidate - day.toordinal()) < abs(best - day.toordinal()):
            best = candidate
    return best
