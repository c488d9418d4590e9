"""Fit every pair's curve: seasonality by backfitting, pooled curves, empirical-Bayes shrinkage.

1. Per brand (the group that shares a calendar), backfitting for ``ITERATIONS`` rounds: fit
   every pair on deseasonalised values with a weak generic prior, then estimate the
   weekday × month factors from all the brand's pair-days against those curves
   (:mod:`agents.curves._season`).
2. Pooling: a channel's pooled curve is the precision-weighted mean of the log-parameters
   of the channel's other well-supplied audiences in the brand (leave-one-out, so a pair's
   own data is not counted twice); a channel with no other such audience falls back to the
   brand's other pairs, with twice the prior scale. The prior scale ``tau`` is estimated
   across brands (empirical Bayes: robust variance of the pairs' deviations from their
   pools minus their typical sampling variance, within fixed floors and caps).
3. Final fit of each pair: MAP with prior ``N(pool, tau²)`` on the log-parameters, so a pair
   with a year of data is barely pulled while one with three weeks keeps the pooled shape
   and half-saturation and learns mostly its level; plus a fit without every fifth day
   for the held-out scores.
4. Level uncertainty beyond the days: campaign effects (:mod:`agents.curves._level`).

Days are weighed by recency (``FitSettings.half_life_days``) in every fit, and a pair whose
level shifted for good is refitted from the change (:mod:`agents.curves._change`) after
step 1, before pooling, so its pool partners see its new level too.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

import numpy as np

from agents.curves._change import (
    MIN_AFTER,
    MIN_BEFORE,
    Change,
    best_split,
    find_change,
    split_at,
)
from agents.curves._data import PairData, collect
from agents.curves._fit import HillFit, Prior, fit_hill
from agents.curves._level import level_sigmas
from agents.curves._season import Season, estimate_season
from agents.curves.hill import FloatArray, hill
from agents.curves.response_curve import DailyPoint, Metric, ResponseCurve
from agents.curves.settings import DEFAULT, FitSettings
from graph.models import sha256_hex

ITERATIONS = 3
HOLDOUT_EVERY = 5  # every fifth observed day is held out for r2 / MAPE
WEAK_SD = np.array([2.0, 2.0, 0.7])  # generic prior while seasonality is estimated
TAU_DEFAULT = np.array([0.6, 0.6, 0.25])
TAU_FLOOR = np.array([0.3, 0.3, 0.1])
TAU_CAP = np.array([2.0, 2.0, 0.7])
CHANGE_ROUNDS = 3  # backfits after a change is found, each measuring its shift again
NOMINATE_Z = 2.5  # a split this sure against the free fit is checked against a fit before it
RECENT_DAYS = 28  # and the last this many days always are
MIN_COMMON = 3  # pairs on a day before the brand's common move of the day is taken off
NEAR, NEAR_DAYS = 1.5, 7  # a change is judged at spends the reference fit saw a week of


@dataclass(frozen=True)
class _Pool:
    name: str
    centre: FloatArray
    sd: FloatArray
    channel: bool  # False: fell back to the brand's other pairs


def fit_all(
    points: Sequence[DailyPoint],
    min_days: int,
    metric: Metric,
    settings: FitSettings = DEFAULT,
    hints: Mapping[tuple[str, str], Sequence[ChangeHint]] | None = None,
) -> list[ResponseCurve]:
    pairs = collect(points, metric)
    groups: dict[str | None, list[PairData]] = defaultdict(list)
    for p in pairs:
        p.thin = p.spend.size < min_days
        p.weights = settings.weights(p.ordinals)
        p.hints = _hint_days(p, (hints or {}).get((p.channel_id, p.audience_id), ()))
        groups[p.brand_id].append(p)
    seasons = {brand: _season(members, settings) for brand, members in groups.items()}
    tau = TAU_DEFAULT
    for _ in range(3):
        pools = [_pool(p, groups[p.brand_id], tau) for p in pairs]
        tau = _tau(pairs, pools)
    pools = [_pool(p, groups[p.brand_id], tau) for p in pairs]
    fits = [_fit(p, pool.centre, pool.sd) for p, pool in zip(pairs, pools, strict=True)]
    levels = level_sigmas(pairs, fits)
    digests = {b: sha256_hex("|".join(p.digest for p in m).encode()) for b, m in groups.items()}
    curves = []
    weighing = f"half_life={settings.half_life_days:g}|change=" + (
        f"{settings.change_z:g}/{settings.min_change:g}" if settings.change_points else "off"
    )
    for p, pool, fit, level in zip(pairs, pools, fits, levels, strict=True):
        where = f"{digests[p.brand_id]}|min_days={min_days}|metric={metric}|{weighing}"
        if p.hints:  # only then, so curves of pairs no alert named keep their ids
            where += f"|alerts={p.hints}|alert_z={settings.alert_z:g}"
        scores = _holdout(p, pool)
        if p.change is not None:  # the new level is known only as well as the shift
            level = math.sqrt(level**2 + p.change.se**2)
        curves.append(_curve(p, pool, fit, level, scores, seasons[p.brand_id], metric, where))
    return sorted(curves, key=lambda c: (c.channel_id, c.audience_id))


@dataclass(frozen=True)
class ChangeHint:
    """A drift alert's word on a pair: its level moved from ``started_on``, down when
    ``ratio`` < 1 (actual over expected), up when above."""

    started_on: date
    ratio: float


def _hint_days(p: PairData, hints: Sequence[ChangeHint]) -> list[tuple[int, int]]:
    """Each hint as (position of the first day on or after it, direction of the move)."""
    out = set()
    for hint in hints:
        index = int(np.searchsorted(p.ordinals, hint.started_on.toordinal()))
        if index < p.ordinals.size and hint.ratio != 1.0:
            out.add((index, -1 if hint.ratio < 1.0 else 1))
    return sorted(out)


def _generic(p: PairData) -> FloatArray:
    """A centre any pair can start from: half-saturation at its median spend, shape 1."""
    level = max(float(np.mean(p.y / p.factors)), 1e-9)
    return np.array([math.log(2.0 * level), math.log(float(np.median(p.spend))), 0.0])


def _fit(
    p: PairData, centre: FloatArray, sd: FloatArray, mask: np.ndarray | None = None
) -> HillFit:
    spend, y, weights = p.spend, p.y / p.factors, p.weights
    if mask is not None:
        spend, y = spend[mask], y[mask]
        weights = None if weights is None else weights[mask]
    x0 = p.free.theta if p.free is not None else centre
    prior = Prior(centre, sd)
    return fit_hill(
        spend,
        y,
        prior,
        transform=p.transform,
        offset=p.offset,
        scale=p.scale,
        x0=x0,
        weights=weights,
    )


def _season(members: list[PairData], settings: FitSettings) -> Season:
    """The brand's backfit, and its pairs' change points (``_change``): a pair whose level
    shifted has its days before the change scaled to the new level; then the seasonal
    factors are estimated again, since the backfit's month factors took up part of the
    shift (a large channel halving pulls its month down for every pair), the changed pairs
    are fitted again, and their shift is measured again at the same day, until it settles."""
    season = _backfit(members)
    if not settings.change_points:
        return season
    _common_mode(members)
    changed = [p for p in members if _find_change(p, settings)]
    for round_ in range(CHANGE_ROUNDS):
        if not changed:
            break
        season = _reseason(members, changed)
        _common_mode(members)  # the other pairs' days moved with the new factors
        if round_ == CHANGE_ROUNDS - 1 or max(abs(_refine_change(p)) for p in changed) < 0.02:
            break
    return season


def _reseason(members: list[PairData], changed: list[PairData]) -> Season:
    """One more backfit step, cheaply: the ``changed`` pairs fitted again, the factors
    from every pair's current fit, then the changed pairs once more on them (the others'
    fits barely move with the factors)."""
    for p in changed:  # first on their rescaled days, so the factors see the new level
        p.free = _fit(p, _generic(p), WEAK_SD)
    fitted = [p for p in members if p.free is not None]
    expected = [hill(p.spend, p.free.alpha, p.free.half, p.free.shape) for p in fitted if p.free]
    season = estimate_season(
        np.concatenate([p.ordinals for p in fitted]),
        np.concatenate([p.y for p in fitted]),
        np.concatenate(expected),
    )
    for p in members:
        p.factors = season.factors(p.ordinals)
    for p in changed:
        p.free = _fit(p, _generic(p), WEAK_SD)
        p.scale = max(p.free.sigma, 0.05)
    return season


def _residuals(p: PairData, fit: HillFit | None = None) -> FloatArray:
    """Log residuals of the pair's days against ``fit`` (its free fit when None; median
    scale), less the brand's common move of the day (``_common_mode``)."""
    fit = fit or p.free
    assert fit is not None
    expected = hill(p.spend, math.exp(float(fit.theta[0])), fit.half, fit.shape)
    # The fit's offset keeps a zero day finite, but pulls a level shift towards 0 (a
    # halving reads as 0.6 where the smallest day is a tenth of the usual): money takes
    # a hundredth of it (a zero day is clipped in the change search), counts keep it.
    c = p.offset if p.transform == "poisson" else 0.01 * p.offset
    result: FloatArray = np.log(p.y / p.factors + c) - np.log(expected + c)
    if p.common is not None:
        result = result - p.common
    return result


