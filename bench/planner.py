"""``python -m bench planner``: how good the planner's allocations are, and how fast it plans.

Quality: on generated markets (the demo generator, several seeds × its three brands) the
planner fits curves from a year of outcomes and allocates a month's budget (last year's
average daily spend × 30). Every split is then valued on the generator's TRUE curves and
divided by the true optimum (a dynamic programme over a 2,000-step budget grid): the
planner (with its 5 % exploration share), an equal split over the pairs, and a split in
proportion to each pair's ROAS over the last 30 days of history.

Latency: the allocator on a synthetic market of 10 channels × 20 audiences, and a whole
``make_plan`` (brief rules, curves from the cache, allocation, rationale, the decision
written) on the demo graph in the embedded store; the first, cold plan (curves fitted) is
reported apart.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from agents.curves import DailyPoint, ResponseCurve, fit_curves
from agents.planner import allocate
from agents.planner.cache import CurveCache
from agents.planner.models import PlanRequest
from agents.planner.plan import make_plan
from bench.common import Machine, Progress, machine
from bench.markets import demo_points, grid_optimum, make_curve, true_curves, true_value
from demo import generate

RESULTS = Path(__file__).resolve().parent / "results" / "planner.json"
DAYS = 30


@dataclass
class MarketScore:
    seed: int
    brand: str
    pairs: int
    budget: float
    planner: float  # true value / true optimum
    equal_split: float
    roas_proportional: float


@dataclass
class PlannerReport:
    machine: Machine
    markets: list[MarketScore] = field(default_factory=list)
    allocator_ms: dict[str, float] = field(default_factory=dict)
    plan_ms: dict[str, float] = field(default_factory=dict)
    cold_plan_ms: float = 0.0


def score_market(seed: int, progress: Progress) -> list[MarketScore]:
    dataset = generate(seed=seed)
    points = demo_points(dataset)
    last_day = max(p.date for p in points)
    scores = []
    for brand in sorted({p.brand_id for p in points if p.brand_id}):
        own = [p for p in points if p.brand_id == brand]
        curves = fit_curves(own)
        budget = round(sum(c.total_spend for c in curves) / 365 * DAYS, 2)
        optimum = grid_optimum(true_curves(dataset, curves), budget, DAYS, steps=2000)
        ours = allocate(curves, budget, DAYS)
        planner = true_value(
            dataset, {(ln.channel_id, ln.audience_id): float(ln.budget) for ln in ours.lines}, DAYS
        )
        equal = true_value(dataset, {c.pair: budget / len(curves) for c in curves}, DAYS)
        recent = _recent_roas(own, last_day - timedelta(days=DAYS - 1))
        weights = {c.pair: recent.get(c.pair, 0.0) for c in curves}
        total = sum(weights.values()) or 1.0
        proportional = true_value(
            dataset, {p: budget * w / total for p, w in weights.items()}, DAYS
        )
        scores.append(
            MarketScore(
                seed=seed,
                brand=brand,
                pairs=len(curves),
                budget=budget,
                planner=planner / optimum,
                equal_split=equal / optimum,
                roas_proportional=proportional / optimum,
            )
        )
        progress.say(f"seed {seed} {brand}: planner {planner / optimum:.3f} of the optimum")
    return scores


def _recent_roas(points: Sequence[DailyPoint], since: date) -> dict[tuple[str, str], float]:
    spend: dict[tuple[str, str], float] = {}
    revenue: dict[tuple[str, str], float] = {}
    for p in points:
        pair = (p.channel_id, p.audience_id)
        if p.date >= since:
            spend[pair] = spend.get(pair, 0.0) + p.spend
            revenue[pair] = revenue.get(pair, 0.0) + p.revenue
    return {pair: revenue[pair] / s for pair, s in spend.items() if s > 0}


def synthetic_curves(channels: int, audiences: int, seed: int = 3) -> list[ResponseCurve]:
    """A market of ``channels`` × ``audiences`` pairs with varied Hill curves."""
    rng = np.random.default_rng(seed)
    return [
        make_curve(
            f"ch-{c:02d}",
            f"aud-{a:02d}",
            alpha=float(rng.uniform(500, 5000)),
            half=float(rng.uniform(50, 800)),
            shape=float(rng.uniform(0.6, 1.3)),
        )
        for c in range(channels)
        for a in range(audiences)
    ]


def time_allocator(curves: list[ResponseCurve], runs: int) -> dict[str, float]:
    budget = sum(c.half_saturation for c in curves) * DAYS
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        allocate(curves, budget, DAYS)
        times.append((time.perf_counter() - started) * 1000)
    return _percentiles(times)


def time_plans(runs: int, progress: Progress) -> tuple[float, dict[str, float]]:
    """Cold (curves fitted) and warm ``make_plan`` times on the demo graph, embedded."""
    import migrations
    from demo import dataset_parts
    from graph.embedded import EmbeddedGraphStore
    from ingest import ingest

    with tempfile.TemporaryDirectory() as tmp:
        store = EmbeddedGraphStore(Path(tmp) / "graph.sqlite")
        try:
            migrations.apply_pending(store)
            progress.say("loading the demo data set into an embedded store")
            ingest(store, dataset_parts(generate(seed=7)))
            request = PlanRequest.model_validate(
                {
                    "brand_id": "brand-trailhead",
                    "budget": 60_000,
                    "start_date": "2026-07-01",
                    "end_date": "2026-07-30",
                    "brief": "Summer revenue push; no TikTok; at least $3k on email.",
                }
            )
            cache = CurveCache()
            started = time.perf_counter()
            make_plan(store, request, cache=cache)
            cold = (time.perf_counter() - started) * 1000
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                make_plan(store, request, cache=cache)
                times.append((time.perf_counter() - started) * 1000)
        finally:
            store.close()
    return cold, _percentiles(times)


def _percentiles(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    return {
        "p50": round(statistics.median(ordered), 2),
        "p95": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 2),
        "runs": float(len(ordered)),
    }


def render(report: PlannerReport) -> str:
    lines = [*report.machine.describe(), ""]
    lines += ["Planner quality: true value / true optimum (30 days, last year's daily spend)", ""]
    lines.append(
        f"{'seed':>5} {'brand':<18} {'pairs':>5} {'planner':>8} {'equal':>7} {'ROAS-prop':>9}"
    )
    for m in report.markets:
        lines.append(
            f"{m.seed:>5} {m.brand:<18} {m.pairs:>5} {m.planner:>8.3f} "
            f"{m.equal_split:>7.3f} {m.roas_proportional:>9.3f}"
        )
    for name in ("planner", "equal_split", "roas_proportional"):
        values = [getattr(m, name) for m in report.markets]
        lines.append(f"{name:>24}: mean {statistics.mean(values):.3f}, min {min(values):.3f}")
    a, p = report.allocator_ms, report.plan_ms
    lines += [
        "",
        f"allocator, 10 channels × 20 audiences: p50 {a['p50']:.1f} ms, p95 {a['p95']:.1f} ms",
        f"make_plan on the demo graph (embedded, no LLM, cached curves): p50 {p['p50']:.1f} ms, "
        f"p95 {p['p95']:.1f} ms; first plan with fitting {report.cold_plan_ms:.0f} ms",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench planner", description=__doc__)
    parser.add_argument("--seeds", default="7,11,23", help="generator seeds (comma-separated)")
    parser.add_argument("--runs", type=int, default=30, help="timed runs of each latency")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    progress = Progress()
    report = PlannerReport(machine=machine())
    for seed in (int(s) for s in args.seeds.split(",") if s.strip()):
        report.markets.extend(score_market(seed, progress))
    report.allocator_ms = time_allocator(synthetic_curves(10, 20), args.runs)
    report.cold_plan_ms, report.plan_ms = time_plans(max(3, args.runs // 3), progress)
    print(render(report))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(asdict(report), indent=2), encoding="utf-8")
    progress.say(f"figures written to {args.output}")
    return 0
