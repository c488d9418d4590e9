"""Platform exports in over HTTP: POST /v1/ingest/from/{source}."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from api.deps import Analyst, ServicesDep
from api.schemas.connectors import ExportIngestPublic
from api.schemas.ingest import rejected_records
from api.scope import ScopeDep
from ingest.connectors import Export, get_connector
from ingest.connectors.files import export_from_zip
from workflows.ingest import ingest_platform_export

router = APIRouter(prefix="/v1/ingest/from", tags=["ingest"])


@router.post(
    "/{source}",
    response_model=ExportIngestPublic,
    responses={
        400: {"description": "unreadable export or bad option"},
        404: {"description": "unknown source, brand or channel"},
        422: {"description": "missing or unknown columns, or bad records; nothing was written"},
    },
)
async def ingest_export_body(
    source: str,
    request: Request,
    services: ServicesDep,
    principal: Analyst,
    scope: ScopeDep,
    brand_id: Annotated[
        str | None, Query(description="the export's brand (optional if the graph has one)")
    ] = None,
    brand_name: Annotated[
        str | None,
        Query(
            max_length=200,
            description="create the brand (brand_id, else brand-SLUG of the name) with this "
            "name in the same batch, unless it exists under this name",
        ),
    ] = None,
    brand_currency: Annotated[
        str | None,
        Query(
            min_length=3,
            max_length=3,
            description="the new brand's currency (default: the one the export states)",
        ),
    ] = None,
    channel_id: Annotated[
        str | None, Query(description="put every record on this existing channel")
    ] = None,
    timezone: Annotated[
        str | None, Query(description="IANA time zone of timestamps written without an offset")
    ] = None,
    skip_bad: Annotated[bool, Query(description="keep the good records, report the bad")] = False,
    filename: Annotated[
        str | None, Query(max_length=256, description="the export's file name, kept as source")
    ] = None,
) -> ExportIngestPublic:
    """Read a Google Ads, Meta Ads, GA4, HubSpot or CMS export (body: the file as
    downloaded; a zipped Markdown folder as ``application/zip``) and ingest it."""
    get_connector(source)
    body = await request.body()  # within its limit (api/body_limit.py)
    name = filename or f"http:{source}"
    limits = services.settings.limits
    if request.headers.get("content-type", "").split(";")[0].strip() == "application/zip":
        # Inflating takes seconds near the zip limit: off the event loop, as the ingest is.
        export = await run_in_threadpool(export_from_zip, name, body, limits)
    else:
        export = Export.single(name, body)
    result = await run_in_threadpool(
        ingest_platform_export,
        services,
        source,
        export,
        brand_id=scope.one_brand(brand_id),
        brand_name=brand_name,
        brand_currency=brand_currency,
        channel_id=channel_id,
        timezone=timezone,
        skip_bad=skip_bad,
        brands=scope.brands,
        actor=principal.key_id,
    )
    report = result.report
    return ExportIngestPublic(
        run_id=report.run_id,
        accepted=report.accepted,
        rejected=rejected_records(report.rejected, limits.rejections_reported),
        rejected_count=report.rejected_count,
        already_ingested=report.already_ingested,
        index_pending=report.index_pending,
        source=source,
        brand_id=result.brand_id,
        brand_created=result.brand_created,
        records=result.records,
        notes=result.notes,
    )
