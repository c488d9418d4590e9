"""Export ingest response model (POST /v1/ingest/from/{source})."""

from __future__ import annotations

from pydantic import Field

from api.schemas.ingest import IngestPublic


class ExportIngestPublic(IngestPublic):
    source: str = Field(description="the connector that read the export, e.g. google-ads")
    brand_id: str = Field(description="the brand the export's records belong to")
    brand_created: bool = Field(
        default=False, description="the brand was created from brand_name in this batch"
    )
    records: dict[str, int] = Field(
        default_factory=dict, description="records the connector made per kind, before checks"
    )
    notes: list[str] = Field(
        default_factory=list,
        description="what the connector noticed: skipped total rows, events not counted, "
        "columns deliberately not stored, derived columns checked, columns it does not read",
    )
