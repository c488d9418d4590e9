"""``python -m bench shock``: does the loop recover when a market changes overnight?

The closed loop of :mod:`bench.loop` (the real service loop on a demo brand's sandbox
market), shorter and with a sharper change: the channel with the largest budget in cycle
1 returns half of what it did from the **first day of cycle 2**, for good. Cycle 2 is
planned before anyone could know; cycle 3 is planned on curves refitted after one cycle
(14 days) of the changed market, and must reach at least ``GOAL`` of the changed market's
optimum (the allocator on the true, shocked curves, under the same minimum line as the
plans; the figure without it is printed too). Several seeds per brand; each market
is also run steady, so the cost of the change detection on unchanged markets shows
beside it. Writes ``bench/results/shock.json``.
"""

from __future__ import annotations

import argparse
import json
import statistics
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from bench.common import Progress, machine
from bench.loop import LoopReport, MarketRun, run_market

RESULTS = Path(__file__).resolve().parent / "results" / "shock.json"
CYCLES = 3
SHOCK_CYCLE = 2
GOAL = 0.95


def render(report: LoopReport) -> str:
    lines = [
        *report.machine.describe(),
        "",
        f"Shock: {CYCLES} cycles; the cycle-1 top channel halves on the first day of cycle "
        f"{SHOCK_CYCLE}; cycle {SHOCK_CYCLE + 1} is planned after one changed cycle",
        "",
        f"{'seed':>5} {'brand':<18} {'market':<8} "
        + " ".join(f"{'cycle ' + str(c):>8}" for c in range(1, CYCLES + 1))
        + f" {'alerts':>7}",
    ]
    for r in report.runs:
        cells = " ".join(f"{v:>8.3f}" for v in r.cycle_vs_optimum)
        lines.append(
            f"{r.seed:>5} {r.brand:<18} {'changed' if r.changed else 'steady':<8} {cells} "
            f"{r.alert_cycles:>7}"
        )
    changed = [r.after_change for r in report.runs if r.changed and r.after_change is not None]
    steady = [r for r in report.runs if not r.changed]
    if changed:
        lines.append(
            f"\ncycle {SHOCK_CYCLE + 1} vs the changed optimum: "
            f"mean {statistics.mean(changed):.3f}, min {min(changed):.3f} (goal >= {GOAL}); "
            f"{sum(v >= GOAL for v in changed)}/{len(changed)} markets reach it "
            "(the optimum under the plans' minimum line)"
        )
        free = [
            r.after_change_unconstrained
            for r in report.runs
            if r.changed and r.after_change_unconstrained is not None
        ]
        if free:
            lines.append(
                f"the same without a minimum line: mean {statistics.mean(free):.3f}, "
                f"min {min(free):.3f}"
            )
    if steady:
        values = [v for r in steady for v in r.cycle_vs_optimum]
        lines.append(
            f"steady markets, every cycle: mean {statistics.mean(values):.3f}, "
            f"min {min(values):.3f}"
        )
    return "\n".join(lines)


def run(seeds: Sequence[int], brands: Sequence[str], steady: bool) -> LoopReport:
    progress = Progress()
    report = LoopReport(machine=machine())
    for seed in seeds:
        for brand in brands:
            for changed in (False, True) if steady else (True,):
                run_ = run_market(
                    seed,
                    brand,
                    changed,
                    progress,
                    cycles=CYCLES,
                    shock_cycle=SHOCK_CYCLE,
                    shock_day=0,
                )
                report.runs.append(run_)
    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench shock", description=__doc__)
    parser.add_argument("--seeds", default="7,11,13", help="generator seeds (comma-separated)")
    parser.add_argument("--brands", default="brand-trailhead,brand-emberoak")
    parser.add_argument(
        "--no-steady", action="store_true", help="run the changed markets only (faster)"
    )
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    brands = [b.strip() for b in args.brands.split(",") if b.strip()]
    report = run(seeds, brands, steady=not args.no_steady)
    print(render(report))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(asdict(report), indent=2, default=str), encoding="utf-8")
    Progress().say(f"figures written to {args.output}")
    return 0


__all__ = ["MarketRun", "main", "render", "run"]
