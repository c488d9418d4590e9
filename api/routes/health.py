"""Liveness, readiness and metrics (no key needed)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST

from api.deps import ServicesDep
from api.metrics import render
from graph.errors import GraphError
from retrieval.errors import RetrievalError

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is alive."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "the graph is unreachable"}})
def readyz(services: ServicesDep) -> JSONResponse:
    """The stores answer; says which backends and which retrieval mode are in use.

    503 when the graph is down; 200 with status "degraded" when only the index is (search
    fails, everything else works and index work is queued).
    """
    graph: dict[str, Any] = {"backend": services.graph.backend, "ok": True}
    try:
        services.graph.ping()
    except GraphError as e:
        graph.update(ok=False, error=str(e))
    retrieval: dict[str, Any] = {"ok": True}
    try:
        info = services.index.info()
        retrieval.update(
            mode=info.mode, dense_model=info.dense_model, points=info.points, location=info.location
        )
    except RetrievalError as e:
        retrieval.update(ok=False, error=str(e))
    if graph["ok"]:
        retrieval["pending"] = services.indexer.pending()
    status = "unavailable" if not graph["ok"] else "ready" if retrieval["ok"] else "degraded"
    body = {"status": status, "graph": graph, "retrieval": retrieval}
    return JSONResponse(status_code=200 if graph["ok"] else 503, content=body)


@router.get("/metrics", response_class=Response)
def metrics(request: Request) -> Response:
    """Prometheus text exposition: this process's series and the graph's (never a 500)."""
    collector = getattr(request.app.state, "graph_metrics", None)
    return Response(content=render(collector), media_type=CONTENT_TYPE_LATEST)