def _common_mode(members: list[PairData]) -> None:
    """Each day's median residual over the brand's pairs (with at least ``MIN_COMMON``
    of them that day), kept on each pair: a sale, a holiday, a tracking outage moves every
    pair at once, and is no change of one pair's market (the month factors average such
    days away; a change point must not read them as a new level)."""
    by_day: dict[int, list[float]] = defaultdict(list)
    for p in members:
        if not p.thin and p.free is not None:
            for ordinal, r in zip(p.ordinals.tolist(), _residuals(p).tolist(), strict=True):
                by_day[ordinal].append(r)
    median = {o: float(np.median(v)) for o, v in by_day.items() if len(v) >= MIN_COMMON}
    for p in members:
        p.common = np.array([median.get(o, 0.0) for o in p.ordinals.tolist()])


def _find_change(p: PairData, settings: FitSettings) -> bool:
    """Whether the pair's level shifted for good; if so, its earlier days are rescaled.

    The free fit has seen the days after a change, and bends to them where they sit at a
    spend of their own (a planner moves a pair's budget, then the market moves), so the
    verdict is on residuals against a reference fit of the days before a cut, where the
    days after are out of sample: the cut ``RECENT_DAYS`` before the end (the changes a
    planner has not yet seen), and the free fit's own surest split when it is sure enough
    to nominate one (older changes)."""
    if p.thin or p.free is None:
        return False
    n = p.spend.size
    cuts = {n - RECENT_DAYS} if n - RECENT_DAYS >= MIN_BEFORE else set()
    nominee = best_split(_residuals(p))
    if nominee is not None and abs(nominee.z) >= NOMINATE_Z:
        cuts.add(nominee.index)
    change, change_cut = None, 0
    for cut in sorted(cuts):
        reference = _fit(p, _generic(p), WEAK_SD, mask=np.arange(n) < cut)
        r = _residuals(p, reference)
        found = find_change(r, z=settings.change_z, min_change=settings.min_change)
        found = _confirmed(p, r, cut, found, settings, settings.change_z)
        if found is not None and (change is None or abs(found.z) > abs(change.z)):
            change, change_cut = found, cut
    for index, direction in p.hints:  # where a drift alert said the level moved
        reference = _fit(p, _generic(p), WEAK_SD, mask=np.arange(n) < index)
        r = _residuals(p, reference)
        found = split_at(r, index)
        if found is None or found.shift * direction <= 0 or abs(found.z) < settings.alert_z:
            continue
        if abs(found.shift) < math.log1p(settings.min_change):
            continue
        found = _confirmed(p, r, index, found, settings, settings.alert_z)
        if found is not None and (change is None or abs(found.z) > abs(change.z)):
            change, change_cut = found, index
    if change is None:
        return False
    p.raw = (p.y.copy(), list(p.campaigns), change_cut)
    _scale_before(p, change.index, change.ratio)
    p.change = change
    return True


