"""Canonical records in over HTTP."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from api.deps import Analyst, ServicesDep
from api.errors import ApiError
from api.schemas.ingest import IngestPublic, RejectedRecord
from api.scope import ScopeDep
from ingest import KINDS, Part, UnknownKindError, describe, detect_format, read_rows
from workflows.ingest import ingest_records as ingest_workflow

router = APIRouter(prefix="/v1/ingest", tags=["ingest"])

MAX_BODY_BYTES = 256 * 1024 * 1024


@router.post(
    "/{kind}",
    response_model=IngestPublic,
    responses={
        400: {"description": "unreadable body"},
        415: {"description": "unsupported content type"},
        422: {"description": "bad records; nothing was written"},
    },
)
async def ingest_records(
    kind: str,
    request: Request,
    services: ServicesDep,
    principal: Analyst,
    scope: ScopeDep,
    skip_bad: Annotated[bool, Query(description="keep the good records, report the bad")] = False,
    source: Annotated[
        str | None, Query(max_length=256, description="name recorded as the data's source")
    ] = None,
) -> IngestPublic:
    """Ingest JSON Lines or CSV records of one kind (DATA.md), all or nothing."""
    if kind not in KINDS:
        raise UnknownKindError(kind, KINDS)
    content_type = request.headers.get("content-type", "")
    try:
        fmt = detect_format("", content_type)
    except ValueError:
        raise ApiError(
            415,
            "unsupported_media_type",
            f"Content-Type {content_type or '(none)'} is not supported; "
            "send application/x-ndjson or text/csv",
        ) from None
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        raise ApiError(413, "too_large", f"body is over {MAX_BODY_BYTES} bytes; split it")
    name = source or f"http:{kind}.{fmt}"
    info = describe(name, body)
    part = Part(kind=kind, source=info, rows=read_rows(body, fmt, name))
    report = await run_in_threadpool(
        ingest_workflow, services, [part], skip_bad=skip_bad, brands=scope.brands
    )
    return IngestPublic(
        run_id=report.run_id,
        accepted=report.accepted,
        rejected=[RejectedRecord(line=r.line, reason=r.reason) for r in report.rejected],
        already_ingested=report.already_ingested,
        index_pending=report.index_pending,
    )
