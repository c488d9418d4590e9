"""Liveness, readiness and metrics (no key needed)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from api.deps import ServicesDep
from graph.errors import GraphError

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is alive."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "a store is unreachable"}})
def readyz(services: ServicesDep) -> JSONResponse:
    """The stores answer; says which backends and which retrieval mode are in use."""
    graph: dict[str, Any] = {"backend": services.graph.backend, "ok": True}
    try:
        services.graph.ping()
    except GraphError as e:
        graph.update(ok=False, error=str(e))
    retrieval = {"mode": "sparse-only" if not services.settings.embeddings else "hybrid"}
    ready = graph["ok"]
    body = {"status": "ready" if ready else "unavailable", "graph": graph, "retrieval": retrieval}
    return JSONResponse(status_code=200 if ready else 503, content=body)


@router.get("/metrics", response_class=Response)
def metrics() -> Response:
    """Prometheus text exposition."""
    return Response(content=generate_latest(), media_type=CONTENT_TYPE_LATEST)
