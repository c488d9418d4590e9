"""Ingestion rate of outcome rows: the pipeline, the backend write path and a plain baseline.

All three write the same N outcome rows (and their OF edges to campaign, channel, audience
and asset) into a fresh store that holds the dimension records already (loaded untimed):

(a) what ``marketgraph ingest outcomes FILE`` does: read the JSON Lines file (written
    untimed), then ``ingest.ingest()`` (validation, reference checks, provenance: FROM
    edges to the run, writes, the rejects file) handing the nodes written to the text
    indexer of the configured kind, opened under a fresh data dir;
(b) ``store.write()`` of prebuilt ``GraphBatch``es of 5,000 Outcome nodes with their edges;
(c) a plain loop with no graph layer at all, 5,000 rows per transaction: for Neo4j one
    ``UNWIND … MERGE`` statement over the driver (node and its four OF relationships), for
    the embedded backend ``sqlite3`` ``executemany`` of ``INSERT … ON CONFLICT`` of the rows
    into a fresh WAL database holding a copy of the store's ``outcomes`` table (same DDL,
    same indexes).
"""

from __future__ import annotations

import dataclasses
import gc
import json
import sqlite3
import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, LiteralString

import neo4j

from api.services import open_index
from api.settings import Settings
from bench.backends import Backend, EmbeddedBackend, Neo4jBackend
from bench.common import BATCH_ROWS, Progress, Rate
from bench.data import OUTCOMES, BenchData, outcome_graph
from graph.base import GraphStore
from graph.models import GraphBatch, Node
from graph.schema import Label, RelType
from ingest import Part, ingest, read_file, read_rows
from retrieval.indexer import Indexer


