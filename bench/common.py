"""Shared pieces of the benchmarks: progress lines, timing statistics, machine facts."""

from __future__ import annotations

import math
import os
import platform
import sqlite3
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Rows per GraphBatch / per transaction in every write measurement (the pipeline's default too).
BATCH_ROWS = 5_000


class Progress:
    """Progress lines on stderr, each stamped with the time since the run started.

    ``every`` throttles :meth:`tick` so a loop of thousands of batches prints a line only
    every few seconds; :meth:`say` always prints.
    """

    def __init__(self, *, quiet: bool = False, every: float = 3.0) -> None:
        self.quiet = quiet
        self.every = every
        self.started = time.monotonic()
        self._last_tick = 0.0

    def say(self, message: str) -> None:
        if self.quiet:
            return
        elapsed = time.monotonic() - self.started
        print(f"[{_clock(elapsed)}] {message}", file=sys.stderr, flush=True)

    def tick(self, message: str, done: int, total: int | None = None) -> None:
        """A throttled ``message: done/total`` line (always printed when done == total)."""
        now = time.monotonic()
        finished = total is not None and done >= total
        if not finished and now - self._last_tick < self.every:
            return
        self._last_tick = now
        if total:
            self.say(f"{message}: {done:,}/{total:,} ({100 * done / total:.0f}%)")
        else:
            self.say(f"{message}: {done:,}")


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes:02d}:{secs:02d}"


@dataclass
class Latency:
    """Latency of one query over many calls, in milliseconds."""

    calls: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) of already sorted values, linearly interpolated."""
    if not sorted_values:
        raise ValueError("percentile of no values")
    if len(sorted_values) == 1:
        return sorted_values[0]
    rank = (len(sorted_values) - 1) * q / 100.0
    low = math.floor(rank)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (rank - low)


def latency(samples_ms: Sequence[float]) -> Latency:
    """Summarise call durations (ms)."""
    ordered = sorted(samples_ms)
    return Latency(
        calls=len(ordered),
        p50_ms=percentile(ordered, 50),
        p95_ms=percentile(ordered, 95),
        p99_ms=percentile(ordered, 99),
        mean_ms=sum(ordered) / len(ordered),
        max_ms=ordered[-1],
    )


@dataclass
class Rate:
    """How fast ``rows`` outcome rows were written (``cpu_seconds``: CPU time of this
    Python process meanwhile; for a server backend the rest of the wall time is the server
    working, the network, or waiting for a core)."""

    rows: int
    seconds: float
    cpu_seconds: float = 0.0

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0


@dataclass
class Machine:
    """What the figures were measured on."""

    cores: int
    python: str
    sqlite: str
    neo4j_driver: str
    neo4j_server: str | None = None
    platform: str = field(default_factory=platform.platform)
    load_average: tuple[float, float, float] | None = None
    code: str = "unknown"

    def describe(self) -> list[str]:
        load = (
            ", ".join(f"{x:.2f}" for x in self.load_average)
            if self.load_average is not None
            else "n/a"
        )
        return [
            f"machine: {self.cores} cores, {self.platform}, load average at start {load}",
            f"Python {self.python}, SQLite {self.sqlite}, neo4j driver {self.neo4j_driver}, "
            f"Neo4j server {self.neo4j_server or 'not used'}",
            f"code: {self.code}",
        ]


def machine() -> Machine:
    try:
        load: tuple[float, float, float] | None = os.getloadavg()
    except OSError:  # not available on this platform
        load = None
    try:
        driver = metadata.version("neo4j")
    except metadata.PackageNotFoundError:
        driver = "not installed"
    return Machine(
        cores=os.cpu_count() or 1,
        python=platform.python_version(),
        sqlite=sqlite3.sqlite_version,
        neo4j_driver=driver,
        load_average=load,
        code=code_version(),
    )


def code_version() -> str:
    """The git commit measured, and how many files of the graph code differ from it."""
    try:
        sha = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "status", "--porcelain", "--", "graph", "ingest", "migrations"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.splitlines()
    except (OSError, subprocess.SubprocessError):
        return "unknown (not a git checkout)"
    dirty = (
        f" + {len(changed)} uncommitted file(s) in graph/ ingest/ migrations/" if changed else ""
    )
    return f"git {sha}{dirty}"