def _confirmed(
    p: PairData, r: FloatArray, cut: int, found: Change | None, settings: FitSettings, z: float
) -> Change | None:
    """``found`` if it holds at spends the reference fit (days before ``cut``) saw and in the
    campaigns that ran on both sides of it (``z``: how sure it must stay), else None."""
    if found is not None and not _seen_before(p.spend, cut, found.index):
        found = _where_seen(p.spend, r, cut, found, settings)
    if found is not None and p.campaigns:
        found = _within_campaigns(p, r, found, settings, z)
    return found


def _seen_before(spend: FloatArray, cut: int, k: int) -> bool:
    """Whether the reference fit (days before ``cut``) saw at least ``NEAR_DAYS`` days
    spending about what the days from ``k`` on spend (their median, within a factor
    ``NEAR``): elsewhere the curve extrapolates, and its error there is no change of the
    market (a planner that moves a pair's budget far from its history is not one)."""
    level = float(np.median(spend[k:]))
    before = spend[:cut]
    near = (before >= level / NEAR) & (before <= level * NEAR)
    return int(near.sum()) >= NEAR_DAYS


def _where_seen(
    spend: FloatArray, r: FloatArray, cut: int, change: Change, settings: FitSettings
) -> Change | None:
    """The change as the days after it that spent what the reference fit saw tell it, if
    there are ``MIN_AFTER`` of them and it still holds there (same direction, as large as
    ``min_change``), else None.

    A planner that sees a change moves the pair's budget, often below anything its history
    had; the days after that read the curve where it extrapolates, and their median spend
    is unseen, but the days between the change and the planner's move were at a spend the
    reference knew, and they show the change as it is. Without them, the next fit would
    drop the change and plan on the old level again (the loop benchmark's plans swung
    between the two, cycle after cycle)."""
    k = change.index
    seen = _seen_after(spend, cut, k)
    if seen.size < MIN_AFTER:
        return None
    shift = float(r[seen].mean() - r[:k].mean())
    if shift * change.shift <= 0 or abs(shift) < math.log1p(settings.min_change):
        return None
    return replace(change, shift=shift, z=shift / change.se if change.se > 0 else math.inf)


