"""Observability on real servers: /metrics after a demo run, request ids and JSON logs, a
store that fails under /metrics, and OpenTelemetry spans.

The first tests run ``marketgraph demo`` (one short cycle) and then ``marketgraph serve``
on its data dir, as a user would, and read the server's stderr; the others serve an app
in-process (``tests.integration.http_server``) to close its store, catch its spans, or
add a route that fails.
"""

from __future__ import annotations

import io
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from opentelemetry.util._once import Once
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from api import telemetry
from api.app import create_app
from api.logs import make_handler
from api.services import assemble, open_index
from api.settings import Settings
from graph.embedded import EmbeddedGraphStore
from tests.integration.http_server import free_port, serve

BIN = Path(sys.executable).parent / "marketgraph"
KEYS = {
    "planner-key-123-secret": "planner",
    "approver-key-123-secret": "approver",
    "view-key-123-secret": "viewer",
}
PLANNER = {"Authorization": "Bearer planner-key-123-secret"}
APPROVER = {"Authorization": "Bearer approver-key-123-secret"}
VIEWER = {"Authorization": "Bearer view-key-123-secret"}
BRAND = "brand-trailhead"


# -- helpers ---------------------------------------------------------------------------------
Samples = dict[str, list[Sample]]


def scrape(http: httpx.Client) -> Samples:
    response = http.get("/metrics")
    assert response.status_code == 200, response.text
    samples: Samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples.setdefault(sample.name, []).append(sample)
    return samples


def value(samples: Samples, name: str, **labels: str) -> float | None:
    """The sample of ``name`` with exactly these labels (among others), or None."""
    for sample in samples.get(name, []):
        if all(sample.labels.get(k) == v for k, v in labels.items()):
            return sample.value
    return None


def total(samples: Samples, name: str, **labels: str) -> float:
    return sum(
        s.value
        for s in samples.get(name, [])
        if all(s.labels.get(k) == v for k, v in labels.items())
    )


def json_lines(text: str) -> list[dict[str, Any]]:
    """Every non-empty line, parsed: each must be one JSON object."""
    lines = [line for line in text.splitlines() if line.strip()]
    parsed = [json.loads(line) for line in lines]
    assert all(isinstance(p, dict) for p in parsed)
    return parsed


def wait_for(http: httpx.Client, ready: Any, what: str, timeout: float = 40.0) -> Samples:
    """Scrape until ``ready(samples)`` holds."""
    deadline = time.monotonic() + timeout
    while True:
        samples = scrape(http)
        if ready(samples):
            return samples
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.3)


@contextmanager
def log_capture(caplog: pytest.LogCaptureFixture) -> Iterator[io.StringIO]:
    """The service's log lines, as ``marketgraph serve`` writes them (JSON, with context)."""
    stream = io.StringIO()
    handler = make_handler("json", stream)
    logger = logging.getLogger("marketgraph")
    caplog.set_level(logging.INFO, logger="marketgraph")
    logger.addHandler(handler)
    try:
        yield stream
    finally:
        logger.removeHandler(handler)


