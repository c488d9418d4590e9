"""The FastAPI application: lifespan wires the services once, routers do the rest."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response
from starlette.concurrency import run_in_threadpool

from api.errors import install_error_handlers
from api.metrics import REQUEST_LATENCY
from api.routes import connectors, graph, health, ingest, plans, search, usecases
from api.services import Services, ensure_admin_key, open_services
from api.settings import Settings, get_settings

log = logging.getLogger("marketgraph")


INDEX_RETRY_SECONDS = 30.0


async def _retry_index_work(services: Services) -> None:
    """Retry queued index work now and then (it is queued when Qdrant refused a write)."""
    while True:
        await asyncio.sleep(INDEX_RETRY_SECONDS)
        try:
            if services.indexer.pending():
                report = await run_in_threadpool(services.indexer.retry_pending)
                log.info(
                    "index retry: %d texts indexed, %d pending", report.indexed, report.pending
                )
        except Exception:  # keep retrying; the cause is logged
            log.exception("index retry failed")


def create_app(settings: Settings | None = None, services: Services | None = None) -> FastAPI:
    """Build the app; with ``services`` given (tests), the caller owns their lifetime."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if services is not None:
            app.state.services = services
            yield
            return
        opened = open_services(settings or get_settings())
        key = ensure_admin_key(opened)
        if key:
            log.warning("no API key was configured; generated an admin key (shown once): %s", key)
        app.state.services = opened
        retrier = asyncio.create_task(_retry_index_work(opened))
        try:
            yield
        finally:
            retrier.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await retrier
            opened.close()

    app = FastAPI(
        title="MarketGraph",
        version="0.1.0",
        summary="Knowledge-graph-centred orchestration for marketing teams",
        lifespan=lifespan,
    )
    install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(ingest.router)
    app.include_router(connectors.router)
    app.include_router(graph.router)
    app.include_router(search.router)
    app.include_router(plans.router)
    app.include_router(usecases.router)

    @app.middleware("http")
    async def observe(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        route = request.scope.get("route")
        path = getattr(route, "path", "unmatched")
        REQUEST_LATENCY.labels(request.method, path, str(response.status_code)).observe(
            time.perf_counter() - started
        )
        return response

    return app
