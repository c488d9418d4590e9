"""``python -m bench``: ingestion rates and query latency of the graph backends.

Prints a table (progress goes to stderr) and writes the same figures to
``bench/results/latest.json``; ``python -m bench ingestion`` measures the ingestion rates
alone (``bench/results/ingestion.json``). See ``python -m bench --help``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench import data as bench_data
from bench.backends import Backend, EmbeddedBackend, open_neo4j
from bench.common import BATCH_ROWS, Progress, machine
from bench.ingestion import (
    IngestionResult,
    baseline_kind,
    measure_baseline,
    measure_pipeline,
    measure_write_path,
    run_round,
    warm_up,
)
from bench.queries import LOAD_CHUNK, load_graph, measure_queries
from bench.report import Report, render, write_json

RESULTS_DIR = Path(__file__).resolve().parent / "results"
BACKENDS = ("embedded", "neo4j")


@dataclass
class Settings:
    rows: int
    sizes: list[int]
    backends: list[str]
    calls: int
    lineage_calls: int
    seed: int
    warmup: int
    max_seconds: float
    quick: bool
    output: Path
    rounds: int = 1


def _int_list(text: str) -> list[int]:
    try:
        values = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected numbers like 100000,1000000: {text!r}"
        ) from None
    if not values or any(v < 1 for v in values):
        raise argparse.ArgumentTypeError(f"expected positive numbers: {text!r}")
    return values


def _backend_list(text: str) -> list[str]:
    names = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [n for n in names if n not in BACKENDS]
    if not names or unknown:
        raise argparse.ArgumentTypeError(f"backends are {', '.join(BACKENDS)}; got {text!r}")
    return list(dict.fromkeys(names))


def parse_args(argv: Sequence[str] | None = None, *, ingestion_only: bool = False) -> Settings:
    parser = argparse.ArgumentParser(
        prog="python -m bench ingestion" if ingestion_only else "python -m bench",
        description="Ingestion rates of the MarketGraph graph backends against a plain baseline."
        if ingestion_only
        else "Ingestion rate and query latency of the MarketGraph graph backends.",
    )
    parser.add_argument(
        "--rows", type=int, default=200_000, help="outcome rows of the ingestion runs"
    )
    parser.add_argument(
        "--sizes",
        type=_int_list,
        default=[100_000, 1_000_000],
        help="outcome rows of the graphs the queries run on (comma-separated)",
    )
    parser.add_argument(
        "--backends",
        type=_backend_list,
        default=list(BACKENDS),
        help="embedded, neo4j or both (Neo4j: MARKETGRAPH_NEO4J_URI, else a server started "
        "via tests/neo4j_server.py when Java is present, else skipped)",
    )
    parser.add_argument("--calls", type=int, default=500, help="campaign-context calls per size")
    parser.add_argument("--lineage-calls", type=int, default=200, help="lineage calls per size")
    parser.add_argument("--seed", type=int, default=7, help="seed of data and random picks")
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=60.0,
        help="stop a latency series after this many seconds (at least 20 calls are made)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="run the three ingestion paths this many times, in a rotated order each round, "
        "and report each path's median round and the median of each round's ratio (on a "
        "shared machine one round's ratio follows the load of its minutes)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a tiny run (a few hundred rows, few calls) to check that everything works",
    )
    default_output = RESULTS_DIR / ("ingestion.json" if ingestion_only else "latest.json")
    parser.add_argument("--output", type=Path, default=default_output, help="where the JSON goes")
    args = parser.parse_args(argv)
    if args.rows < 1 or args.calls < 1 or args.lineage_calls < 1 or args.rounds < 1:
        parser.error("--rows, --calls, --lineage-calls and --rounds must be positive")
    settings = Settings(
        rows=args.rows,
        sizes=args.sizes,
        backends=args.backends,
        calls=args.calls,
        lineage_calls=args.lineage_calls,
        seed=args.seed,
        warmup=30,
        max_seconds=args.max_seconds,
        quick=args.quick,
        output=args.output,
        rounds=args.rounds,
    )
    if args.quick:
        settings.rows, settings.sizes = 300, [300]
        settings.calls, settings.lineage_calls, settings.warmup = 30, 15, 2
    if ingestion_only:
        settings.sizes = []
    return settings


def run_backend(backend: Backend, s: Settings, report: Report, progress: Progress) -> None:
    """Ingestion (a)(b)(c), then the query latency at every size, on one backend."""
    name = backend.name
    started = time.perf_counter()
    progress.say(f"{name}: generating the demo data set with {s.rows:,} outcome rows")
    data = bench_data.build(s.seed, s.rows)
    warm_up(backend, data, progress)
    pipeline = measure_pipeline(backend, data, progress)
    sizes = list(s.sizes)
    if data.rows in sizes and data.rows <= LOAD_CHUNK and backend.store is not None:
        # The graph (a) just loaded is the query graph of this size: measure on it now.
        sizes.remove(data.rows)
        load_seconds = time.perf_counter() - started
        query_started = time.perf_counter()
        report.queries.append(
            measure_queries(
                backend.store,
                data,
                backend=name,
                load_seconds=load_seconds,
                calls=s.calls,
                lineage_calls=s.lineage_calls,
                seed=s.seed,
                progress=progress,
                warmup=s.warmup,
                max_seconds=s.max_seconds,
            )
        )
        report.phase_seconds[f"{name} queries {data.rows:,}"] = time.perf_counter() - query_started
    backend.close_store()
    write_path, edges = measure_write_path(backend, data, progress)
    baseline = measure_baseline(backend, data, progress)
    rounds = [(pipeline, write_path, baseline)]
    rounds += [run_round(backend, data, progress, n) for n in range(1, s.rounds)]
    report.ingestion.append(
        IngestionResult.of_rounds(name, data.rows, edges, rounds, baseline_kind(backend))
    )
    report.phase_seconds[f"{name} ingestion"] = (
        time.perf_counter()
        - started
        - sum(v for k, v in report.phase_seconds.items() if k.startswith(f"{name} queries"))
    )
    del data
    for size in sizes:
        phase_started = time.perf_counter()
        progress.say(f"{name}: generating the demo data set with {size:,} outcome rows")
        size_data = bench_data.build(s.seed, size)
        store, load_seconds = load_graph(backend, size_data, progress)
        report.queries.append(
            measure_queries(
                store,
                size_data,
                backend=name,
                load_seconds=load_seconds,
                calls=s.calls,
                lineage_calls=s.lineage_calls,
                seed=s.seed,
                progress=progress,
                warmup=s.warmup,
                max_seconds=s.max_seconds,
            )
        )
        backend.close_store()
        report.phase_seconds[f"{name} queries {size:,}"] = time.perf_counter() - phase_started


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["retrieval"]:  # `python -m bench retrieval`: see bench/retrieval.py
        from bench import retrieval

        return retrieval.main(args[1:])
    if args[:1] == ["execution"]:  # `python -m bench execution`: see bench/execution.py
        from bench import execution

        return execution.main(args[1:])
    if args[:1] == ["loop"]:  # `python -m bench loop`: see bench/loop.py
        from bench import loop

        return loop.main(args[1:])
    if args[:1] == ["shock"]:  # `python -m bench shock`: see bench/shock.py
        from bench import shock

        return shock.main(args[1:])
    if args[:1] == ["planner"]:  # `python -m bench planner`: see bench/planner.py
        from bench import planner

        return planner.main(args[1:])
    if args[:1] == ["drift"]:  # `python -m bench drift`: see bench/drift.py
        from bench import drift

        return drift.main(args[1:])
    if args[:1] == ["experiments"]:  # `python -m bench experiments`: bench/experiments.py
        from bench import experiments

        return experiments.main(args[1:])
    if args[:1] == ["content"]:  # `python -m bench content`: see bench/content.py
        from bench import content

        return content.main(args[1:])
    if args[:1] == ["research"]:  # `python -m bench research`: see bench/research.py
        from bench import research

        return research.main(args[1:])
    if args[:1] == ["serving"]:  # `python -m bench serving`: see bench/serving.py
        from bench import serving

        return serving.main(args[1:])
    if args[:1] == ["lineage"]:  # `python -m bench lineage`: see bench/lineage.py
        from bench import lineage

        return lineage.main(args[1:])
    if args[:1] == ["hostile"]:  # `python -m bench hostile`: see bench/hostile.py
        from bench import hostile

        return hostile.main(args[1:])
    if args[:1] == ["audit"]:  # `python -m bench audit`: see bench/audit.py
        from bench import audit

        return audit.main(args[1:])
    ingestion_only = args[:1] == ["ingestion"]  # `python -m bench ingestion`: no queries
    s = parse_args(args[1:] if ingestion_only else args, ingestion_only=ingestion_only)
    progress = Progress()
    report = Report(
        machine=machine(),
        settings={
            "rows": s.rows,
            "sizes": s.sizes,
            "backends": s.backends,
            "calls": s.calls,
            "lineage_calls": s.lineage_calls,
            "seed": s.seed,
            "warmup": s.warmup,
            "max_seconds": s.max_seconds,
            "quick": s.quick,
            "rounds": s.rounds,
            "batch_rows": BATCH_ROWS,
            "load_chunk": LOAD_CHUNK,
        },
    )
    started = time.perf_counter()
    for name in s.backends:
        backend: Backend
        if name == "embedded":
            backend = EmbeddedBackend()
        else:
            phase_started = time.perf_counter()
            opened = open_neo4j(progress, RESULTS_DIR / "neo4j")
            if isinstance(opened, str):
                note = f"Neo4j skipped: {opened}"
                progress.say(note)
                report.notes.append(note)
                continue
            backend = opened
            report.machine.neo4j_server = backend.version()
            if backend.server is not None:
                report.notes.append(
                    "Neo4j is the throw-away test server of tests/neo4j_server.py "
                    "(1 GB heap, 64 MB page cache, same 2 cores as this process): "
                    "a tuned server would be faster"
                )
            else:
                report.notes.append(
                    f"Neo4j at {backend.uri} was cleared before each measurement; "
                    "the last query graph is left in it"
                )
            report.phase_seconds["neo4j server start"] = time.perf_counter() - phase_started
        with backend:
            run_backend(backend, s, report, progress)
    report.seconds = time.perf_counter() - started
    print(render(report))
    write_json(report, s.output)
    progress.say(f"figures written to {s.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