# -- a demo run, then `marketgraph serve` on its data dir -------------------------------------
@dataclass
class Served:
    http: httpx.Client
    stderr: Path


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MARKETGRAPH_", "OTEL_"))}
    env.update(
        MARKETGRAPH_DATA_DIR=str(data_dir),
        MARKETGRAPH_API_KEYS=",".join(f"{k}:{r}" for k, r in KEYS.items()),
        MARKETGRAPH_WORKER_SECONDS="0.3",
        MARKETGRAPH_SANDBOX="true",  # the server executes the demo brand's plans
        MARKETGRAPH_METRICS_CACHE_SECONDS="0.1",
        COLUMNS="200",
    )
    return env


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    data_dir = tmp_path_factory.mktemp("observability")
    env = _env(data_dir)
    demo = subprocess.run(
        [str(BIN), "demo", "--cycles", "1", "--days", "7", "--outcome-rows", "2000"],
        env=env,
        cwd=data_dir,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert demo.returncode == 0, demo.stdout + demo.stderr
    port = free_port()
    stderr = data_dir / "serve.stderr"
    with stderr.open("w") as err:
        server = subprocess.Popen(
            [str(BIN), "serve", "--port", str(port)],
            env=env,
            cwd=data_dir,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as http:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if http.get("/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the server did not start:\n{stderr.read_text()}")
                time.sleep(0.2)
            yield Served(http, stderr)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_metrics_show_the_work_of_a_demo_run_and_of_the_server(served: Served) -> None:
    http = served.http
    samples = scrape(http)
    # The graph's gauges: what the demo process did.
    assert value(samples, "marketgraph_graph_up") == 1.0
    assert (value(samples, "marketgraph_records", kind="outcomes") or 0) > 0
    assert (value(samples, "marketgraph_ingest_runs", status="completed") or 0) >= 2
    for agent in ("budget", "content", "distribution"):
        assert (value(samples, "marketgraph_tasks", agent=agent, status="done") or 0) > 0
    for status in ("pending", "delivering", "delivered", "failed"):
        assert value(samples, "marketgraph_outbox_entries", status=status) == 0.0
    assert value(samples, "marketgraph_outbox_oldest_undelivered_seconds") == 0.0
    assert value(samples, "marketgraph_pending_approvals", action="plan") == 0.0
    assert value(samples, "marketgraph_events", status="failed") == 0.0
    assert value(samples, "marketgraph_open_alerts", severity="critical") is not None
    assert value(samples, "marketgraph_index_jobs_pending") == 0.0
    assert value(samples, "marketgraph_http_request_duration_seconds_count", route="/healthz")

    # Work in the server itself: a plan waits at its gate, then the worker executes it.
    start = datetime.now(UTC).date()  # it starts today: its budgets are set at once
    body = {
        "brand_id": BRAND,
        "budget": 20000,
        "start_date": start.isoformat(),
        "end_date": (start + timedelta(days=13)).isoformat(),
        "brief": "Grow revenue on the channels that work.",
    }
    created = http.post("/v1/plans", json=body, headers=PLANNER)
    assert created.status_code == 200, created.text
    plan_id = created.json()["id"]
    samples = wait_for(
        http,
        lambda s: value(s, "marketgraph_pending_approvals", action="plan") == 1.0,
        "the plan at its gate",
    )
    assert (value(samples, "marketgraph_pending_approval_oldest_seconds") or 0) > 0
    assert value(samples, "marketgraph_agent_runs_total", agent="planner", result="done") == 1
    assert value(samples, "marketgraph_agent_runs_total", agent="research", result="done") == 1

    approved = http.post(f"/v1/plans/{plan_id}/approve", json={"comment": "ok"}, headers=APPROVER)
    assert approved.status_code == 200, approved.text
    executed = http.post(f"/v1/plans/{plan_id}/execute", headers=PLANNER)
    assert executed.status_code == 200, executed.text
    assert executed.json()["run_status"] == "running"

    def drafts_wait(s: Samples) -> bool:
        # The orchestrator's event handler is counted when it returns, after the tasks
        # it ran: wait for it too.
        return (
            (value(s, "marketgraph_pending_approvals", action="publish") or 0) > 0
            and total(s, "marketgraph_agent_runs_total", agent="content", result="waiting_approval")
            > 0
            and total(s, "marketgraph_agent_runs_total", agent="orchestrator", result="done") > 0
        )

    samples = wait_for(http, drafts_wait, "the content drafts at the publish gate")
    assert total(samples, "marketgraph_agent_runs_total", agent="budget") > 0
    assert (
        value(samples, "marketgraph_agent_run_duration_seconds_count", agent="content") or 0
    ) > 0
    assert value(samples, "marketgraph_agent_failures_total", agent="content") in (None, 0.0)
    assert (
        value(samples, "marketgraph_tasks", agent="content", status="waiting_approval") or 0
    ) > 0
    routes = {s.labels["route"] for s in samples["marketgraph_http_request_duration_seconds_count"]}
    assert "/v1/plans/{plan_id}/approve" in routes
    assert not any(plan_id in route for route in routes)


def test_request_ids_round_trip_and_every_log_line_is_json(served: Served) -> None:
    http = served.http
    mine = http.get("/v1/plans/nope", headers={**VIEWER, "X-Request-ID": "obs-test-42"})
    assert mine.status_code == 404
    assert mine.headers["X-Request-ID"] == "obs-test-42"
    assert mine.json()["error"]["code"] == "not_found"
    fresh = http.get("/healthz").headers["X-Request-ID"]
    assert len(fresh) == 32
    for bad in ("has spaces in it", "x" * 129, "semi;colon"):
        answered = http.get("/healthz", headers={"X-Request-ID": bad}).headers["X-Request-ID"]
        assert answered != bad and len(answered) == 32
    lost = http.get("/no/such/path/12345", headers={"X-Request-ID": "obs-test-43"})
    assert lost.status_code == 404 and lost.headers["X-Request-ID"] == "obs-test-43"
    text = http.get("/metrics").text
    assert "/no/such/path" not in text
    assert 'route="unmatched",status="404"' in text

    deadline = time.monotonic() + 10
    while True:
        lines = json_lines(served.stderr.read_text())
        access = [line for line in lines if line.get("request_id") == "obs-test-42"]
        if access or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert len(access) == 1, access
    line = access[0]
    assert line["logger"] == "marketgraph.access" and line["level"] == "INFO"
    assert (line["method"], line["route"], line["status"]) == ("GET", "/v1/plans/{plan_id}", 404)
    assert isinstance(line["duration_ms"], float) and line["path"] == "/v1/plans/nope"
    assert {"time", "message"} <= set(line)
    assert any(x["logger"] == "uvicorn.error" and "startup complete" in x["message"] for x in lines)
    assert not any(x["logger"] == "uvicorn.access" for x in lines)
    unmatched = [x for x in lines if x.get("request_id") == "obs-test-43"]
    assert unmatched and unmatched[0]["route"] == "unmatched"


# -- in-process servers ------------------------------------------------------------------------
def test_a_failing_store_does_not_break_metrics(
    embedded_store: EmbeddedGraphStore, tmp_path: Path
) -> None:
    with serve(embedded_store, tmp_path, KEYS, metrics_cache_seconds=0) as http:
        before = scrape(http)
        assert value(before, "marketgraph_graph_up") == 1.0
        errors = total(before, "marketgraph_scrape_errors_total")
        embedded_store.close()  # the store fails from now on, under the running server
        after = scrape(http)
        assert value(after, "marketgraph_graph_up") == 0.0
        assert total(after, "marketgraph_scrape_errors_total") > errors
        assert value(after, "marketgraph_records", kind="outcomes") is None
        assert after["marketgraph_http_request_duration_seconds_count"]
        assert http.get("/metrics").status_code == 200
        assert http.get("/readyz").status_code == 503


@contextmanager
def run_app(app: FastAPI) -> Iterator[httpx.Client]:
    """A real uvicorn server for an app the test built itself."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.02)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            yield http
    finally:
        server.should_exit = True
        thread.join(timeout=30)


class ListHandler(logging.Handler):
    def __init__(self, records: list[logging.LogRecord]) -> None:
        super().__init__(logging.DEBUG)
        self.records = records

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_a_defect_is_logged_once_as_json_and_answered_with_the_request_id(
    embedded_store: EmbeddedGraphStore, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    api_keys = ",".join(f"{k}:{r}" for k, r in KEYS.items())
    settings = Settings(data_dir=tmp_path, api_keys=api_keys, run_worker=False)
    index = open_index(settings)
    app = create_app(settings, assemble(settings, embedded_store, index))

    def boom() -> None:
        raise RuntimeError("boom in a route")

    def chatty() -> dict[str, str]:
        logging.getLogger("marketgraph.test").info("inside the route", extra={"step": 1})
        return {"ok": "yes"}

    app.add_api_route("/boom", boom)
    app.add_api_route("/chatty", chatty)
    server_errors: list[logging.LogRecord] = []
    uvicorn_errors = logging.getLogger("uvicorn.error")
    keep = ListHandler(server_errors)
    try:
        with log_capture(caplog) as logs, run_app(app) as http:
            uvicorn_errors.addHandler(keep)  # after uvicorn configured its loggers
            failed = http.get("/boom", headers={"X-Request-ID": "boom-1"})
            said = http.get("/chatty", headers={"X-Request-ID": "chatty-1"})
    finally:
        uvicorn_errors.removeHandler(keep)
        index.close()
    assert failed.status_code == 500
    assert failed.headers["X-Request-ID"] == "boom-1"
    error = failed.json()["error"]
    assert error["code"] == "internal_error" and "boom-1" in error["message"]
    assert error["details"] == {"request_id": "boom-1"}
    assert "boom in a route" not in failed.text  # the cause stays in the log
    assert said.status_code == 200

    lines = json_lines(logs.getvalue())
    tracebacks = [x for x in lines if "exception" in x]
    assert len(tracebacks) == 1, tracebacks
    assert tracebacks[0]["request_id"] == "boom-1" and tracebacks[0]["level"] == "ERROR"
    assert "RuntimeError: boom in a route" in tracebacks[0]["exception"]
    access = [x for x in lines if x["logger"] == "marketgraph.access"]
    assert [(x["request_id"], x["route"], x["status"]) for x in access] == [
        ("boom-1", "/boom", 500),
        ("chatty-1", "/chatty", 200),
    ]
    inside = [x for x in lines if x["logger"] == "marketgraph.test"]  # ran in a thread
    assert len(inside) == 1 and (inside[0]["request_id"], inside[0]["step"]) == ("chatty-1", 1)
    assert not [r for r in server_errors if "Exception in ASGI application" in r.getMessage()]


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    """A process tracer provider that keeps spans in memory; the globals are reset after."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    _reset_tracing()
    trace.set_tracer_provider(provider)
    try:
        yield exporter
    finally:
        telemetry.shutdown_tracing()
        provider.shutdown()
        _reset_tracing()


def _reset_tracing() -> None:
    # What opentelemetry's own tests do (opentelemetry.test.globals_test): the global
    # provider can be set once per process, so the test puts the default back by hand.
    trace._TRACER_PROVIDER_SET_ONCE = Once()
    trace._TRACER_PROVIDER = None


def test_otel_spans_for_requests_with_the_route_and_trace_ids_in_logs(
    spans: InMemorySpanExporter,
    embedded_store: EmbeddedGraphStore,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with log_capture(caplog) as logs, serve(embedded_store, tmp_path, KEYS, otel=True) as http:
        answered = http.get("/v1/plans/plan-x", headers={**VIEWER, "X-Request-ID": "otel-1"})
        assert answered.status_code == 404
        deadline = time.monotonic() + 5
        while not _server_spans(spans) and time.monotonic() < deadline:
            time.sleep(0.05)
    server = _server_spans(spans)
    assert len(server) == 1
    span = server[0]
    assert span.name == "GET /v1/plans/{plan_id}"
    assert span.attributes is not None and span.attributes["http.response.status_code"] == 404
    assert span.context is not None
    trace_id = span.context.trace_id
    clients = [
        s
        for s in spans.get_finished_spans()
        if s.kind is SpanKind.CLIENT and s.context is not None and s.context.trace_id == trace_id
    ]
    assert clients, "the httpx call is traced, and its context reaches the server"
    lines = [x for x in json_lines(logs.getvalue()) if x.get("request_id") == "otel-1"]
    assert lines and all(x["trace_id"] == format(trace_id, "032x") for x in lines)


def _server_spans(exporter: InMemorySpanExporter) -> list[ReadableSpan]:
    return [
        s
        for s in exporter.get_finished_spans()
        if s.kind is SpanKind.SERVER
        and s.attributes is not None
        and s.attributes.get("http.route") == "/v1/plans/{plan_id}"
    ]


def test_tracing_asked_for_without_the_packages_is_one_log_line(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    telemetry.shutdown_tracing()  # whatever an earlier test set up: start afresh
    monkeypatch.setitem(sys.modules, "opentelemetry.sdk.trace", None)  # as if not installed
    settings = Settings(data_dir=tmp_path, otel=True)
    with caplog.at_level(logging.WARNING, logger="marketgraph.telemetry"):
        assert telemetry.setup_tracing(settings) is False
        assert telemetry.setup_tracing(settings) is False
    warnings = [r for r in caplog.records if r.name == "marketgraph.telemetry"]
    assert len(warnings) == 1 and "marketgraph[otel]" in warnings[0].getMessage()
    assert telemetry.setup_tracing(Settings(data_dir=tmp_path)) is False  # not asked for
