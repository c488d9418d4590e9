"""The FastAPI application: lifespan wires the services once, routers do the rest."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import TypeVar

from fastapi import FastAPI

from api.body_limit import BodyLimit
from api.errors import install_error_handlers
from api.observe import install_observability, watching
from api.openapi import install_openapi
from api.routes import (
    alerts,
    approvals,
    audit,
    campaigns,
    connectors,
    console,
    content,
    graph,
    health,
    ingest,
    me,
    outbox,
    plans,
    research,
    search,
    usecases,
)
from api.services import Services, ensure_admin_key, open_services, show_generated_key
from api.settings import Settings, get_settings
from retrieval.host import IndexHost

log = logging.getLogger("marketgraph")


INDEX_RETRY_SECONDS = 30.0
OUTBOX_SECONDS = 5.0


T = TypeVar("T")


class _Background:
    """Background loops' blocking work runs on one thread of its own, so that shutting the
    app down waits for a tick in progress instead of closing the stores under it."""

    def __init__(self) -> None:
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="marketgraph-bg")

    async def run(self, fn: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.executor, fn)

    async def close(self) -> None:
        await asyncio.to_thread(self.executor.shutdown, True)


async def _retry_index_work(services: Services, bg: _Background) -> None:
    """Retry queued index work now and then (it is queued when Qdrant refused a write)."""
    while True:
        await asyncio.sleep(INDEX_RETRY_SECONDS)
        try:
            if services.indexer.pending():
                report = await bg.run(services.indexer.retry_pending)
                log.info(
                    "index retry: %d texts indexed, %d pending", report.indexed, report.pending
                )
        except Exception:  # keep retrying; the cause is logged
            log.exception("index retry failed")


async def _work(services: Services, bg: _Background) -> None:
    """The server's worker: handle due events and advance executing plans, every few
    seconds or as soon as a route wakes it. Several servers may run one each."""
    orchestrator = services.orchestrator
    while True:
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(services.wake.wait(), services.settings.worker_seconds)
            services.wake.clear()
            report = await bg.run(orchestrator.tick)
            while report.busy:
                report = await bg.run(orchestrator.tick)
        except asyncio.CancelledError:
            raise
        except Exception:  # keep working; the cause is logged
            log.exception("worker tick failed")
            await asyncio.sleep(services.settings.worker_seconds)


async def _deliver_outbox(services: Services, bg: _Background) -> None:
    """Deliver due webhook outbox entries every few seconds (safe beside other workers)."""
    worker = services.outbox
    while worker is not None:
        await asyncio.sleep(OUTBOX_SECONDS)
        try:
            report = await bg.run(worker.deliver_pending)
            if report.attempted or report.lost:
                log.info("outbox: %s", report)
        except Exception:  # keep delivering; the cause is logged
            log.exception("outbox delivery failed")


@asynccontextmanager
async def _background(services: Services) -> AsyncIterator[None]:
    bg = _Background()
    tasks = [asyncio.create_task(_retry_index_work(services, bg))]
    if services.settings.run_worker:
        tasks.append(asyncio.create_task(_work(services, bg)))
        if services.outbox is not None:
            tasks.append(asyncio.create_task(_deliver_outbox(services, bg)))
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await bg.close()  # a tick in progress finishes before the stores close


def create_app(settings: Settings | None = None, services: Services | None = None) -> FastAPI:
    """Build the app; with ``services`` given (tests), the caller owns their lifetime."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if services is not None:
            app.state.services = services
            async with watching(app, services), _background(services):
                yield
            return
        configured = settings or get_settings()
        host = None if configured.qdrant_url else IndexHost(configured.data_dir)
        opened = open_services(configured, host=host)
        key = ensure_admin_key(opened)
        if key:  # the key goes to the terminal (or a 0600 file), never into the log
            where = show_generated_key(key, opened.settings)
            log.warning("no API key was configured; generated an admin key, shown in %s", where)
        app.state.services = opened
        try:
            async with watching(app, opened), _background(opened):
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
    install_openapi(app)
    app.include_router(health.router)
    app.include_router(ingest.router)
    app.include_router(connectors.router)
    app.include_router(graph.router)
    app.include_router(search.router)
    app.include_router(plans.router)
    app.include_router(approvals.router)
    app.include_router(content.router)
    app.include_router(outbox.router)
    app.include_router(research.router)
    app.include_router(usecases.router)
    app.include_router(audit.router)
    app.include_router(me.router)
    app.include_router(campaigns.router)
    app.include_router(alerts.router)
    app.include_router(console.router)

    configured = settings or (services.settings if services is not None else get_settings())
    # Bodies over their limits are refused before anything reads them (inside the request
    # context, so refusals get request ids and access lines too).
    app.add_middleware(BodyLimit, limits=configured.limits)
    # Request ids, access lines, latency by route template; traces when asked for.
    install_observability(app, configured)

    return app


def serve_app() -> FastAPI:
    """The app of one worker process of ``marketgraph serve --workers N`` (an import-string
    factory for uvicorn: each worker configures its logging and reads the settings)."""
    from api.logs import configure_logging

    settings = get_settings()
    configure_logging(settings.log_format, settings.log_level)
    return create_app(settings)
