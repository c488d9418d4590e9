"""Observers of agent work: how the composition root learns what a worker did (metrics).

The orchestrator tells each registered observer about every task an agent ran, every
event handler the bus ran and every plan the planner (and research before it) made, as a
:class:`WorkDone`. Observers are called synchronously on the worker's thread, so they must
be quick; one that raises is logged and ignored, never allowed to fail the work.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

log = logging.getLogger("marketgraph.orchestrator")

# What came of a piece of work. Tasks: done, waiting_approval, skipped, blocked (no agent
# configured), retrying (failed, will run again), failed (out of attempts). Event handlers:
# done, retrying, failed. The planner: done, refused (the request cannot be planned),
# failed. Research: done, failed.
RESULTS: tuple[str, ...] = (
    "done",
    "waiting_approval",
    "skipped",
    "blocked",
    "refused",
    "retrying",
    "failed",
)
FAILED_RESULTS = frozenset({"retrying", "failed"})


@dataclass(frozen=True)
class WorkDone:
    """One piece of agent work this process did."""

    agent: str  # a task agent's name, "planner", "research", or an event handler's agent
    result: str  # one of RESULTS
    seconds: float
    event: str | None = None  # the event type, when an event handler did the work

    @property
    def failed(self) -> bool:
        return self.result in FAILED_RESULTS


Observer = Callable[[WorkDone], None]


class Observers:
    """The observers of one orchestrator (and its event bus)."""

    def __init__(self) -> None:
        self._observers: list[Observer] = []

    def add(self, observer: Observer) -> None:
        if observer not in self._observers:
            self._observers.append(observer)

    def remove(self, observer: Observer) -> None:
        if observer in self._observers:
            self._observers.remove(observer)

    def notify(self, work: WorkDone) -> None:
        for observer in list(self._observers):
            try:
                observer(work)
            except Exception:  # an observer's defect must not fail the work it watches
                log.exception("observer %r failed", observer)

    @contextmanager
    def timed(self, agent: str, refused: tuple[type[Exception], ...] = ()) -> Iterator[list[str]]:
        """Time the block and report it as ``agent``'s work: "done", unless the block puts
        another result in the yielded list, or raises ("refused" for one of ``refused``,
        the caller's mistakes; else "failed")."""
        started = time.perf_counter()
        result: list[str] = []
        try:
            yield result
        except Exception as e:
            outcome = "refused" if isinstance(e, refused) else "failed"
            self.notify(WorkDone(agent, outcome, time.perf_counter() - started))
            raise
        self.notify(WorkDone(agent, result[0] if result else "done", time.perf_counter() - started))