def _seen_after(spend: FloatArray, cut: int, k: int) -> np.ndarray:
    """The days from ``k`` on whose spend the days before ``cut`` had ``NEAR_DAYS`` of
    (within a factor ``NEAR``)."""
    before = np.sort(spend[:cut])
    after = spend[k:]
    near = np.searchsorted(before, after * NEAR, side="right") - np.searchsorted(
        before, after / NEAR, side="left"
    )
    return np.flatnonzero(near >= NEAR_DAYS) + k


def _within_campaigns(
    p: PairData, r: FloatArray, change: Change, settings: FitSettings, z_needed: float
) -> Change | None:
    """The change as the campaigns that ran on both sides of it saw it, if still sure and
    large enough (see ``_campaign_shift``)."""
    shift = _campaign_shift(p, r, change.index)
    if shift is None:
        return None
    z = shift / change.se if change.se > 0 else math.inf
    if abs(z) < z_needed or abs(shift) < math.log1p(settings.min_change):
        return None
    return replace(change, shift=shift, z=z)


def _campaign_shift(p: PairData, r: FloatArray, k: int) -> float | None:
    """The shift at day ``k`` as the campaigns that ran on both sides of it saw it, or
    None.

    A pair's level also moves when its campaigns change: a new campaign does a little
    better or worse than the last (``_level``), and that is no change of the market, nor
    a level the next campaign will keep. So each campaign's effect is measured on its days
    before the change (at least ``MIN_AFTER`` of them), and taken off its days on both
    sides; what is left after the change is the market's shift. Under half of the spend
    after the change from campaigns known before it: nothing to tell them apart, no change.
    """
    n = r.size
    known = np.zeros(n)
    effect = np.zeros(n)
    for part in p.campaigns:
        share = part.spend / p.spend[part.index]
        before = part.index < k
        if int(before.sum()) < MIN_AFTER:
            continue
        level = float(np.sum(share[before] * r[part.index[before]]) / np.sum(share[before]))
        known[part.index] += share
        effect[part.index] += share * level
    if float(known[k:].mean()) < 0.5:
        return None
    adjusted = r - effect
    return float(adjusted[k:].mean() - adjusted[:k].mean())


