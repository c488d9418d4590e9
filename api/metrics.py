"""Prometheus series the service exports at /metrics.

Two kinds, both prefixed ``marketgraph_``:

- Process series, in prometheus_client's default registry: this process's HTTP requests
  (by route template), the records it ingested (counted by ``workflows.ingest``), and the
  agent work its orchestrator did (the server's worker running tasks and events, the planner behind
  ``POST /v1/plans``), reported through ``Orchestrator.observers``.
- Graph series, read through the GraphStore contract when /metrics is scraped
  (:class:`GraphCollector`): the state that every process sharing the graph leaves
  behind (other replicas, ``marketgraph work``, ``marketgraph demo``), cached for a few
  seconds so that scrapes stay cheap. A failing read never fails the scrape: it counts
  in ``marketgraph_scrape_errors_total`` and sets ``marketgraph_graph_up`` to 0.

Every label has a bounded set of values: route templates (never raw paths), fixed
vocabularies, and agent or alert kinds folded into ``other`` past a few dozen.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter as Tally
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from prometheus_client import REGISTRY, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

from agents.channels.outbox import STATUSES as OUTBOX_STATUSES
from agents.orchestrator.events import FAILED as EVENT_FAILED
from agents.orchestrator.events import PENDING as EVENT_PENDING
from agents.orchestrator.events import RUNNING as EVENT_RUNNING
from agents.orchestrator.gates import waiting_summary
from agents.orchestrator.observers import RESULTS, WorkDone
from agents.orchestrator.runs import BLOCKED, DONE, FAILED, PENDING, REJECTED, RUNNING, SKIPPED
from agents.orchestrator.runs import WAITING as TASK_WAITING
from graph.query import In
from graph.schema import Label
from ingest.records import KINDS, RECORD_TYPES

if TYPE_CHECKING:
    from api.services import Services

log = logging.getLogger("marketgraph.metrics")

HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "unmatched"  # the route label of a request no route matched
OTHER = "other"
MAX_LABEL_VALUES = 40  # distinct values of a free-text label kept before folding into "other"
TASK_STATUSES = (PENDING, RUNNING, DONE, TASK_WAITING, BLOCKED, SKIPPED, REJECTED, FAILED)
INGEST_RUN_STATUSES = ("running", "failed")  # besides "completed"
EVENT_STATUSES = (EVENT_PENDING, EVENT_RUNNING, EVENT_FAILED)
DEFAULT_CACHE_SECONDS = 5.0

# -- process series -------------------------------------------------------------------------
REQUEST_LATENCY = Histogram(
    "marketgraph_http_request_duration_seconds",
    "HTTP request latency by method, route template and status",
    ["method", "route", "status"],
)
AGENT_RUNS = Counter(
    "marketgraph_agent_runs",
    "Agent work done by this process (tasks, event handlers, planning), by agent and result",
    ["agent", "result"],
)
AGENT_FAILURES = Counter(
    "marketgraph_agent_failures",
    "Agent runs of this process that failed (whether retried or not), by agent",
    ["agent"],
)
AGENT_DURATION = Histogram(
    "marketgraph_agent_run_duration_seconds",
    "How long agent runs of this process took, by agent",
    ["agent"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0),
)
SCRAPE_ERRORS = Counter(
    "marketgraph_scrape_errors",
    "Graph reads that failed while /metrics was scraped, by section",
    ["section"],
)
_agents_seen: set[str] = set()
_agents_lock = threading.Lock()


def observe_request(method: str, route: str | None, status: int, seconds: float) -> None:
    """Record one HTTP request; ``route`` is the matched route's template, or None."""
    REQUEST_LATENCY.labels(
        method if method in HTTP_METHODS else OTHER, route or UNMATCHED, str(status)
    ).observe(seconds)


def record_work(work: WorkDone) -> None:
    """An orchestrator observer: count an agent run, its failure and its duration."""
    agent = _agent_label(work.agent)
    result = work.result if work.result in RESULTS else OTHER
    AGENT_RUNS.labels(agent, result).inc()
    AGENT_DURATION.labels(agent).observe(work.seconds)
    if work.failed:
        AGENT_FAILURES.labels(agent).inc()


def _agent_label(agent: str) -> str:
    with _agents_lock:
        if agent in _agents_seen:
            return agent
        if len(_agents_seen) >= MAX_LABEL_VALUES or not agent.isidentifier():
            return OTHER
        _agents_seen.add(agent)
        return agent


# -- graph series ---------------------------------------------------------------------------
Section = Callable[["Services"], Iterable[Metric]]