@dataclass
class IngestionResult:
    """Rates of the three ways of writing the same outcome rows into one backend."""

    backend: str
    rows: int
    edges: int
    pipeline: Rate
    write_path: Rate
    baseline: Rate
    baseline_kind: str
    # Every round's (a), (b) and (c) when the paths ran more than once (``--rounds``); the
    # three rates above are then each path's median round.
    rounds: list[tuple[Rate, Rate, Rate]] = dataclasses.field(default_factory=list)

    def ratio(self, rate: Rate) -> float:
        """``rate`` relative to the baseline (1.0 = as fast as the plain loop). Over several
        rounds: the median of each round's ratio, so each ratio compares paths that ran
        minutes apart, not a quiet minute of one path with a busy minute of another."""
        path = next((i for i, r in enumerate(self.paths) if r is rate), None)
        if path is not None and len(self.rounds) > 1:
            return statistics.median(self.round_ratios(path))
        base = self.baseline.rows_per_s
        return rate.rows_per_s / base if base > 0 else 0.0

    @property
    def paths(self) -> tuple[Rate, Rate, Rate]:
        return (self.pipeline, self.write_path, self.baseline)

    def round_ratios(self, path: int) -> list[float]:
        """Path ``path`` (0 = (a), 1 = (b), 2 = (c)) over the baseline, round by round."""
        return [
            r[path].rows_per_s / r[2].rows_per_s if r[2].rows_per_s > 0 else 0.0
            for r in self.rounds
        ]

    @classmethod
    def of_rounds(
        cls,
        backend: str,
        rows: int,
        edges: int,
        rounds: list[tuple[Rate, Rate, Rate]],
        baseline_kind: str,
    ) -> IngestionResult:
        """The result of one or more rounds: each path's median round as its rate."""

        def median(path: int) -> Rate:
            ordered = sorted((r[path] for r in rounds), key=lambda rate: rate.rows_per_s)
            return ordered[(len(ordered) - 1) // 2]

        return cls(
            backend=backend,
            rows=rows,
            edges=edges,
            pipeline=median(0),
            write_path=median(1),
            baseline=median(2),
            baseline_kind=baseline_kind,
            rounds=list(rounds),
        )


def load_dimensions(store: GraphStore, data: BenchData, progress: Progress, who: str) -> None:
    """Brands, channels, audiences, campaigns and assets through the pipeline (untimed)."""
    parts = data.dimension_parts()
    count = sum(len(p.rows) for p in parts if isinstance(p.rows, list))
    progress.say(f"{who}: loading {count:,} dimension records (untimed)")
    ingest(store, parts)


def pipeline_progress(progress: Progress, what: str) -> Callable[[str, int, int], None]:
    def update(stage: str, done: int, total: int) -> None:
        progress.tick(f"{what}: {stage}", done, total or None)

    return update


def write_outcomes_file(data: BenchData, path: Path) -> Path:
    """The N outcome rows as a JSON Lines file, as an export would hand them over."""
    with path.open("w", encoding="utf-8") as out:
        for record in data.outcome_records():
            out.write(json.dumps(record) + "\n")
    return path


def measure_pipeline(backend: Backend, data: BenchData, progress: Progress) -> Rate:
    """(a) ``marketgraph ingest outcomes FILE`` in-process: read the file, ``ingest()`` with
    the rejects dir and the text indexer of a fresh data dir. The loaded store stays open
    afterwards (``backend.store``) so the query benchmark can reuse it."""
    who = backend.name
    store = backend.fresh_store(progress)
    load_dimensions(store, data, progress, who)
    data_dir = backend.scratch_data_dir()
    path = write_outcomes_file(data, data_dir / "outcomes.jsonl")
    settings = Settings(data_dir=data_dir, qdrant_url=None, embeddings=None)
    index = open_index(settings)
    indexer = Indexer(store, index)

    def index_written(nodes: Sequence[Node]) -> int:
        return indexer.index_nodes(nodes).pending

    progress.say(f"{who}: (a) ingest outcomes {path.name}: {data.rows:,} rows")
    gc.collect()
    started = time.perf_counter()
    cpu_started = time.process_time()
    try:
        info, fmt, payload = read_file(path)
        part = Part(kind=OUTCOMES, source=info, rows=read_rows(payload, fmt, info.name))
        report = ingest(
            store,
            [part],
            rejects_dir=settings.rejects_dir,
            progress=pipeline_progress(progress, f"{who}: (a) ingest()"),
            on_written=index_written,
        )
        seconds = time.perf_counter() - started
        cpu_seconds = time.process_time() - cpu_started
    finally:
        index.close()
    del part, payload
    _expect(store.count(Label.OUTCOME), data.rows, f"{who}: outcomes after ingest()")
    _expect(report.accepted, data.rows, f"{who}: records accepted by ingest()")
    _expect(report.index_pending, 0, f"{who}: index work left pending")
    rate = Rate(rows=data.rows, seconds=seconds, cpu_seconds=cpu_seconds)
    progress.say(f"{who}: (a) {rate.rows_per_s:,.0f} rows/s ({seconds:.1f} s)")
    return rate


def outcome_batches(data: BenchData) -> Iterator[GraphBatch]:
    """The N outcome rows as GraphBatches of BATCH_ROWS Outcome nodes with their edges."""
    for chunk in data.outcome_chunks(BATCH_ROWS):
        batch = GraphBatch()
        for raw in chunk:
            node, edges = outcome_graph(raw)
            batch.nodes.append(node)
            batch.edges.extend(edges)
        yield batch


def measure_write_path(backend: Backend, data: BenchData, progress: Progress) -> tuple[Rate, int]:
    """(b) ``store.write()`` of prebuilt batches; returns the rate and the number of edges."""
    who = backend.name
    store = backend.fresh_store(progress)
    load_dimensions(store, data, progress, who)
    progress.say(f"{who}: (b) building {data.rows:,} Outcome nodes + OF edges (untimed)")
    batches = list(outcome_batches(data))
    edges = sum(len(b.edges) for b in batches)
    progress.say(f"{who}: (b) store.write() of {len(batches):,} batches of {BATCH_ROWS:,} rows")
    gc.collect()
    started = time.perf_counter()
    cpu_started = time.process_time()
    done = 0
    for batch in batches:
        store.write(batch)
        done += len(batch.nodes)
        progress.tick(f"{who}: (b) store.write()", done, data.rows)
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    del batches
    _expect(store.count(Label.OUTCOME), data.rows, f"{who}: outcomes after store.write()")
    _expect(store.count_edges(RelType.OF), edges, f"{who}: OF edges after store.write()")
    backend.close_store()
    rate = Rate(rows=data.rows, seconds=seconds, cpu_seconds=cpu_seconds)
    progress.say(f"{who}: (b) {rate.rows_per_s:,.0f} rows/s ({seconds:.1f} s)")
    return rate, edges


def measure_baseline(backend: Backend, data: BenchData, progress: Progress) -> Rate:
    """(c) the plain loop of the backend's own client library on the same rows."""
    if isinstance(backend, EmbeddedBackend):
        return _sqlite_baseline(backend, data, progress)
    if isinstance(backend, Neo4jBackend):
        return _neo4j_baseline(backend, data, progress)
    raise TypeError(f"no baseline for backend {backend.name!r}")


WARM_UP_ROWS = 20_000


def warm_up(backend: Backend, data: BenchData, progress: Progress) -> None:
    """(b) and (c) once, untimed, on the first rows: a server's JIT and caches warm up
    before anything is timed (in one pass, the path timed first paid for all of it)."""
    few = replace(data, rows=min(data.rows, WARM_UP_ROWS))
    progress.say(f"{backend.name}: warming up on {few.rows:,} rows (untimed)")
    measure_write_path(backend, few, progress)
    measure_baseline(backend, few, progress)


def baseline_kind(backend: Backend) -> str:
    if isinstance(backend, Neo4jBackend):
        return "driver UNWIND/MERGE, 5,000 rows per transaction"
    return "sqlite3 executemany INSERT ON CONFLICT into a copy of the outcomes table, WAL"


def run_ingestion(backend: Backend, data: BenchData, progress: Progress) -> IngestionResult:
    """(a), (b) and (c) one after the other, each into a fresh store."""
    pipeline = measure_pipeline(backend, data, progress)
    backend.close_store()
    write_path, edges = measure_write_path(backend, data, progress)
    baseline = measure_baseline(backend, data, progress)
    return IngestionResult.of_rounds(
        backend.name, data.rows, edges, [(pipeline, write_path, baseline)], baseline_kind(backend)
    )


def round_order(round_no: int) -> tuple[int, int, int]:
    """The order of (a), (b), (c) in round ``round_no`` (0-based): rotated each round, so
    no path always runs first (after the others' writes) or last."""
    paths = (0, 1, 2)
    shift = round_no % len(paths)
    return paths[shift:] + paths[:shift]  # type: ignore[return-value]


def run_round(
    backend: Backend, data: BenchData, progress: Progress, round_no: int
) -> tuple[Rate, Rate, Rate]:
    """One more round of (a), (b) and (c), in :func:`round_order`, each into a fresh store."""
    rates: dict[int, Rate] = {}
    for path in round_order(round_no):
        progress.say(f"{backend.name}: round {round_no + 1}, path {'abc'[path]}")
        if path == 0:
            rates[0] = measure_pipeline(backend, data, progress)
            backend.close_store()
        elif path == 1:
            rates[1], _ = measure_write_path(backend, data, progress)
        else:
            rates[2] = measure_baseline(backend, data, progress)
    return (rates[0], rates[1], rates[2])


# -- embedded baseline: plain sqlite3 ----------------------------------------------------------
def _sqlite_upsert(columns: list[str]) -> str:
    """``INSERT … ON CONFLICT (id) DO UPDATE`` of ``columns`` (names read from our own
    scratch database, quoted)."""
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    updates = ", ".join(f'"{c}" = excluded."{c}"' for c in columns if c != "id")
    return (
        f"INSERT INTO outcomes ({names}) VALUES ({marks}) ON CONFLICT (id) DO UPDATE SET {updates}"
    )


def _sqlite_rows(batch: GraphBatch, columns: list[str]) -> list[tuple[Any, ...]]:
    """One row per outcome: its id, its properties as JSON and each property that has a
    column of its own (date, campaign_id, …, spend, revenue …)."""
    rows = []
    for node in batch.nodes:
        p = node.properties
        values = {"id": node.id, "props": json.dumps(p, separators=(",", ":"))}
        rows.append(tuple(values[c] if c in values else p.get(c) for c in columns))
    return rows


def _sqlite_baseline(backend: EmbeddedBackend, data: BenchData, progress: Progress) -> Rate:
    """Outcome rows into a fresh WAL database holding only a table like the store's
    ``outcomes`` (same DDL, same indexes); how the store records the OF edges (rows or
    bits of the outcome row) is store work the baseline does not do."""
    who = backend.name
    ddl, table_columns = backend.outcome_table()
    path = backend.scratch_dir() / "baseline.sqlite"
    progress.say(f"{who}: (c) building {data.rows:,} plain SQLite rows (untimed)")
    batches = list(outcome_batches(data))
    known = {"id", "props"} | {key for b in batches for n in b.nodes for key in n.properties}
    columns = [c for c in table_columns if c in known]
    rows = [_sqlite_rows(batch, columns) for batch in batches]
    del batches
    upsert = _sqlite_upsert(columns)
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        for statement in ddl:
            db.execute(statement)
        progress.say(f"{who}: (c) sqlite3 executemany, {BATCH_ROWS:,} rows per transaction")
        gc.collect()
        started = time.perf_counter()
        cpu_started = time.process_time()
        done = 0
        for chunk in rows:
            db.execute("BEGIN IMMEDIATE")
            db.executemany(upsert, chunk)
            db.execute("COMMIT")
            done += len(chunk)
            progress.tick(f"{who}: (c) sqlite3 baseline", done, data.rows)
        seconds = time.perf_counter() - started
        cpu_seconds = time.process_time() - cpu_started
        _expect(db.execute("SELECT count(*) FROM outcomes").fetchone()[0], data.rows, "rows")
    finally:
        db.close()
    rate = Rate(rows=data.rows, seconds=seconds, cpu_seconds=cpu_seconds)
    progress.say(f"{who}: (c) {rate.rows_per_s:,.0f} rows/s ({seconds:.1f} s)")
    return rate


# -- Neo4j baseline: the driver alone ------------------------------------------------------------
_TARGETS: tuple[tuple[str, LiteralString, LiteralString], ...] = (
    ("campaign_id", "Campaign", "c"),
    ("channel_id", "Channel", "h"),
    ("audience_id", "Audience", "a"),
    ("asset_id", "Asset", "s"),
)


def _neo4j_statement(present: tuple[bool, ...]) -> LiteralString:
    """``UNWIND … MERGE`` of outcomes with an OF edge to each target the rows have."""
    query: LiteralString = "UNWIND $rows AS row MERGE (o:Outcome {id: row.id}) SET o = row.props"
    for (field, label, var), has in zip(_TARGETS, present, strict=True):
        if not has:
            continue
        query += f" WITH o, row MATCH ({var}:{label} {{id: row.{field}}}) MERGE (o)-[:OF]->({var})"
    return query


def _neo4j_rows(batch: GraphBatch) -> dict[tuple[bool, ...], list[dict[str, Any]]]:
    """Driver rows of one batch, grouped by which targets each row has."""
    groups: dict[tuple[bool, ...], list[dict[str, Any]]] = {}
    for node in batch.nodes:
        p = node.properties
        row: dict[str, Any] = {"id": node.id, "props": p}
        for field, _, _ in _TARGETS:
            row[field] = p.get(field)
        present = tuple(p.get(field) is not None for field, _, _ in _TARGETS)
        groups.setdefault(present, []).append(row)
    return groups


def _neo4j_baseline(backend: Neo4jBackend, data: BenchData, progress: Progress) -> Rate:
    who = backend.name
    store = backend.fresh_store(progress)
    load_dimensions(store, data, progress, who)
    progress.say(f"{who}: (c) building {data.rows:,} driver rows (untimed)")
    batches = [_neo4j_rows(batch) for batch in outcome_batches(data)]
    edges = sum(sum(present) * len(rows) for groups in batches for present, rows in groups.items())

    def write(tx: neo4j.ManagedTransaction, groups: dict[tuple[bool, ...], Any]) -> None:
        for present, rows in groups.items():
            tx.run(_neo4j_statement(present), rows=rows).consume()

    progress.say(f"{who}: (c) driver UNWIND/MERGE, {BATCH_ROWS:,} rows per transaction")
    gc.collect()
    started = time.perf_counter()
    cpu_started = time.process_time()
    done = 0
    with backend.driver.session(database=backend.database) as session:
        for groups in batches:
            session.execute_write(write, groups)
            done += sum(len(rows) for rows in groups.values())
            progress.tick(f"{who}: (c) driver baseline", done, data.rows)
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    del batches
    _expect(store.count(Label.OUTCOME), data.rows, f"{who}: outcomes after the baseline")
    _expect(store.count_edges(RelType.OF), edges, f"{who}: OF edges after the baseline")
    backend.close_store()
    rate = Rate(rows=data.rows, seconds=seconds, cpu_seconds=cpu_seconds)
    progress.say(f"{who}: (c) {rate.rows_per_s:,.0f} rows/s ({seconds:.1f} s)")
    return rate


def _expect(actual: object, expected: object, what: str) -> None:
    if actual != expected:
        raise RuntimeError(f"{what}: expected {expected}, found {actual}")
