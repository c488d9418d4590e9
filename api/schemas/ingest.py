"""Ingest request/response models."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, Field

from ingest.errors import Rejection


class RejectedRecord(BaseModel):
    line: int = Field(description="line (JSON Lines) or row's first line (CSV) in the body")
    reason: str = Field(description="what was wrong with the record")


class IngestPublic(BaseModel):
    run_id: str = Field(description="the IngestRun node that recorded this ingest")
    accepted: int = Field(description="records written")
    rejected: list[RejectedRecord] = Field(
        default_factory=list,
        description="records skipped (only with skip_bad=true); the first ones, up to the "
        "rejections_reported limit",
    )
    rejected_count: int = Field(default=0, description="every record skipped, listed or not")
    already_ingested: bool = Field(
        default=False, description="the same content was ingested before; nothing changed"
    )
    index_pending: int = Field(
        default=0, description="written nodes whose texts wait for the index (retried later)"
    )


def rejected_records(rejected: Sequence[Rejection], limit: int) -> list[RejectedRecord]:
    """The first ``limit`` rejections as the answer lists them."""
    return [RejectedRecord(line=r.line, reason=r.reason) for r in rejected[:limit]]
