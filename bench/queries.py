"""Query latency on a loaded graph: campaign context and outcome lineage.

The graph of one size holds the demo dimension records and that many outcome rows, loaded
through the ingest pipeline in runs of at most ``LOAD_CHUNK`` rows (as files of daily or
weekly exports would be), so it has the provenance a real graph has: one IngestRun per run
with a FROM edge from every outcome.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from bench.backends import Backend
from bench.common import Latency, Progress, latency
from bench.data import OUTCOMES, BenchData, records_part
from bench.ingestion import load_dimensions, pipeline_progress
from graph.base import GraphStore
from graph.models import NodeRef
from graph.schema import Label
from ingest import ingest

LOAD_CHUNK = 100_000
LINEAGE_DEPTH = 3


@dataclass
class QueryResult:
    """Latency of the two queries on one backend at one graph size."""

    backend: str
    outcomes: int
    campaigns: int
    load_seconds: float
    context: Latency
    lineage: Latency
    context_capped: bool = False
    lineage_capped: bool = False
    lineage_nodes_mean: float = 0.0


def load_graph(backend: Backend, data: BenchData, progress: Progress) -> tuple[GraphStore, float]:
    """A fresh store holding the data set; returns it with the seconds the load took."""
    who = f"{backend.name} @ {data.rows:,}"
    started = time.perf_counter()
    store = backend.fresh_store(progress)
    load_dimensions(store, data, progress, who)
    loaded = 0
    for number, chunk in enumerate(data.outcome_chunks(LOAD_CHUNK), start=1):
        part = records_part(OUTCOMES, chunk, name=f"bench:outcomes-{number:03d}.jsonl")
        what = f"{who}: loading outcomes {loaded + 1:,}-{loaded + len(chunk):,} of {data.rows:,}"
        progress.say(what)
        ingest(store, [part], progress=pipeline_progress(progress, what))
        loaded += len(chunk)
    seconds = time.perf_counter() - started
    progress.say(f"{who}: loaded in {seconds:.0f} s")
    return store, seconds


def _timed(
    calls: list[Callable[[], object]],
    warmup: int,
    max_seconds: float,
    progress: Progress,
    what: str,
) -> tuple[list[float], bool]:
    """Run ``warmup`` calls untimed, then time each call; stop early past ``max_seconds``
    (but never before 20 calls). Returns durations (ms) and whether the cap cut it short."""
    for call in calls[:warmup]:
        call()
    samples: list[float] = []
    started = time.perf_counter()
    for n, call in enumerate(calls[warmup:], start=1):
        t0 = time.perf_counter_ns()
        call()
        samples.append((time.perf_counter_ns() - t0) / 1e6)
        progress.tick(what, n, len(calls) - warmup)
        if n >= 20 and time.perf_counter() - started > max_seconds and n < len(calls) - warmup:
            progress.say(f"{what}: stopped after {n} calls ({max_seconds:.0f} s cap)")
            return samples, True
    return samples, False


def measure_queries(
    store: GraphStore,
    data: BenchData,
    *,
    backend: str,
    load_seconds: float,
    calls: int,
    lineage_calls: int,
    seed: int,
    progress: Progress,
    warmup: int = 10,
    max_seconds: float = 60.0,
) -> QueryResult:
    """``get_campaign_context`` on ``calls`` random campaigns and ``get_lineage(up, 3)`` on
    ``lineage_calls`` random outcomes (both seeded), after a few untimed warm-up calls."""
    who = f"{backend} @ {data.rows:,}"
    rng = random.Random(seed)
    campaigns = data.campaign_ids
    picked = [rng.choice(campaigns) for _ in range(warmup + calls)]

    def context(campaign_id: str) -> Callable[[], object]:
        def call() -> object:
            result = store.get_campaign_context(campaign_id)
            if result.campaign.id != campaign_id:
                raise RuntimeError(f"campaign context of {campaign_id} returned another campaign")
            return result

        return call

    progress.say(f"{who}: get_campaign_context x {calls} (+{warmup} warm-up)")
    context_ms, context_capped = _timed(
        [context(c) for c in picked], warmup, max_seconds, progress, f"{who}: campaign context"
    )

    outcome_ids = data.sample_outcome_ids(warmup + lineage_calls, seed + 1)
    sizes: list[int] = []

    def lineage(outcome_id: str) -> Callable[[], object]:
        def call() -> object:
            ref = NodeRef(label=Label.OUTCOME, id=outcome_id)
            result = store.get_lineage(ref, "up", depth=LINEAGE_DEPTH)
            if len(result.nodes) < 2:
                raise RuntimeError(f"lineage of outcome {outcome_id} found no causes")
            sizes.append(len(result.nodes))
            return result

        return call

    progress.say(f"{who}: get_lineage(up, depth={LINEAGE_DEPTH}) x {lineage_calls}")
    lineage_ms, lineage_capped = _timed(
        [lineage(o) for o in outcome_ids], warmup, max_seconds, progress, f"{who}: lineage"
    )
    return QueryResult(
        backend=backend,
        outcomes=data.rows,
        campaigns=len(campaigns),
        load_seconds=load_seconds,
        context=latency(context_ms),
        lineage=latency(lineage_ms),
        context_capped=context_capped,
        lineage_capped=lineage_capped,
        lineage_nodes_mean=sum(sizes) / len(sizes) if sizes else 0.0,
    )
