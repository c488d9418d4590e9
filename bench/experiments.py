"""``python -m bench experiments``: error rates and sample sizes of the A/B/n stopping rule.

Every run draws Bernoulli outcomes (``--step`` trials per variant between looks, up to
``--looks`` looks) and asks :class:`SequentialTest` for a decision at every look, stopping
at the first ``winner`` or ``no_difference``. Under equal rates, any winner is a false
positive; the same draws also score "highest click rate wins" at the first look and a
fixed-sample z-test repeated at every look (same Bonferroni level), which is why the rule
exists. With one variant lifted, the figures are the share of runs that pick it, pick
another, and the mean trials per variant at the stop. Writes
``bench/results/experiments.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from agents.experiments import SimulationSummary, TestConfig, simulate
from bench.common import Progress, machine

RESULTS = Path(__file__).resolve().parent / "results" / "experiments.json"


def _null_row(k: int, rate: float, s: SimulationSummary, config: TestConfig) -> dict[str, Any]:
    return {
        "variants": k,
        "rate": rate,
        "runs": s.runs,
        "alpha": config.alpha,
        "false_positive_rate": s.winner_rate(),
        "highest_rate_wins_first_look": sum(s.highest_rate_wins.values()) / s.runs,
        "peeking_z_test": s.peeking_winners / s.runs,
    }


def _power_row(lift: float, s: SimulationSummary) -> dict[str, Any]:
    right = s.winner_rate("v1")
    return {
        "lift": lift,
        "runs": s.runs,
        "right_winner": right,
        "wrong_winner": s.winner_rate() - right,
        "no_difference": s.outcomes.get("no_difference", 0) / s.runs,
        "mean_trials_per_variant": s.mean_trials,
    }


def run(runs: int, step: int, looks: int, seed: int, progress: Progress) -> dict[str, Any]:
    config = TestConfig(alpha=0.05, max_trials=step * looks)
    null = []
    for k in (2, 3, 4):
        for rate in (0.01, 0.03):
            s = simulate(
                config, [rate] * k, trials_per_look=step, looks=looks, runs=runs, seed=seed + k
            )
            null.append(_null_row(k, rate, s, config))
            progress.say(f"experiments: null k={k} rate={rate}: {s.winner_rate():.4f}")
    power = []
    for lift in (0.1, 0.2, 0.3):
        rates = [0.02, 0.02 * (1 + lift), 0.02]
        s = simulate(config, rates, trials_per_look=step, looks=looks, runs=runs // 2, seed=seed)
        power.append(_power_row(lift, s))
        progress.say(f"experiments: lift {lift:.0%}: right winner {s.winner_rate('v1'):.3f}")
    return {"config": asdict(config), "step": step, "looks": looks, "null": null, "power": power}


def render(result: dict[str, Any]) -> str:
    lines = [
        f"A/B/n stopping rule (mSPRT, alpha 0.05, Bonferroni; a look every {result['step']:,} "
        f"trials per variant, horizon {result['step'] * result['looks']:,})",
        f"{'variants':>8} {'rate':>6} {'runs':>6} {'false +':>8} "
        f"{'highest wins':>13} {'peeking z':>10}",
    ]
    for r in result["null"]:
        lines.append(
            f"{r['variants']:>8} {r['rate']:>6.2%} {r['runs']:>6} "
            f"{r['false_positive_rate']:>8.4f} {r['highest_rate_wins_first_look']:>13.3f} "
            f"{r['peeking_z_test']:>10.3f}"
        )
    lines.append(
        f"{'lift':>8} {'runs':>6} {'right':>7} {'wrong':>7} {'no diff':>8} {'trials/var':>11}"
    )
    for r in result["power"]:
        lines.append(
            f"{r['lift']:>8.0%} {r['runs']:>6} {r['right_winner']:>7.3f} "
            f"{r['wrong_winner']:>7.3f} {r['no_difference']:>8.3f} "
            f"{r['mean_trials_per_variant']:>11,.0f}"
        )
    lines.append("(3 variants, base rate 2.00%, one variant lifted)")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench experiments", description=__doc__)
    parser.add_argument("--runs", type=int, default=2_000, help="runs per null setting")
    parser.add_argument("--step", type=int, default=1_000, help="trials per variant per look")
    parser.add_argument("--looks", type=int, default=50, help="looks before the horizon")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="a tiny run to check it works")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    runs, looks = (40, 10) if args.quick else (args.runs, args.looks)
    progress = Progress()
    started = time.perf_counter()
    result = run(runs, args.step, looks, args.seed, progress)
    result["seconds"] = time.perf_counter() - started
    print(render(result))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    payload = {"machine": asdict(machine()), **result}
    args.output.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    progress.say(f"figures written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
