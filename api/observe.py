"""Observability wiring: request ids and access lines, metrics, traces.

:class:`RequestContext` (outermost of the app's own middleware) gives each request an id,
the caller's sane ``X-Request-ID`` or a fresh one, binds it for the log lines written
while serving it, returns it in the response header, records the latency by route
template and writes one access line. An exception no handler turned into an answer is
logged here once, as JSON with its traceback and the request id, and the caller gets the
JSON error body quoting that id. :func:`watching` ties the graph gauges and the agent
counters to the services for the app's lifetime.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import metrics, telemetry
from api.errors import internal_error
from api.logs import REQUEST_ID_HEADER, bound_request_id, sane_request_id
from api.services import Services
from api.settings import Settings

log = logging.getLogger("marketgraph.api")
access = logging.getLogger("marketgraph.access")
# Probes and scrapes arrive every few seconds: their access lines are DEBUG, not INFO.
QUIET_ROUTES = frozenset({"/healthz", "/readyz", "/metrics"})


def route_template(scope: Scope) -> str | None:
    """The template of the route that served ``scope`` ("/v1/plans/{plan_id}"), if any."""
    route = scope.get("route")
    template = getattr(route, "path_format", None) or getattr(route, "path", None)
    return template if isinstance(template, str) else None


class RequestContext:
    """Request id, access line, latency metric and last-resort error logging."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = sane_request_id(Headers(scope=scope).get(REQUEST_ID_HEADER)) or (
            uuid.uuid4().hex
        )
        scope.setdefault("state", {})["request_id"] = request_id
        method = str(scope.get("method", ""))
        status = 500
        started_response = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, started_response
            if message["type"] == "http.response.start":
                started_response = True
                status = int(message["status"])
                headers = MutableHeaders(scope=message)
                if REQUEST_ID_HEADER not in headers:
                    headers[REQUEST_ID_HEADER] = request_id
            await send(message)

        with bound_request_id(request_id):
            started = time.perf_counter()
            try:
                await self.app(scope, receive, send_with_id)
            except Exception:
                route = route_template(scope) or scope.get("path", "")
                log.exception("unhandled error on %s %s", method, route)
                if started_response:
                    raise  # too late for an error body: the server drops the connection
                status = 500
                await internal_error(request_id)(scope, receive, send)
            finally:
                seconds = time.perf_counter() - started
                route = route_template(scope)
                metrics.observe_request(method, route, status, seconds)
                level = logging.DEBUG if route in QUIET_ROUTES else logging.INFO
                access.log(
                    level,
                    "%s %s %d %.1fms",
                    method,
                    route or metrics.UNMATCHED,
                    status,
                    seconds * 1000,
                    extra={
                        "method": method,
                        "route": route or metrics.UNMATCHED,
                        "path": scope.get("path", ""),
                        "status": status,
                        "duration_ms": round(seconds * 1000, 2),
                        "client": (scope.get("client") or ("", 0))[0],
                    },
                )


def install_observability(app: FastAPI, settings: Settings) -> None:
    """Add the request middleware and, when asked for, OpenTelemetry tracing."""
    telemetry.setup_tracing(settings)
    app.add_middleware(RequestContext)


@asynccontextmanager
async def watching(app: FastAPI, services: Services) -> AsyncIterator[None]:
    """For the app's lifetime: graph gauges at /metrics, agent work counted."""
    app.state.graph_metrics = metrics.GraphCollector(
        services, ttl=services.settings.metrics_cache_seconds
    )
    services.orchestrator.observers.add(metrics.record_work)
    try:
        yield
    finally:
        services.orchestrator.observers.remove(metrics.record_work)
        app.state.graph_metrics = None
