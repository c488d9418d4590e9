"""``python -m bench drift``: false-alarm rate and detection delay of the drift detector.

Two settings, each with lines of 56 days (8 weeks), halving at day 28 for the delays:

- **model**: curves with known parameters (:func:`known_curve`), lines drawn exactly as
  the detector's model says (a level error of the stated size, log-normal day noise);
- **fitted**: the demo generator's markets (one per seed). Curves are fitted on the
  year of outcomes with the planner (``fit_curves``); each non-thin pair then runs new
  lines from the *true* curve and seasonality (spend around the pair's median, a fresh
  campaign effect, the pair's true day noise). Misfit curves, noise the curve
  underestimates and estimated seasonality all count against the detector here.

A false alarm is an alarm on a line without change (per line and 8 weeks), or before the
change on a changed line. The delay is counted in days from the change (1 = alarmed on
the first changed day); a line still silent at day 56 is a miss. Per plan: 8 lines of one
market under ``DriftConfig.for_plan(8)`` (each line at 5 % / 8), a false alarm when any
of them alarms. Writes ``bench/results/drift.json``.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from agents.curves import DailyPoint, ResponseCurve, fit_curves
from agents.validation import DriftConfig, Observation, detect_drift
from agents.validation.synthetic import START, known_curve, simulate_line
from bench.common import Progress, machine
from demo import DemoDataset, generate
from demo.tables import DATES

RESULTS = Path(__file__).resolve().parent / "results" / "drift.json"
DAYS, CHANGE_DAY, PLAN_LINES = 56, 28, 8
LINE = DriftConfig()
PLAN = DriftConfig.for_plan(PLAN_LINES)


@dataclass
class Figures:
    """False alarms and delays of one setting."""

    setting: str
    null_lines: int = 0
    null_alarms: int = 0
    plans: int = 0
    plan_alarms: int = 0
    changed_lines: int = 0
    early_alarms: int = 0
    delays: list[int] = field(default_factory=list)  # detected lines only
    plan_delays: list[int] = field(default_factory=list)  # at the per-plan threshold
    misses: int = 0

    def summary(self) -> dict[str, Any]:
        def spread(values: list[int]) -> dict[str, float]:
            if not values:
                return {}
            v = np.asarray(values)
            return {
                "median": float(np.median(v)),
                "p90": float(np.percentile(v, 90)),
                "max": float(v.max()),
                "within_7_days": float(np.mean(v <= 7)),
            }

        return {
            "setting": self.setting,
            "false_alarm_rate_per_line": _share(self.null_alarms, self.null_lines),
            "null_lines": self.null_lines,
            "false_alarm_rate_per_plan_of_8": _share(self.plan_alarms, self.plans),
            "plans": self.plans,
            "changed_lines": self.changed_lines,
            "alarms_before_the_change": _share(self.early_alarms, self.changed_lines),
            "missed_by_day_56": _share(self.misses, self.changed_lines),
            "delay_days": spread(self.delays),
            "delay_days_at_plan_threshold": spread(self.plan_delays),
        }


def _share(part: int, whole: int) -> float:
    return part / whole if whole else math.nan


def _first_crossing(statistics: list[float], threshold: float) -> int | None:
    return next((i for i, s in enumerate(statistics) if s >= threshold), None)


def _score_null(fig: Figures, curve: ResponseCurve, obs: list[Observation]) -> bool:
    """One line without change; whether it alarmed at the per-plan threshold."""
    stats = [t.statistic for t in detect_drift(curve, obs, LINE).trace if t.skipped is None]
    fig.null_lines += 1
    fig.null_alarms += _first_crossing(stats, LINE.threshold) is not None
    return _first_crossing(stats, PLAN.threshold) is not None


def _score_change(fig: Figures, curve: ResponseCurve, obs: list[Observation]) -> None:
    stats = [t.statistic for t in detect_drift(curve, obs, LINE).trace if t.skipped is None]
    fig.changed_lines += 1
    for threshold, delays in ((LINE.threshold, fig.delays), (PLAN.threshold, fig.plan_delays)):
        hit = _first_crossing(stats, threshold)
        if hit is None:
            fig.misses += threshold == LINE.threshold
        elif hit < CHANGE_DAY:
            fig.early_alarms += threshold == LINE.threshold
        else:
            delays.append(hit - CHANGE_DAY + 1)


def _plans(fig: Figures, flags: list[bool]) -> None:
    """Group consecutive null lines into plans of 8: a plan alarms if any line does."""
    for start in range(0, len(flags) - PLAN_LINES + 1, PLAN_LINES):
        fig.plans += 1
        fig.plan_alarms += any(flags[start : start + PLAN_LINES])


def run_model(runs: int, seed: int, progress: Progress) -> list[Figures]:
    """Known curves: day noise 0.2 / 0.3 / 0.5, curve uncertainty 0.1 (log scale)."""
    out = []
    for sigma in (0.2, 0.3, 0.5):
        rng = np.random.default_rng([seed, int(sigma * 100)])
        curve = known_curve(residual_sigma=sigma, level_sigma=0.1)
        tau = math.hypot(0.1, LINE.new_line_sd)
        fig = Figures(f"model, day noise {sigma}")
        flags = []
        for _ in range(runs):
            obs = simulate_line(curve, rng, level=math.exp(rng.normal(0.0, tau)))
            flags.append(_score_null(fig, curve, obs))
            level = math.exp(rng.normal(0.0, tau))
            obs = simulate_line(curve, rng, level=level, change=0.5, change_day=CHANGE_DAY)
            _score_change(fig, curve, obs)
        _plans(fig, flags)
        progress.say(f"drift: {fig.setting}: {fig.summary()['false_alarm_rate_per_line']:.3f}")
        out.append(fig)
    return out


def demo_points(data: DemoDataset) -> list[DailyPoint]:
    """One point per outcome row (campaign × pair × day) of a demo data set."""
    t = data.table
    brand_of = {a["id"]: a["brand_id"] for a in data.audiences}
    days = [date.fromisoformat(d) for d in DATES]
    return [
        DailyPoint(
            t.channel_ids[ch],
            t.audience_ids[au],
            days[d],
            sp,
            rv,
            float(cv),
            brand_of[t.audience_ids[au]],
            campaign_id=t.campaign_ids[cm],
        )
        for d, cm, ch, au, sp, rv, cv in zip(
            t.day.tolist(),
            t.campaign.tolist(),
            t.channel.tolist(),
            t.audience.tolist(),
            t.spend.tolist(),
            t.revenue.tolist(),
            t.conversions.tolist(),
            strict=True,
        )
    ]


def _true_line(
    data: DemoDataset, curve: ResponseCurve, rng: np.random.Generator, change: float
) -> list[Observation]:
    """A new line of the pair drawn from the truth, 2026-03-02 onwards (inside the year)."""
    truth = data.truth[curve.pair]
    effect_sd, noise_sd = truth["campaign_sigma"], truth["noise_sigma"]
    effect = math.exp(rng.normal(-0.5 * effect_sd**2, effect_sd))
    out = []
    for i in range(DAYS):
        day = START + timedelta(days=i)
        spend = curve.median_spend * float(rng.uniform(0.8, 1.2))
        mean = data.expected_revenue(*curve.pair, spend, on=day.isoformat()) * effect
        mean *= change if i >= CHANGE_DAY else 1.0
        actual = mean * math.exp(rng.normal(-0.5 * noise_sd**2, noise_sd))
        out.append(Observation(day, round(spend, 2), round(actual, 2)))
    return out


def run_fitted(seeds: Sequence[int], runs: int, progress: Progress, quick: bool = False) -> Figures:
    """Fitted curves of demo markets; ``runs`` null and changed lines per pair."""
    fig = Figures(f"fitted, demo markets {', '.join(map(str, seeds))}")
    for seed in seeds:
        data = generate(seed=seed, outcome_rows=4_000 if quick else None)
        curves = [c for c in fit_curves(demo_points(data)) if not c.thin]
        progress.say(f"drift: market {seed}: {len(curves)} fitted pairs")
        rng = np.random.default_rng(seed)
        for _ in range(runs):
            order = rng.permutation(len(curves)).tolist()  # plans of 8 different pairs
            flags = []
            for i in order:
                flags.append(_score_null(fig, curves[i], _true_line(data, curves[i], rng, 1.0)))
                _score_change(fig, curves[i], _true_line(data, curves[i], rng, 0.5))
            _plans(fig, flags)
    return fig


def render(figures: list[Figures], seconds: float) -> str:
    lines = [
        "Drift detector (Shiryaev-Roberts, threshold log(56 / 0.05) per line; "
        f"per plan of {PLAN_LINES}: log(56 / {PLAN.false_alarm_rate:g}))",
        f"{'setting':<34} {'FA/line':>8} {'FA/plan':>8} {'early':>6} {'miss':>6} "
        f"{'delay p50':>9} {'p90':>5} {'≤7 d':>6} {'plan p50':>8} {'≤7 d':>6}",
    ]
    for fig in figures:
        s = fig.summary()
        d, p = s["delay_days"], s["delay_days_at_plan_threshold"]
        lines.append(
            f"{fig.setting:<34} {s['false_alarm_rate_per_line']:>8.3f} "
            f"{s['false_alarm_rate_per_plan_of_8']:>8.3f} {s['alarms_before_the_change']:>6.3f} "
            f"{s['missed_by_day_56']:>6.3f} {d.get('median', math.nan):>9.1f} "
            f"{d.get('p90', math.nan):>5.1f} {d.get('within_7_days', math.nan):>6.2f} "
            f"{p.get('median', math.nan):>8.1f} {p.get('within_7_days', math.nan):>6.2f}"
        )
    lines.append(f"({seconds:.0f} s; lines of {DAYS} days, halving at day {CHANGE_DAY})")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench drift", description=__doc__)
    parser.add_argument("--runs", type=int, default=800, help="null lines per model setting")
    parser.add_argument("--fitted-runs", type=int, default=12, help="lines per fitted pair")
    parser.add_argument("--seeds", default="7,8", help="demo markets (comma-separated seeds)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the model setting")
    parser.add_argument("--quick", action="store_true", help="a tiny run to check it works")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    seeds = [int(s) for s in str(args.seeds).split(",") if s.strip()]
    runs, fitted_runs = args.runs, args.fitted_runs
    if args.quick:
        runs, fitted_runs, seeds = 16, 1, seeds[:1]
    progress = Progress()
    started = time.perf_counter()
    figures = run_model(runs, args.seed, progress)
    figures.append(run_fitted(seeds, fitted_runs, progress, quick=args.quick))
    seconds = time.perf_counter() - started
    print(render(figures, seconds))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "machine": asdict(machine()),
        "settings": {
            "runs": runs,
            "fitted_runs": fitted_runs,
            "seeds": seeds,
            "config": asdict(LINE),
            "plan_lines": PLAN_LINES,
        },
        "figures": [f.summary() for f in figures],
        "seconds": seconds,
    }
    args.output.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    progress.say(f"figures written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