def _refine_change(p: PairData) -> float:
    """Measure the pair's shift again, on its original days against a new reference fit
    (the new seasonal factors no longer hold part of it), and rescale; the correction."""
    change, raw = p.change, p.raw
    assert change is not None and raw is not None
    p.y, p.campaigns = raw[0].copy(), list(raw[1])
    reference = _fit(p, _generic(p), WEAK_SD, mask=np.arange(p.spend.size) < raw[2])
    r = _residuals(p, reference)
    shift = _campaign_shift(p, r, change.index) if p.campaigns else None
    if shift is None:
        after = np.arange(change.index, p.spend.size)
        if not _seen_before(p.spend, raw[2], change.index):
            seen = _seen_after(p.spend, raw[2], change.index)
            after = seen if seen.size else after
        shift = float(r[after].mean() - r[: change.index].mean())
    _scale_before(p, change.index, math.exp(shift))
    p.change = replace(change, shift=shift)
    return shift - change.shift


def _scale_before(p: PairData, index: int, factor: float) -> None:
    """Scale the pair's days (and its campaigns' parts of them) before ``index``."""
    p.y = p.y.copy()
    p.y[:index] *= factor
    for i, part in enumerate(p.campaigns):
        before = part.index < index
        if before.any():
            y = part.y.copy()
            y[before] *= factor
            p.campaigns[i] = replace(part, y=y)


def _backfit(members: list[PairData]) -> Season:
    """Alternate pair fits and the brand's seasonal factors; leaves ``free`` fits set."""
    season = Season()
    for round_ in range(ITERATIONS):
        ordinals: list[np.ndarray] = []
        observed: list[FloatArray] = []
        expected: list[FloatArray] = []
        for p in members:
            p.factors = season.factors(p.ordinals)
            p.free = _fit(p, _generic(p), WEAK_SD)
            p.scale = max(p.free.sigma, 0.05)
            ordinals.append(p.ordinals)
            observed.append(p.y)
            expected.append(hill(p.spend, p.free.alpha, p.free.half, p.free.shape))
        if round_ < ITERATIONS - 1:
            season = estimate_season(
                np.concatenate(ordinals), np.concatenate(observed), np.concatenate(expected)
            )
    return season


def _pool(p: PairData, members: list[PairData], tau: FloatArray) -> _Pool:
    """The pair's prior: its channel's other well-supplied audiences, else the brand's."""
    others = [q for q in members if q is not p and not q.thin and q.free is not None]
    same = [q for q in others if q.channel_id == p.channel_id]
    brand = p.brand_id or "*"
    if same:
        return _Pool(f"{brand}/{p.channel_id}", _precision_mean(same, tau), tau, channel=True)
    if others:
        return _Pool(f"{brand}/*", _precision_mean(others, tau), 2.0 * tau, channel=False)
    return _Pool("generic", _generic(p), WEAK_SD, channel=False)


