"""Drift of a running plan line away from its response curve: a sequential change detector.

:func:`detect_drift` puts each day of a line on its curve's scale (:mod:`.series`: the
log ratio of actual to expected, with the day noise and the curve's own uncertainty) and
runs a Shiryaev-Roberts procedure (:mod:`._shiryaev`) for a change of the line's level by
one of ``DriftConfig.changes`` (default: to half, or to double) at an unknown day, the
line's level error against the curve integrated out. It alarms when ``log R_t`` reaches
``log(horizon_days / false_alarm_rate)``, which keeps false alarms at or below
``false_alarm_rate`` per ``horizon_days`` observed days (Doob's inequality; it holds for
curves whose intervals are honest, and the benchmark measures it on fitted ones). The
report carries the evidence: the days since the estimated change, the statistic and the
threshold, the ratio of actual to expected, and how many days left the curve's interval.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from statistics import NormalDist
from typing import Any, Literal

import numpy as np

from agents.curves.response_curve import ResponseCurve
from agents.validation._shiryaev import FloatArray, change_log_ratios, shiryaev_roberts
from agents.validation.errors import InvalidDriftConfigError
from agents.validation.series import Observation, StandardDay, missing_days, standardise

METHOD = "shiryaev-roberts-hierarchical-v1"
FLOOR = -30.0  # reported log R_t when no change is old enough to count yet (R_t = 0)
Direction = Literal["down", "up"]


@dataclass(frozen=True)
class DriftConfig:
    """What the detector watches for and how often it may be wrong.

    - ``false_alarm_rate`` per ``horizon_days`` observed days of a line without change;
    - ``changes``: multiplicative level changes watched for, weighted equally (0.5: the
      line falls to half of what it did before; 2.0: it doubles);
    - ``new_line_sd``: how far a new line's own level may sit from its curve (log scale)
      beyond the curve's uncertainty: a fresh campaign's creative and offer effect;
    - ``noise_sd``: how far the line's day noise may sit from the curve's
      ``residual_sigma`` (sd of its log; a curve fitted on a pair's total over several
      campaigns sees less noise than one campaign's line has);
    - ``clip_sd``: a day's log ratio is winsorised at ``clip_sd`` day-noise sds beyond the
      largest change, so one broken day (a tracking outage) weighs like a bad day;
    - ``min_days``: a change must have lasted this many observed days to alarm, so no
      single day, however odd, is a drift on its own.
    """

    false_alarm_rate: float = 0.05
    horizon_days: int = 56
    changes: tuple[float, ...] = (0.5, 2.0)
    new_line_sd: float = 0.15
    noise_sd: float = 0.5
    clip_sd: float = 1.0
    min_days: int = 2

    def __post_init__(self) -> None:
        if not 0.0 < self.false_alarm_rate < 1.0:
            raise InvalidDriftConfigError(
                "false_alarm_rate", f"must be in (0, 1), got {self.false_alarm_rate}"
            )
        if self.min_days < 1:
            raise InvalidDriftConfigError("min_days", f"must be >= 1: {self.min_days}")
        if self.horizon_days < 1:
            raise InvalidDriftConfigError("horizon_days", f"must be >= 1: {self.horizon_days}")
        if not self.changes or any(
            not (math.isfinite(c) and c > 0.0 and c != 1.0) for c in self.changes
        ):
            raise InvalidDriftConfigError(
                "changes", f"must be positive factors other than 1, got {self.changes}"
            )
        for field in ("new_line_sd", "noise_sd", "clip_sd"):
            value = getattr(self, field)
            if not (math.isfinite(value) and value >= 0.0):
                raise InvalidDriftConfigError(field, f"must be a number >= 0, got {value}")

    @classmethod
    def for_plan(cls, lines: int, false_alarm_rate: float = 0.05, **options: Any) -> DriftConfig:
        """A per-line config that keeps a plan of ``lines`` lines at ``false_alarm_rate``
        false alarms in all (Bonferroni: each line gets ``false_alarm_rate / lines``)."""
        if lines < 1:
            raise InvalidDriftConfigError("lines", f"must be >= 1, got {lines}")
        return cls(false_alarm_rate=false_alarm_rate / lines, **options)

    @property
    def threshold(self) -> float:
        """``log(horizon_days / false_alarm_rate)``: the level ``log R_t`` must reach."""
        return math.log(self.horizon_days / self.false_alarm_rate)


@dataclass(frozen=True, slots=True)
class DayTrace:
    """One day of the line as the detector saw it (``skipped`` days: only the reason)."""

    day: date
    spend: float
    actual: float
    expected: float
    low: float  # the day's interval at the curve's confidence (curve + day noise)
    high: float
    log_ratio: float
    statistic: float  # log R_t after this day (floored at FLOOR while R_t = 0)
    outside: bool  # actual outside [low, high]
    skipped: str | None = None


@dataclass(frozen=True)
class DriftFinding:
    """A detected change of a line's level, with the days and numbers behind it."""

    direction: Direction
    detected_on: date
    started_on: date  # the most likely first day of the change
    days: tuple[date, ...]  # observed days from ``started_on`` to ``detected_on``
    ratio: float  # actual / expected over those days, against the line's level before
    expected: float  # what the curve expected over those days
    actual: float
    days_outside: int  # of ``days``, outside the curve's interval
    statistic: float
    threshold: float
    message: str


@dataclass(frozen=True)
class DriftReport:
    """The detector's verdict on one line: its trace, and a finding if it alarmed."""

    channel_id: str
    audience_id: str
    metric: str
    curve_id: str
    threshold: float
    false_alarm_rate: float
    horizon_days: int
    statistic: float  # log R_t on the last observed day (0 without any)
    observed_days: int
    missing: tuple[date, ...]
    skipped: tuple[tuple[date, str], ...]
    trace: tuple[DayTrace, ...]
    finding: DriftFinding | None
    beyond_horizon: bool  # more observed days than the horizon the rate is stated for
    method: str = METHOD

    @property
    def drifted(self) -> bool:
        return self.finding is not None


def detect_drift(
    curve: ResponseCurve, observations: Sequence[Observation], config: DriftConfig | None = None
) -> DriftReport:
    """Run the detector over a line's days so far (pure: the same days, the same report).

    ``observations`` are the line's channel × audience totals per day, in any order; days
    may be missing, and days without spend are skipped.

    Raises:
        InvalidObservationError: a negative or non-finite value, or a date twice.
    """
    cfg = config or DriftConfig()
    days = standardise(curve, observations)
    used = [d for d in days if d.skipped is None]
    trace: list[DayTrace] = []
    finding: DriftFinding | None = None
    last = 0.0
    if used:
        log_r, cube, tau, x = _run(used, cfg)
        last = float(log_r[-1])
        z = NormalDist().inv_cdf(0.5 + curve.confidence / 2.0)
        stats = dict(zip((d.day for d in used), log_r.tolist(), strict=True))
        trace = [_trace(d, stats.get(d.day, 0.0), tau, z) for d in days]
        alarms = np.flatnonzero(log_r >= cfg.threshold)
        if alarms.size:
            finding = _finding(
                curve, used, trace, cube, x, int(alarms[0]), cfg, float(log_r[alarms[0]])
            )
    else:
        trace = [_trace(d, 0.0, 0.0, 0.0) for d in days]
    return DriftReport(
        channel_id=curve.channel_id,
        audience_id=curve.audience_id,
        metric=curve.metric,
        curve_id=curve.id,
        threshold=cfg.threshold,
        false_alarm_rate=cfg.false_alarm_rate,
        horizon_days=cfg.horizon_days,
        statistic=last,
        observed_days=len(used),
        missing=tuple(missing_days(observations)),
        skipped=tuple((d.day, d.skipped) for d in days if d.skipped is not None),
        trace=tuple(trace),
        finding=finding,
        beyond_horizon=len(used) > cfg.horizon_days,
    )


def _run(
    used: list[StandardDay], cfg: DriftConfig
) -> tuple[FloatArray, FloatArray, float, FloatArray]:
    deltas = np.log(np.asarray(cfg.changes, dtype=np.float64))
    log_weights = np.full(deltas.size, -math.log(deltas.size))
    tau = math.sqrt(used[0].sd_curve ** 2 + cfg.new_line_sd**2)
    tau = max(tau, 1e-3)  # a curve claiming no uncertainty at all still gets a sliver
    x = np.array([d.log_ratio for d in used])
    s = np.array([d.sd_day for d in used])
    lo = min(float(deltas.min()), 0.0) - cfg.clip_sd * s
    hi = max(float(deltas.max()), 0.0) + cfg.clip_sd * s
    clipped = np.clip(x, lo, hi)
    cube = change_log_ratios(clipped, s, tau, cfg.noise_sd, deltas, cfg.min_days)
    log_r = np.maximum(shiryaev_roberts(cube, log_weights), FLOOR)
    return log_r, cube, tau, clipped


def _trace(d: StandardDay, statistic: float, tau: float, z: float) -> DayTrace:
    if d.skipped is not None:
        return DayTrace(d.day, d.spend, d.actual, 0.0, 0.0, 0.0, 0.0, statistic, False, d.skipped)
    spread = z * math.sqrt(d.sd_day**2 + tau**2)
    centre = d.expected * math.exp(-0.5 * d.sd_day**2)
    low, high = centre * math.exp(-spread), centre * math.exp(spread)
    outside = not low <= d.actual <= high
    return DayTrace(
        d.day, d.spend, d.actual, d.expected, low, high, d.log_ratio, statistic, outside
    )


def _finding(
    curve: ResponseCurve,
    used: list[StandardDay],
    trace: list[DayTrace],
    cube: FloatArray,
    x: FloatArray,
    t: int,
    cfg: DriftConfig,
    statistic: float,
) -> DriftFinding:
    change, kappa = np.unravel_index(int(np.argmax(cube[:, t, : t + 1])), (cube.shape[0], t + 1))
    direction: Direction = "down" if cfg.changes[int(change)] < 1.0 else "up"
    window = used[int(kappa) : t + 1]
    before = x[: int(kappa)]
    level = float(before.mean()) if before.size else 0.0
    ratio = math.exp(float(x[int(kappa) : t + 1].mean()) - level)
    days = tuple(d.day for d in window)
    in_window = set(days)
    outside = sum(1 for tr in trace if tr.day in in_window and tr.outside)
    expected = sum(d.expected for d in window)
    actual = sum(d.actual for d in window)
    rate = cfg.false_alarm_rate
    message = (
        f"{curve.metric} of {curve.channel_id} × {curve.audience_id} "
        f"{'fell' if direction == 'down' else 'rose'} to {ratio:.0%} of its level from "
        f"{days[0].isoformat()} ({len(days)} days, {outside} outside the curve's "
        f"{curve.confidence:.0%} interval): log R {statistic:.2f} ≥ {cfg.threshold:.2f} = "
        f"log({cfg.horizon_days} / {rate:g}), false alarms ≤ {rate:.0%} per "
        f"{cfg.horizon_days} observed days"
    )
    return DriftFinding(
        direction=direction,
        detected_on=used[t].day,
        started_on=days[0],
        days=days,
        ratio=ratio,
        expected=expected,
        actual=actual,
        days_outside=outside,
        statistic=statistic,
        threshold=cfg.threshold,
        message=message,
    )
