"""``python -m bench loop``: the closed loop over 8 cycles on generated markets.

Each market is a demo brand's sandbox (the generator's true curves) after a year of demo
history, in an embedded store. Eight cycles of 14 days run through the real service loop
(:func:`demo.loop.run_cycle`: plan, approve, execute with the agents, outcomes
through ingest, validation, re-plans approved and executed). In the *changed* markets the
channel with the largest budget in cycle 1 falls to half of its curve halfway through
cycle 4.

Figures, all on the TRUE curves (average day, the shock applied on its days):

- **vs optimum**: the true expected revenue of the daily budgets the loop set (each plan
  version over its own days, re-plans included), over the true optimum for the same budget
  each cycle (the allocator on the true curves, the shock averaged over the cycle's days,
  exploration off) under the minimum line the cycle's plan kept (every plan keeps one, by
  default the larger of 1 % of the budget and 10 a day; on Ember & Oak's small budgets it
  is 4 % of the budget and costs the optimum itself 4 %); all on an average day, without
  the sandbox's pacing noise;
- **vs unconstrained**: the same over the optimum without the minimum line (the figure
  this benchmark reported before it took the minimum line into account);
- **vs static**: the same for the first cycle's plan kept unchanged for all eight cycles;
- **next cycle**: in the changed markets, the first cycle planned with changed days in the
  data, against its own optimum (how fast the curves follow the change);
- **detection**: cycles from the change to the first drift alert on the changed channel;
- **false alarms**: in the unchanged markets, the share of cycles whose plan raised any alert.
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
from decimal import Decimal
from pathlib import Path

import numpy as np

from agents.channels.router import ChannelRouter
from agents.curves import ResponseCurve
from agents.orchestrator import Orchestrator
from agents.planner import allocate
from agents.planner.storage import load_plan
from agents.tasks import task_agents
from agents.validation.agent import ValidationAgent
from bench.common import Machine, Progress, machine
from bench.markets import make_curve
from demo import hill
from demo.loop import run_cycle
from demo.sandbox import SandboxMarket
from graph.base import GraphStore
from graph.models import OutcomeQuery
from graph.schema import Label

RESULTS = Path(__file__).resolve().parent / "results" / "loop.json"
CYCLES = 8
DAYS = 14
SHOCK_CYCLE = 4  # the change comes halfway through this cycle (1-based)


@dataclass
class MarketRun:
    seed: int
    brand: str
    changed: bool
    shocked_channel: str | None
    vs_optimum: float
    vs_static: float
    static_vs_optimum: float
    detection_cycles: float | None  # None: not detected (or no change)
    alert_cycles: int  # cycles whose plans raised an alert
    false_alarm_cycles: int  # alerts on channels that did not change
    seconds: float
    cycle_vs_optimum: list[float] = field(default_factory=list)  # each cycle on its own
    after_change: float | None = None  # vs optimum in the first cycle planned after it
    # The same against the optimum without the plans' minimum line.
    vs_unconstrained: float | None = None
    cycle_vs_unconstrained: list[float] = field(default_factory=list)
    after_change_unconstrained: float | None = None


@dataclass
class LoopReport:
    machine: Machine
    runs: list[MarketRun] = field(default_factory=list)


def run_market(
    seed: int,
    brand: str,
    changed: bool,
    progress: Progress,
    *,
    cycles: int = CYCLES,
    shock_cycle: int = SHOCK_CYCLE,
    shock_day: int = DAYS // 2,
) -> MarketRun:
    """One market through ``cycles`` cycles; when ``changed``, the cycle-1 top channel's
    curve halves on day ``shock_day`` (0-based) of cycle ``shock_cycle``."""
    import migrations
    from demo import dataset_parts, generate
    from graph.embedded import EmbeddedGraphStore
    from ingest import ingest

    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        store = EmbeddedGraphStore(Path(tmp) / "graph.sqlite")
        try:
            migrations.apply_pending(store)
            ingest(store, dataset_parts(generate(seed=seed)))
            market = SandboxMarket.from_demo(store, seed=seed, brand_id=brand)
            router = ChannelRouter(store, {brand: market})
            orch = Orchestrator(store, agents=task_agents(router))
            router.now = lambda: orch.clock.now()  # executions stamped on the loop's days
            orch.bus.subscribe(
                "outcomes_ingested", ValidationAgent(store, router, orch.propose_replan).handle
            )
            start = date(2026, 12, 1)
            budget = _budget(store, brand, start)
            shocked: str | None = None
            shock_date: date | None = None
            alerts: list[tuple[int, str, date]] = []
            static_budgets: dict[tuple[str, str], float] = {}
            executed: list[list[str]] = []
            for cycle in range(1, cycles + 1):
                c_start = start + timedelta(days=(cycle - 1) * DAYS)
                if changed and cycle == shock_cycle and shocked is not None:
                    shock_date = c_start + timedelta(days=shock_day)
                    market.shock(shocked, 0.5, from_date=shock_date)
                report = run_cycle(
                    orch, market, cycle=cycle, start=c_start, days=DAYS, budget=budget
                )
                plan = load_plan(store, report.plan_ids[0])
                executed.append(report.plan_ids)
                if cycle == 1:
                    by_channel: dict[str, Decimal] = {}
                    for ln in plan.lines:
                        by_channel[ln.channel_id] = (
                            by_channel.get(ln.channel_id, Decimal(0)) + ln.budget
                        )
                        static_budgets[(ln.channel_id, ln.audience_id)] = float(ln.budget) / DAYS
                    shocked = max(by_channel, key=lambda ch: by_channel[ch])
                for plan_id in report.plan_ids:
                    for a in store.find_nodes(Label.ALERT, {"plan_id": plan_id}, limit=100):
                        alerts.append(
                            (
                                cycle,
                                str(a.properties.get("channel_id")),
                                date.fromisoformat(str(a.properties["detected_on"])),
                            )
                        )
                progress.say(
                    f"seed {seed} {brand} {'changed' if changed else 'steady'}: "
                    f"cycle {cycle} ROAS {report.roas:.2f}, {len(report.alerts)} alerts"
                )
            per_cycle = _values(store, market, start, budget, static_budgets, executed)
        finally:
            store.close()
    ours, optimum, static, free = (sum(v[i] for v in per_cycle) for i in range(4))
    detection = None
    after_change = after_free = None
    if changed and shock_date is not None:
        hits = [d for _, ch, d in alerts if ch == shocked and d >= shock_date]
        if hits:
            detection = round((min(hits) - shock_date).days / DAYS, 3)
        # The next cycle (0-based index ``shock_cycle``) is the first planned on changed days.
        if shock_cycle < len(per_cycle):
            ours_next, optimum_next, _, free_next = per_cycle[shock_cycle]
            after_change = round(ours_next / optimum_next, 4)
            after_free = round(ours_next / free_next, 4)
    false_alarms = len(
        {
            c
            for c, ch, d in alerts
            if not changed or ch != shocked or (shock_date and d < shock_date)
        }
    )
    return MarketRun(
        seed=seed,
        brand=brand,
        changed=changed,
        shocked_channel=shocked if changed else None,
        vs_optimum=round(ours / optimum, 4),
        vs_static=round(ours / static, 4),
        static_vs_optimum=round(static / optimum, 4),
        detection_cycles=detection,
        alert_cycles=len({c for c, _, _ in alerts}),
        false_alarm_cycles=false_alarms,
        seconds=round(time.perf_counter() - started, 1),
        cycle_vs_optimum=[round(o / m, 4) for o, m, _, _ in per_cycle],
        after_change=after_change,
        vs_unconstrained=round(ours / free, 4),
        cycle_vs_unconstrained=[round(o / f, 4) for o, _, _, f in per_cycle],
        after_change_unconstrained=after_free,
    )


def _budget(store: GraphStore, brand: str, start: date) -> Decimal:
    rows = store.aggregate_outcomes(
        OutcomeQuery(brand_id=brand, start=start - timedelta(days=DAYS), end=start, group_by=())
    )
    return Decimal(str(round(rows[0].spend if rows else 10_000.0, -2)))


def _values(
    store: GraphStore,
    market: SandboxMarket,
    start: date,
    budget: Decimal,
    static: dict[tuple[str, str], float],
    executed: list[list[str]],
) -> list[tuple[float, float, float, float]]:
    """Per cycle, the true value of the budgets the loop set (each plan version over its own
    days), of the cycle's optimum under the minimum line its plan kept, of the first plan
    kept for every cycle, and of the optimum without a minimum line; all on the same
    footing (budgets as set, no pacing noise, the shock on its days)."""
    truth = market.truth.pairs

    def value(daily: dict[tuple[str, str], float], day: date) -> float:
        total = 0.0
        for pair, spend in daily.items():
            p = truth[pair]
            total += market._shock(pair[0], day) * float(
                hill(spend, p.alpha, p.half_saturation, p.shape)
            )
        return total

    out = []
    for cycle, plan_ids in enumerate(executed):
        ours = fixed = 0.0
        c_start = start + timedelta(days=cycle * DAYS)
        days = [c_start + timedelta(days=d) for d in range(DAYS)]
        versions = [load_plan(store, pid) for pid in plan_ids]
        for day in days:
            live = [v for v in versions if v.start_date <= day <= v.end_date]
            plan = max(live, key=lambda v: v.start_date) if live else versions[0]
            span = (plan.end_date - plan.start_date).days + 1
            daily = {(ln.channel_id, ln.audience_id): float(ln.budget) / span for ln in plan.lines}
            ours += value(daily, day)
            fixed += value(static, day)
        curves = []
        for (ch, au), p in sorted(truth.items()):
            factor = float(np.mean([market._shock(ch, d) for d in days]))
            curves.append(make_curve(ch, au, p.alpha * factor, p.half_saturation, p.shape))
        optimum, free = cycle_optima(curves, budget, DAYS, versions[0].min_line_budget)
        out.append((ours, optimum, fixed, free))
    return out


def cycle_optima(
    curves: Sequence[ResponseCurve], budget: Decimal, days: int, min_line: Decimal | None
) -> tuple[float, float]:
    """The best expected value of ``budget`` over ``curves``: under the minimum line the
    cycle's plan kept (a plan cannot do without it, so neither does the yardstick), and
    without one. Both with exploration off (the optimum knows the curves)."""
    kept = allocate(curves, budget, days, exploration_share=0.0, min_line=min_line or 0)
    free = allocate(curves, budget, days, exploration_share=0.0)
    return kept.expected_objective, free.expected_objective


def render(report: LoopReport) -> str:
    lines = [
        *report.machine.describe(),
        "",
        f"Closed loop: {CYCLES} cycles × {DAYS} days; the change halves the cycle-1 "
        f"top channel halfway through cycle {SHOCK_CYCLE}",
        "",
        f"{'seed':>5} {'brand':<18} {'market':<8} {'vs opt':>7} {'no min':>7} {'vs static':>9} "
        f"{'static/opt':>10} {'detected':>9} {'false alarms':>12} {'next cycle':>10}",
    ]
    for r in report.runs:
        detected = "-" if r.detection_cycles is None else f"{r.detection_cycles:.2f} cyc"
        after = "-" if r.after_change is None else f"{r.after_change:.3f}"
        lines.append(
            f"{r.seed:>5} {r.brand:<18} {'changed' if r.changed else 'steady':<8} "
            f"{r.vs_optimum:>7.3f} {_figure(r.vs_unconstrained):>7} {r.vs_static:>9.3f} "
            f"{r.static_vs_optimum:>10.3f} "
            f"{detected:>9} {r.false_alarm_cycles:>6}/{CYCLES} {after:>10}"
        )
    steady = [r for r in report.runs if not r.changed]
    changed = [r for r in report.runs if r.changed]
    if report.runs:
        lines.append(
            f"\nvs optimum: mean {statistics.mean(r.vs_optimum for r in report.runs):.3f}, "
            f"min {min(r.vs_optimum for r in report.runs):.3f} (the optimum under the plans' "
            "minimum line)"
        )
        free = [r.vs_unconstrained for r in report.runs if r.vs_unconstrained is not None]
        if free:
            lines.append(
                f"vs the optimum without a minimum line: mean {statistics.mean(free):.3f}, "
                f"min {min(free):.3f}"
            )
        if steady:
            lines.append(
                f"steady markets: mean {statistics.mean(r.vs_optimum for r in steady):.3f}, "
                f"min {min(r.vs_optimum for r in steady):.3f}"
            )
    if steady:
        rate = sum(r.false_alarm_cycles for r in steady) / (CYCLES * len(steady))
        lines.append(f"false alarms on steady markets: {rate:.1%} of cycles")
    if changed:
        found = [r.detection_cycles for r in changed if r.detection_cycles is not None]
        lines.append(
            f"changes detected: {len(found)}/{len(changed)}"
            + (f", within {max(found):.2f} cycles at worst" if found else "")
        )
        recovered = [r.after_change for r in changed if r.after_change is not None]
        if recovered:
            lines.append(
                f"first cycle planned after the change, vs its optimum: mean "
                f"{statistics.mean(recovered):.3f}, min {min(recovered):.3f}"
            )
    return "\n".join(lines)


def _figure(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench loop", description=__doc__)
    parser.add_argument("--seeds", default="7,11", help="generator seeds (comma-separated)")
    parser.add_argument("--brands", default="brand-trailhead,brand-emberoak")
    parser.add_argument(
        "--markets",
        choices=("both", "steady", "changed"),
        default="both",
        help="run only the unchanged or only the changed markets (default: both)",
    )
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    kinds = {"both": (False, True), "steady": (False,), "changed": (True,)}[args.markets]
    progress = Progress()
    report = LoopReport(machine=machine())
    for seed in (int(s) for s in args.seeds.split(",") if s.strip()):
        for brand in (b.strip() for b in args.brands.split(",") if b.strip()):
            for changed in kinds:
                report.runs.append(run_market(seed, brand, changed, progress))
    print(render(report))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(asdict(report), indent=2, default=str), encoding="utf-8")
    progress.say(f"figures written to {args.output}")
    return 0