class GraphCollector:
    """Gauges read from the graph at scrape time, cached for ``ttl`` seconds.

    Each section reads on its own: one that fails is left out of the scrape (and counted
    in ``marketgraph_scrape_errors_total``) while the others are still reported.
    """

    def __init__(
        self,
        services: Services,
        *,
        ttl: float = DEFAULT_CACHE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.services = services
        self.ttl = ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._cached: list[Metric] = []
        self._cached_at: float | None = None
        self._failing: set[str] = set()

    def collect(self) -> Iterable[Metric]:
        with self._lock:
            now = self._clock()
            if self._cached_at is None or now - self._cached_at >= self.ttl:
                self._cached = self._read()
                self._cached_at = self._clock()
            return list(self._cached)

    def _read(self) -> list[Metric]:
        started = time.perf_counter()
        metrics: list[Metric] = []
        # A store that does not answer fails once here, not once (and one timeout) per
        # section below.
        ok = self._section("ping", _ping, metrics)
        if ok:
            results = [self._section(name, section, metrics) for name, section in SECTIONS.items()]
            ok = all(results)
        metrics.append(
            GaugeMetricFamily(
                "marketgraph_graph_up",
                "1 if every graph read of the last /metrics scrape succeeded, else 0",
                value=1.0 if ok else 0.0,
            )
        )
        metrics.append(
            GaugeMetricFamily(
                "marketgraph_graph_scrape_duration_seconds",
                "How long the graph reads of the last uncached /metrics scrape took",
                value=time.perf_counter() - started,
            )
        )
        return metrics

    def _section(
        self,
        name: str,
        section: Callable[[Services], Iterable[Metric] | None],
        metrics: list[Metric],
    ) -> bool:
        """Run one section's reads, adding its metrics; False (and counted) if it failed."""
        try:
            found = list(section(self.services) or ())
        except Exception as e:  # a failing store must not fail the scrape
            SCRAPE_ERRORS.labels(name).inc()
            if name not in self._failing:
                log.warning("metrics: reading %s from the graph failed: %s", name, e)
            self._failing.add(name)
            return False
        if name in self._failing:
            log.info("metrics: reading %s from the graph works again", name)
        self._failing.discard(name)
        metrics.extend(found)
        return True


def render(collector: Collector | None) -> bytes:
    """The exposition text: the graph's series first (a failing read is counted in the
    process series that follow), then this process's."""
    graph = b""
    if collector is not None:
        try:
            graph = generate_latest(collector)
        except Exception:  # never a 500 from /metrics
            SCRAPE_ERRORS.labels("render").inc()
            log.exception("metrics: rendering the graph series failed")
    return generate_latest(REGISTRY) + graph


def _ping(services: Services) -> None:
    services.graph.ping()


def _records(services: Services) -> Iterable[Metric]:
    family = GaugeMetricFamily(
        "marketgraph_records", "Canonical records in the graph, by kind", labels=["kind"]
    )
    for kind in KINDS:
        family.add_metric([kind], services.graph.count(RECORD_TYPES[kind].label))
    return [family]


def _ingest_runs(services: Services) -> Iterable[Metric]:
    graph = services.graph
    found = graph.count_by(Label.INGEST_RUN, "status", {"status": In(INGEST_RUN_STATUSES)})
    counts = {status: found.get(status, 0) for status in INGEST_RUN_STATUSES}
    counts["completed"] = max(graph.count(Label.INGEST_RUN) - sum(counts.values()), 0)
    family = GaugeMetricFamily(
        "marketgraph_ingest_runs", "Ingest runs recorded in the graph, by status", labels=["status"]
    )
    for status in ("completed", *INGEST_RUN_STATUSES):
        family.add_metric([status], counts[status])
    return [family]


def _tasks(services: Services) -> Iterable[Metric]:
    tally: Tally[tuple[str, str]] = Tally()
    where = {"status": In(TASK_STATUSES)}
    for (agent, status), n in services.graph.count_by(
        Label.TASK, ("agent", "status"), where
    ).items():
        tally[(str(agent or "none"), str(status))] += n
    family = GaugeMetricFamily(
        "marketgraph_tasks",
        "Plan tasks in the graph, by agent and status",
        labels=["agent", "status"],
    )
    for (agent, status), n in sorted(_fold(tally).items()):
        family.add_metric([agent, status], n)
    return [family]


def _approvals(services: Services) -> Iterable[Metric]:
    counts, oldest_at = waiting_summary(services.graph)
    by_action = Tally({str(action): n for action, n in counts.items()})
    pending = GaugeMetricFamily(
        "marketgraph_pending_approvals",
        "Plan versions and tasks waiting at an approval gate, by action",
        labels=["action"],
    )
    for action in ("plan", "publish", "budget_change"):
        pending.add_metric([action], by_action.pop(action, 0))
    for action, n in sorted(_fold_values(by_action).items()):
        pending.add_metric([action], n)
    oldest = GaugeMetricFamily(
        "marketgraph_pending_approval_oldest_seconds",
        "Age of the oldest item waiting at an approval gate (0 when none waits)",
        value=_oldest_age(oldest_at),
    )
    return [pending, oldest]


def _outbox(services: Services) -> Iterable[Metric]:
    graph = services.graph
    by_status = graph.count_by(Label.OUTBOX_ENTRY, "status")
    family = GaugeMetricFamily(
        "marketgraph_outbox_entries",
        "Webhook outbox entries by status (delivered entries leave the outbox)",
        labels=["status"],
    )
    for status in OUTBOX_STATUSES:
        family.add_metric([status], by_status.get(status, 0))
    waiting = {"status": In(["pending", "delivering"])}
    first = graph.find(Label.OUTBOX_ENTRY, waiting, order_by="created_at", limit=1)
    oldest = GaugeMetricFamily(
        "marketgraph_outbox_oldest_undelivered_seconds",
        "Age of the oldest outbox entry still waiting for delivery (0 when none waits)",
        value=_oldest_age(n.properties.get("created_at") for n in first),
    )
    return [family, oldest]


def _events(services: Services) -> Iterable[Metric]:
    counts = services.orchestrator.bus.counts()
    family = GaugeMetricFamily(
        "marketgraph_events",
        "Orchestrator events not yet handled, by status (failed: out of attempts)",
        labels=["status"],
    )
    for status in EVENT_STATUSES:
        family.add_metric([status], counts.get(status, 0))
    return [family]


def _alerts(services: Services) -> Iterable[Metric]:
    by_severity: Tally[str] = Tally()
    for severity, n in services.graph.count_by(Label.ALERT, "severity", {"status": "open"}).items():
        by_severity[str(severity or "none")] += n
    family = GaugeMetricFamily(
        "marketgraph_open_alerts", "Open alerts in the graph, by severity", labels=["severity"]
    )
    for severity in ("warning", "critical"):
        family.add_metric([severity], by_severity.pop(severity, 0))
    for severity, n in sorted(_fold_values(by_severity).items()):
        family.add_metric([severity], n)
    return [family]


def _index(services: Services) -> Iterable[Metric]:
    return [
        GaugeMetricFamily(
            "marketgraph_index_jobs_pending",
            "Index work queued for a retry (Qdrant refused or was unreachable)",
            value=services.indexer.pending(),
        )
    ]


SECTIONS: dict[str, Section] = {
    "records": _records,
    "ingest_runs": _ingest_runs,
    "tasks": _tasks,
    "approvals": _approvals,
    "outbox": _outbox,
    "events": _events,
    "alerts": _alerts,
    "index": _index,
}


def _fold_values(tally: Mapping[str, int]) -> dict[str, int]:
    """Keep the most frequent values; the rest are summed into "other" (bounded labels)."""
    kept = {value for value, _ in Tally(tally).most_common(MAX_LABEL_VALUES)}
    out: Tally[str] = Tally()
    for value, n in tally.items():
        out[_clip(value) if value in kept else OTHER] += n
    return dict(out)


def _fold(tally: Mapping[tuple[str, str], int]) -> dict[tuple[str, str], int]:
    """:func:`_fold_values` on the first label of pairs whose second label is bounded."""
    totals: Tally[str] = Tally()
    for (first, _), n in tally.items():
        totals[first] += n
    kept = set(_fold_values(totals)) - {OTHER}
    out: Tally[tuple[str, str]] = Tally()
    for (first, second), n in tally.items():
        out[(_clip(first) if _clip(first) in kept else OTHER, _clip(second))] += n
    return dict(out)


def _clip(value: str) -> str:
    return value[:64]


def _oldest_age(stamps: Iterable[object]) -> float:
    """Seconds since the oldest of ``stamps`` (datetimes or ISO strings); 0 if none."""
    now = datetime.now(UTC)
    oldest: datetime | None = None
    for stamp in stamps:
        when = _as_datetime(stamp)
        if when is not None and (oldest is None or when < oldest):
            oldest = when
    return max((now - oldest).total_seconds(), 0.0) if oldest is not None else 0.0


def _as_datetime(value: object) -> datetime | None:
    if isinstance(value, datetime):
        when = value
    elif isinstance(value, str) and value:
        try:
            when = datetime.fromisoformat(value)
        except ValueError:
            return None
    else:
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)
