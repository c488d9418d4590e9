"""Ingest workflows: canonical records, and platform exports mapped into them.

Both do the whole job: validate and write (all or nothing unless skipping bad records),
index the texts written, count the rows, and, when outcomes landed, publish
``outcomes_ingested`` so that the validation agent checks the running plans.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from agents.orchestrator.events import Event
from ingest import IngestReport, Part, ingest
from ingest.connectors import Export, ExportReport, get_connector, ingest_export
from ingest.pipeline import Progress
from workflows.context import Context
from workflows.metrics import INGESTED_ROWS

OUTCOMES = "outcomes"


def ingest_records(
    ctx: Context,
    parts: Sequence[Part],
    *,
    skip_bad: bool = False,
    brands: Collection[str] | None = None,
    progress: Progress | None = None,
) -> IngestReport:
    """Ingest canonical records (one part per file and kind) as one run.

    ``brands`` limits what may be written to those brands' records (a key limited to
    brands); anything else is rejected like a bad record.
    """
    report = ingest(
        ctx.graph,
        parts,
        skip_bad=skip_bad,
        rejects_dir=ctx.rejects_dir,
        progress=progress,
        on_written=ctx.index_written,
        brands=brands,
    )
    if not report.already_ingested:
        kinds = sorted({p.kind for p in parts})
        INGESTED_ROWS.labels(kind=kinds[0] if len(kinds) == 1 else "mixed").inc(report.accepted)
        if OUTCOMES in kinds and report.accepted:
            outcomes_arrived(ctx, report.run_id)
    return report


def ingest_platform_export(
    ctx: Context,
    source: str,
    export: Export,
    *,
    brand_id: str | None = None,
    channel_id: str | None = None,
    timezone: str | None = None,
    skip_bad: bool = False,
    brands: Collection[str] | None = None,
    progress: Progress | None = None,
) -> ExportReport:
    """Read a platform export (Google Ads, Meta Ads, GA4, HubSpot, a CMS), map it into
    canonical records and ingest them as one run."""
    get_connector(source)  # an unknown source fails before anything is read
    result = ingest_export(
        ctx.graph,
        source,
        export,
        brand_id=brand_id,
        channel_id=channel_id,
        timezone=timezone,
        skip_bad=skip_bad,
        rejects_dir=ctx.rejects_dir,
        progress=progress,
        on_written=ctx.index_written,
        brands=brands,
    )
    report = result.report
    if not report.already_ingested:
        INGESTED_ROWS.labels(kind=f"from:{source}").inc(report.accepted)
        if result.records.get(OUTCOMES) and report.accepted:
            outcomes_arrived(ctx, report.run_id, result.brand_id)
    return result


def outcomes_arrived(ctx: Context, run_id: str, brand_id: str | None = None) -> None:
    """Tell the validation agent (through the event bus) that outcomes were ingested."""
    payload = {"brand_id": brand_id} if brand_id else {}
    ctx.orchestrator.bus.publish(
        Event("outcomes_ingested", run_id, subject=f"IngestRun:{run_id}", payload=payload)
    )
    ctx.wake_worker()