def _precision_mean(pairs: list[PairData], tau: FloatArray) -> FloatArray:
    thetas = np.array([q.free.theta for q in pairs if q.free is not None])
    variances = np.array([np.diag(q.free.cov) for q in pairs if q.free is not None])
    weights = 1.0 / (variances + tau**2)
    result: FloatArray = (weights * thetas).sum(axis=0) / weights.sum(axis=0)
    return result


def _tau(pairs: list[PairData], pools: list[_Pool]) -> FloatArray:
    """Spread of well-supplied pairs around their channel pools, net of sampling noise."""
    deviations, variances = [], []
    for p, pool in zip(pairs, pools, strict=True):
        if p.thin or p.free is None or not pool.channel:
            continue
        deviations.append(p.free.theta - pool.centre)
        variances.append(np.diag(p.free.cov))
    if len(deviations) < 5:
        return TAU_DEFAULT
    d = np.array(deviations)
    spread = 1.4826 * np.median(np.abs(d - np.median(d, axis=0)), axis=0)
    sampling = np.median(np.array(variances), axis=0)
    tau: FloatArray = np.clip(np.sqrt(np.maximum(spread**2 - sampling, 0.0)), TAU_FLOOR, TAU_CAP)
    return tau


def _curve(
    p: PairData,
    pool: _Pool,
    fit: HillFit,
    level_sigma: float,
    scores: tuple[float | None, float | None],
    season: Season,
    metric: Metric,
    settings: str,
) -> ResponseCurve:
    return ResponseCurve(
        channel_id=p.channel_id,
        audience_id=p.audience_id,
        metric=metric,
        alpha=round(fit.alpha, 6),
        half_saturation=round(fit.half, 6),
        shape=round(fit.shape, 6),
        cov=tuple(round(float(v), 10) for v in fit.cov.ravel()),
        level_sigma=round(level_sigma, 4),
        n_days=int(p.spend.size),
        n_rows=p.rows,
        first_date=date.fromordinal(int(p.ordinals[0])),
        last_date=date.fromordinal(int(p.ordinals[-1])),
        total_spend=round(float(p.spend.sum()), 2),
        median_spend=round(float(np.median(p.spend)), 2),
        max_spend=round(float(p.spend.max()), 2),
        min_spend=round(float(p.spend.min()), 2),
        thin=p.thin,
        shrinkage=round(fit.shrinkage, 4),
        r2_holdout=scores[0],
        mape_holdout=scores[1],
        residual_sigma=round(fit.sigma, 4),
        pool=pool.name,
        brand_id=p.brand_id,
        weekday_factors=season.weekday,
        month_factors=season.month,
        data_digest=sha256_hex(f"{p.digest}|{settings}".encode()),
    )


def _holdout(p: PairData, pool: _Pool) -> tuple[float | None, float | None]:
    """R² and MAPE of daily predictions (seasonal) on every fifth day, fitted without them."""
    test = np.arange(p.spend.size) % HOLDOUT_EVERY == HOLDOUT_EVERY - 1
    if test.sum() < 5:
        return None, None
    fit = _fit(p, pool.centre, pool.sd, mask=~test)
    predicted = hill(p.spend[test], fit.alpha, fit.half, fit.shape) * p.factors[test]
    actual = p.y[test]
    total = float(np.sum((actual - actual.mean()) ** 2))
    r2 = 1.0 - float(np.sum((actual - predicted) ** 2)) / total if total > 0 else math.nan
    positive = actual > 0
    errors = np.abs(actual - predicted)[positive] / actual[positive]
    mape = float(np.mean(errors)) if errors.size else math.nan
    return _finite(r2), _finite(mape)


def _finite(value: float) -> float | None:
    return round(value, 4) if math.isfinite(value) else None
