"""Ingest runs that end: who ran them, how far they got, and runs a dead process left.

A run records the process writing it (host and pid) and, after the first batch it commits
and then at most every ``HEARTBEAT_SECONDS``, how many writes have landed (``written`` of
``to_write``) and when (``heartbeat_at``). A heartbeat is a transaction of its own (two
statements on Neo4j, on the run node every FROM edge points at); one per batch of 5,000
rows was pure overhead beside a stale limit of minutes.
When a process opens the store (server start, ``marketgraph ingest``…), a run still
``running`` whose process is gone (same host, pid not alive) or whose heartbeat is older
than ``stale_seconds`` (another host) is marked ``interrupted``, keeping what it
committed. Ingesting the same content again completes it (the run id is the same).
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from graph.base import GraphStore
from graph.models import NodeRef, PropertyValue
from graph.schema import Label

Progress = Callable[[str, int, int], None]
STALE_SECONDS = 600.0  # a live run commits a batch far more often than this
HEARTBEAT_SECONDS = 5.0  # a live run's heartbeat is never older than this plus a batch


def process_props() -> dict[str, Any]:
    """What a run records about the process writing it."""
    return {"host": socket.gethostname(), "pid": os.getpid()}


def tracking(
    store: GraphStore,
    run: NodeRef,
    progress: Progress | None,
    every: float = HEARTBEAT_SECONDS,
) -> Progress:
    """``progress``, also recording on the run the batches committed (a heartbeat) after
    the first one and then once ``every`` seconds have passed since the last heartbeat;
    the last batch needs none (the run is rewritten as it ends)."""
    last: float | None = None

    def update(stage: str, done: int, total: int) -> None:
        nonlocal last
        clock = time.monotonic()
        due = last is None or clock - last >= every
        if stage == "writing" and due and done < total:
            last = clock
            now = datetime.now(UTC).isoformat()
            changes: dict[str, PropertyValue] = {
                "written": done,
                "to_write": total,
                "heartbeat_at": now,
            }
            store.update_if(run, {"status": "running"}, changes)
        if progress is not None:
            progress(stage, done, total)

    return update


def recover_interrupted(
    store: GraphStore, *, stale_seconds: float = STALE_SECONDS, now: datetime | None = None
) -> list[str]:
    """Mark the runs left ``running`` by a process that is gone as ``interrupted``.

    Returns their ids. Safe beside live processes: a run whose process is alive on this
    host, or whose heartbeat is fresh, is left alone.
    """
    now = now or datetime.now(UTC)
    here = socket.gethostname()
    marked = []
    for run in store.find_all(Label.INGEST_RUN, {"status": "running"}):
        p = run.properties
        if p.get("host") == here and isinstance(p.get("pid"), int):
            alive = _pid_alive(int(p["pid"]))
        else:
            beat = str(p.get("heartbeat_at") or p.get("started_at") or "")
            alive = _fresh(beat, now, stale_seconds)
        if alive:
            continue
        changes = {"status": "interrupted", "interrupted_at": now.isoformat()}
        if store.update_if(run.ref, {"status": "running"}, changes) is not None:
            marked.append(run.id)
    return marked


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return _not_zombie(pid)


def _not_zombie(pid: int) -> bool:
    """A killed child not yet reaped still answers signal 0; its state says it is dead."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            return f.read().rsplit(")", 1)[-1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _fresh(stamp: str, now: datetime, stale_seconds: float) -> bool:
    try:
        when = datetime.fromisoformat(stamp)
    except ValueError:
        return False
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return now - when <= timedelta(seconds=stale_seconds)
