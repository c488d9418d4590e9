"""The printed table and the JSON file of a benchmark run."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench.common import Latency, Machine, Rate
from bench.ingestion import IngestionResult
from bench.queries import QueryResult

# Goals the figures are held against (shown in the table, never enforced): each path's rate
# over the plain baseline's in the same run (absolute rates move with the machine's load).
RATIO_GOALS: dict[tuple[str, str], float] = {
    ("embedded", "(a)"): 0.5,  # `marketgraph ingest outcomes` vs sqlite3 executemany
    ("embedded", "(b)"): 0.8,
    ("neo4j", "(a)"): 0.8,  # the pipeline vs the driver's UNWIND … MERGE
    ("neo4j", "(b)"): 0.8,
}
EMBEDDED_CONTEXT_P95_GOAL_MS = 25.0
CONTEXT_GOAL_SIZE = 100_000


@dataclass
class Report:
    """Everything one run measured."""

    machine: Machine
    settings: dict[str, Any]
    ingestion: list[IngestionResult] = field(default_factory=list)
    queries: list[QueryResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    phase_seconds: dict[str, float] = field(default_factory=dict)


def _table(header: list[str], rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        out = [
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(cells)
        ]
        return "  ".join(out).rstrip()

    return [line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)]


def _goal(ok: bool, text: str) -> str:
    return f"{text} {'ok' if ok else 'MISSED'}"


def ingestion_table(results: list[IngestionResult]) -> list[str]:
    rows: list[list[str]] = []
    for r in results:
        paths: list[tuple[str, Rate]] = [
            ("(a) ingest outcomes FILE", r.pipeline),
            ("(b) store.write() batches", r.write_path),
            ("(c) plain baseline", r.baseline),
        ]
        for path, (name, rate) in enumerate(paths):
            each = r.round_ratios(path) if len(r.rounds) > 1 else []
            goals: list[str] = []
            goal = RATIO_GOALS.get((r.backend, name[:3]))
            if goal is not None:
                goals.append(_goal(r.ratio(rate) >= goal, f">= {goal}x"))
            rows.append(
                [
                    r.backend,
                    name,
                    f"{rate.rows:,}",
                    f"{rate.seconds:.1f}",
                    f"{rate.cpu_seconds:.1f}",
                    f"{rate.rows_per_s:,.0f}",
                    f"{r.ratio(rate):.2f}",
                    " ".join(f"{x:.2f}" for x in each) or "-",
                    ", ".join(goals),
                ]
            )
    header = [
        *["backend", "path", "rows", "seconds", "py CPU s", "rows/s", "vs (c)", "rounds"],
        "goal",
    ]
    return _table(header, rows, right={2, 3, 4, 5, 6})


def _latency_cells(lat: Latency, capped: bool) -> list[str]:
    calls = f"{lat.calls}{'*' if capped else ''}"
    return [
        calls,
        f"{lat.p50_ms:.2f}",
        f"{lat.p95_ms:.2f}",
        f"{lat.p99_ms:.2f}",
        f"{lat.max_ms:.1f}",
    ]


def query_table(results: list[QueryResult]) -> list[str]:
    rows: list[list[str]] = []
    for r in results:
        goal = ""
        if r.backend == "embedded" and r.outcomes == CONTEXT_GOAL_SIZE:
            ok = r.context.p95_ms <= EMBEDDED_CONTEXT_P95_GOAL_MS
            goal = _goal(ok, f"p95 <= {EMBEDDED_CONTEXT_P95_GOAL_MS:.0f} ms")
        common = [r.backend, f"{r.outcomes:,}", f"{r.load_seconds:.0f}"]
        rows.append(
            [*common, "campaign context", *_latency_cells(r.context, r.context_capped), goal]
        )
        lineage = f"lineage up d=3 (~{r.lineage_nodes_mean:.0f} nodes)"
        rows.append([*common, lineage, *_latency_cells(r.lineage, r.lineage_capped), ""])
    header = [
        "backend",
        "outcomes",
        "load s",
        "query",
        "calls",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "max ms",
        "goal",
    ]
    return _table(header, rows, right={1, 2, 4, 5, 6, 7, 8})


def render(report: Report) -> str:
    s = report.settings
    lines = [
        "MarketGraph benchmark",
        *report.machine.describe(),
        f"seed {s['seed']}; demo data set (demo/); {s['batch_rows']:,} rows per "
        "batch / transaction",
        "",
    ]
    if report.ingestion:
        lines += [
            "1. Ingestion of outcome rows (each path into a fresh store; dimension records "
            "loaded first, untimed; rows/s = outcome rows / wall time; py CPU s = CPU time "
            "of this Python process meanwhile)",
            *ingestion_table(report.ingestion),
            *(f"   (c) {r.backend}: {r.baseline_kind}" for r in report.ingestion),
            "",
        ]
    if report.queries:
        lines += [
            f"2. Query latency (seeded random campaigns / outcomes, {s['warmup']} warm-up calls "
            "untimed; load s = fresh store + pipeline load of that many outcome rows)",
            *query_table(report.queries),
        ]
        if any(q.context_capped or q.lineage_capped for q in report.queries):
            lines.append(f"   * stopped early at the {s['max_seconds']:.0f} s cap per series")
        lines.append("")
    ordered = sorted(report.phase_seconds.items(), key=lambda kv: -kv[1])
    phases = ", ".join(f"{k} {v:.0f} s" for k, v in ordered)
    lines.append(f"total {report.seconds:.0f} s ({phases})")
    lines += [f"note: {n}" for n in report.notes]
    return "\n".join(lines)


def to_json(report: Report) -> dict[str, Any]:
    data: dict[str, Any] = {
        "machine": asdict(report.machine),
        "settings": report.settings,
        "seconds": report.seconds,
        "phase_seconds": report.phase_seconds,
        "notes": report.notes,
        "ingestion": [],
        "queries": [asdict(q) for q in report.queries],
    }
    for r in report.ingestion:
        item = asdict(r)
        for key in ("pipeline", "write_path", "baseline"):
            rate: Rate = getattr(r, key)
            item[key]["rows_per_s"] = rate.rows_per_s
            item[key]["vs_baseline"] = r.ratio(rate)
        item["round_vs_baseline"] = {
            key: r.round_ratios(i) for i, key in enumerate(("pipeline", "write_path", "baseline"))
        }
        data["ingestion"].append(item)
    return data


def write_json(report: Report, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(to_json(report), indent=2) + "\n", encoding="utf-8")
