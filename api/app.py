"""The FastAPI application: lifespan wires the services once, routers do the rest."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response

from api.errors import install_error_handlers
from api.metrics import REQUEST_LATENCY
from api.routes import graph, health, ingest
from api.services import Services, ensure_admin_key, open_services
from api.settings import Settings, get_settings

log = logging.getLogger("marketgraph")


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
        try:
            yield
        finally:
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
    app.include_router(graph.router)

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
