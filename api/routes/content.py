"""Drafted content: an approver's edits before the publish gate, and the edit-ratio report."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from agents.content import BAND, EditRecord, edit_report
from api.deps import Approver, ServicesDep, Viewer
from api.errors import ApiError
from api.schemas.graph import NodePublic
from api.scope import ScopeDep
from graph.base import GraphStore
from graph.models import NodeRef
from graph.query import Condition, In
from graph.schema import Label

router = APIRouter(prefix="/v1", tags=["content"])
_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"description": "no such asset"},
    409: {"description": "the asset is not a draft any more"},
}


class AssetEdit(BaseModel):
    """New title and/or body of a draft, before it is approved at the publish gate."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, min_length=1, max_length=500)
    body: str | None = Field(default=None, min_length=1, max_length=20_000)


class PieceEditPublic(BaseModel):
    asset_id: str
    month: str
    ratio: float = Field(description="token edit distance between draft and approved / length")
    position: str = Field(description="below, in_band or above the 25-45 % band")


class MonthEditsPublic(BaseModel):
    month: str
    pieces: int
    in_band: float
    below: float
    above: float
    median_ratio: float


class EditReportPublic(BaseModel):
    band: tuple[float, float]
    in_band: float = Field(description="share of all approved drafts inside the band")
    pieces: list[PieceEditPublic]
    months: list[MonthEditsPublic]


@router.patch("/assets/{asset_id}", response_model=NodePublic, responses=_ERRORS)
async def edit_draft(
    asset_id: str, body: AssetEdit, services: ServicesDep, user: Approver, scope: ScopeDep
) -> NodePublic:
    """Edit a drafted asset before approving it (the edit ratio is recorded on approval)."""
    if body.title is None and body.body is None:
        raise ApiError(422, "invalid_request", "give a title, a body or both")
    ref = NodeRef(label=Label.ASSET, id=asset_id)
    await scope.guard(ref, "Asset node with id")
    changes: dict[str, str | None] = {
        "edited_by": user.name,
        "edited_at": datetime.now(UTC).isoformat(),
    }
    if body.title is not None:
        changes["title"] = body.title
    if body.body is not None:
        changes["body"] = body.body
    node = await run_in_threadpool(services.graph.update_if, ref, {"status": "draft"}, changes)
    if node is None:
        current = await run_in_threadpool(services.graph.get_node, ref)
        if current is None:
            raise ApiError(404, "not_found", f"no Asset node with id {asset_id!r}")
        raise ApiError(
            409,
            "not_a_draft",
            f"asset {asset_id} is {current.properties.get('status', 'not a draft')}; "
            "only drafts waiting at the publish gate can be edited",
        )
    return NodePublic.of(node)


@router.get("/content/edits", response_model=EditReportPublic)
async def edits(
    services: ServicesDep,
    _: Viewer,
    scope: ScopeDep,
    brand_id: str | None = Query(default=None, description="only this brand's drafts"),
) -> EditReportPublic:
    """How much approvers edited drafts: per piece and per month, against the 25-45 % band."""
    return await run_in_threadpool(_report, services.graph, scope.brand_filter(brand_id))


def _report(graph: GraphStore, brands: list[str] | None) -> EditReportPublic:
    where: dict[str, Condition] = {"status": "approved"}
    if brands is not None:
        where["brand_id"] = In(brands)
    records = []
    for asset in graph.find_all(Label.ASSET, where):
        p = asset.properties
        if brands is not None and p.get("brand_id") not in brands:
            continue
        if "draft_body" not in p or not p.get("approved_at"):
            continue
        records.append(
            EditRecord(
                piece_id=asset.id,
                approved_on=date.fromisoformat(str(p["approved_at"])[:10]),
                draft=f"{p.get('draft_title', '')}\n{p.get('draft_body', '')}",
                approved=f"{p.get('title', '')}\n{p.get('body', '')}",
            )
        )
    report = edit_report(records, BAND)
    return EditReportPublic(
        band=report.band,
        in_band=round(report.in_band, 4),
        pieces=[
            PieceEditPublic(asset_id=p.piece_id, month=p.month, ratio=p.ratio, position=p.position)
            for p in report.pieces
        ],
        months=[
            MonthEditsPublic(
                month=m.month,
                pieces=m.pieces,
                in_band=m.in_band,
                below=m.below,
                above=m.above,
                median_ratio=m.median_ratio,
            )
            for m in report.months
        ],
    )
