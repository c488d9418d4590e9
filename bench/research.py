"""``python -m bench research``: calibration of the trend test, and research on the demo.

Calibration: the rejection rate at 5 % of the trend test (Mann-Kendall after weekday
adjustment) on synthetic daily series without a trend (AR(1) noise, a weekday pattern),
with the variance correction and without, and its power on planted trends (a log change
of 0.2 and 0.4 over the series), for several lengths and autocorrelations.

Research: the default demo data set in the embedded store with a local text index;
``research()`` for one topic per brand, timed (each call writes its decision), with how
many series were tested and found significant, and how many angles and absences.

Prints tables (progress goes to stderr) and writes ``bench/results/research.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from agents.research import ResearchRequest, research
from agents.research.trends import mann_kendall, weekday_adjust
from bench.common import Latency, Progress, latency, machine

RESULTS = Path(__file__).resolve().parent / "results" / "research.json"
TOPICS = (
    ("brand-trailhead", "waterproof hiking boots"),
    ("brand-ledgerline", "month-end close"),
    ("brand-emberoak", "coffee subscription"),
)
_WEEK = np.array([0.1, 0.05, 0.0, 0.0, -0.05, -0.2, -0.15])


@dataclass
class Calibration:
    days: int
    phi: float
    series: int
    null_corrected: float
    null_uncorrected: float
    power_small: float  # log change 0.2 over the series
    power_large: float  # log change 0.4


@dataclass
class BriefRun:
    brand_id: str
    topic: str
    latency: Latency
    series_tested: int
    significant: int
    angles: int
    absences: int
    evidence_edges: int


@dataclass
class Report:
    machine: dict[str, Any]
    calibration: list[Calibration] = field(default_factory=list)
    briefs: list[BriefRun] = field(default_factory=list)
    load_seconds: float = 0.0


def _ar1(rng: np.random.Generator, n: int, phi: float) -> np.ndarray:
    noise = rng.normal(0.0, 0.25, n)
    x = np.empty(n)
    x[0] = noise[0] / np.sqrt(1 - phi**2)
    for i in range(1, n):
        x[i] = phi * x[i - 1] + noise[i]
    return x


def calibrate(days: int, phi: float, series: int, seed: int) -> Calibration:
    rng = np.random.default_rng(seed)
    t = np.arange(days, dtype=np.float64)
    wd = np.arange(days) % 7
    counts = {"corrected": 0, "uncorrected": 0, "small": 0, "large": 0}
    for _ in range(series):
        y = weekday_adjust(t, _ar1(rng, days, phi) + _WEEK[wd], wd)
        counts["corrected"] += mann_kendall(t, y).p < 0.05
        counts["uncorrected"] += mann_kendall(t, y, correct=False).p < 0.05
        for key, change in (("small", 0.2), ("large", 0.4)):
            planted = weekday_adjust(t, _ar1(rng, days, phi) + _WEEK[wd] + change * t / days, wd)
            result = mann_kendall(t, planted)
            counts[key] += result.p < 0.05 and result.slope > 0
    return Calibration(
        days=days,
        phi=phi,
        series=series,
        null_corrected=counts["corrected"] / series,
        null_uncorrected=counts["uncorrected"] / series,
        power_small=counts["small"] / series,
        power_large=counts["large"] / series,
    )


def run_briefs(report: Report, calls: int, progress: Progress) -> None:
    import migrations
    from demo import dataset_parts, generate
    from graph.embedded import EmbeddedGraphStore
    from graph.models import NodeRef
    from graph.schema import Label, RelType
    from ingest import ingest
    from retrieval.indexer import Indexer
    from retrieval.qdrant import QdrantTextIndex, open_qdrant_client
    from retrieval.retriever import HybridRetriever

    with tempfile.TemporaryDirectory() as folder:
        store = EmbeddedGraphStore(Path(folder) / "graph.sqlite")
        migrations.apply_pending(store)
        index = QdrantTextIndex(open_qdrant_client(None, None, Path(folder) / "qdrant"))
        indexer = Indexer(store, index)
        progress.say("loading the demo data set (embedded store, local index)")
        started = time.perf_counter()
        ingest(
            store,
            dataset_parts(generate(seed=7)),
            on_written=lambda n: indexer.index_nodes(n).pending,
        )
        report.load_seconds = time.perf_counter() - started
        retriever = HybridRetriever(store, index)
        for brand_id, topic in TOPICS:
            samples, result = [], None
            for _ in range(calls):
                begun = time.perf_counter()
                result = research(store, retriever, ResearchRequest(brand_id=brand_id, topic=topic))
                samples.append((time.perf_counter() - begun) * 1000)
            assert result is not None
            brief = result.brief
            ref = NodeRef(label=Label.DECISION, id=result.decision_id)
            edges = store.incident_edges([ref], 10_000, {RelType.BASED_ON: "out"})
            report.briefs.append(
                BriefRun(
                    brand_id=brand_id,
                    topic=topic,
                    latency=latency(samples),
                    series_tested=brief.method.series_tested if brief.method else 0,
                    significant=len(brief.trending_hooks) + len(brief.trends),
                    angles=len(brief.competitor_angles),
                    absences=len(brief.absences),
                    evidence_edges=len(edges),
                )
            )
            progress.say(f"{brand_id}: {samples[-1]:.0f} ms")
        index.close()
        store.close()


def render(report: Report) -> str:
    lines = [
        "Trend test at 5 %: rejection rate without a trend (corrected / uncorrected) and "
        "power on planted trends",
        "days  phi   series  null corr  null uncorr  power 0.2  power 0.4",
    ]
    for c in report.calibration:
        lines.append(
            f"{c.days:>4}  {c.phi:.1f}  {c.series:>6}  {c.null_corrected:>9.3f}  "
            f"{c.null_uncorrected:>11.3f}  {c.power_small:>9.3f}  {c.power_large:>9.3f}"
        )
    if report.briefs:
        lines += ["", f"Research on the default demo (loaded in {report.load_seconds:.0f} s):"]
        lines.append(
            "brand             p50 ms  p95 ms  tested  significant  angles  absences  edges"
        )
        for b in report.briefs:
            lines.append(
                f"{b.brand_id:<16}  {b.latency.p50_ms:>6.0f}  {b.latency.p95_ms:>6.0f}  "
                f"{b.series_tested:>6}  {b.significant:>11}  {b.angles:>6}  {b.absences:>8}  "
                f"{b.evidence_edges:>5}"
            )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench research", description=__doc__)
    parser.add_argument("--series", type=int, default=1000, help="synthetic series per cell")
    parser.add_argument("--calls", type=int, default=5, help="research calls per brand")
    parser.add_argument("--quick", action="store_true", help="a small run (for the smoke test)")
    parser.add_argument("--no-demo", action="store_true", help="calibration only")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    progress = Progress()
    report = Report(machine=asdict(machine()))
    series = 20 if args.quick else args.series
    cells = (
        [(120, 0.3)] if args.quick else [(d, p) for d in (60, 120, 180) for p in (0.0, 0.3, 0.6)]
    )
    for seed, (days, phi) in enumerate(cells):
        progress.say(f"calibrating {days} days, phi {phi}")
        report.calibration.append(calibrate(days, phi, series, seed))
    if not args.no_demo and not args.quick:
        run_briefs(report, args.calls, progress)
    print(render(report))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(asdict(report), indent=2, default=str) + "\n")
    progress.say(f"figures written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
