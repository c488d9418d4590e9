"""Drafted content: an approver's edits before the publish gate, and the edit-ratio report."""

from __future__ import annotations

from datetime import date
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
from graph.models import Node, NodeRef
from graph.query import Condition, In
from graph.schema import Label, RelType

router = APIRouter(prefix="/v1", tags=["content"])
_MAX_DRAFTS = 1000
_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"description": "no such asset"},
    409: {"description": "the asset is not a draft any more"},
}


class AssetEdit(BaseModel):
    """New title and/or body of a draft, before it is approved at the publish gate."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, min_length=1, max_length=500)
    body: str | None = Field(default=None, min_length=1, max_length=20_000)


class DraftPublic(BaseModel):
    """A drafted text waiting at (or past) its publish gate, with its brand score."""

    id: str = Field(description="the Asset's id (edit it with PATCH /v1/assets/{id})")
    node_id: str = Field(description="Label:id of the Asset node")
    status: str = Field(description="draft until the gate approves it, then approved")
    channel_id: str | None = None
    audience_id: str | None = None
    variant: str | None = Field(default=None, description="which of the line's variants")
    hook: str | None = None
    title: str = Field(description="the title as it stands (edited or drafted)")
    body: str = Field(description="the text as it stands (edited or drafted)")
    draft_title: str | None = Field(default=None, description="the title as drafted")
    draft_body: str | None = Field(default=None, description="the text as drafted")
    consistency: float | None = Field(
        default=None, description="brand-consistency score of the drafted text, 0-1"
    )
    needs_review: bool = Field(description="its score stayed under 0.75 after the retries")
    edited_by: str | None = None
    edited_at: str | None = None
    edit_ratio: float | None = Field(default=None, description="recorded on approval")

    @classmethod
    def of(cls, node: Node) -> DraftPublic:
        p = node.properties

        def text(key: str) -> str | None:
            value = p.get(key)
            return None if value is None else str(value)

        score = p.get("consistency")
        ratio = p.get("edit_ratio")
        return cls(
            id=node.id,
            node_id=str(node.ref),
            status=str(p.get("status") or ""),
            channel_id=text("channel_id"),
            audience_id=text("audience_id"),
            variant=text("variant"),
            hook=text("hook"),
            title=str(p.get("title") or ""),
            body=str(p.get("body") or ""),
            draft_title=text("draft_title"),
            draft_body=text("draft_body"),
            consistency=float(score) if isinstance(score, int | float) else None,
            needs_review=bool(p.get("needs_review")),
            edited_by=text("edited_by"),
            edited_at=text("edited_at"),
            edit_ratio=float(ratio) if isinstance(ratio, int | float) else None,
        )


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
        "edited_at": services.orchestrator.clock.now().isoformat(),
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


@router.get(
    "/approvals/{decision_id}/drafts",
    response_model=list[DraftPublic],
    responses={404: {"description": "no such decision"}},
)
async def drafts(
    decision_id: str, services: ServicesDep, _: Viewer, scope: ScopeDep
) -> list[DraftPublic]:
    """The texts a publish gate's decision drafted, by audience and variant, with their
    brand scores: what an approver reads (and may edit) before approving."""
    ref = NodeRef(label=Label.DECISION, id=decision_id)

    def read() -> list[DraftPublic]:
        scope.require_ref(ref, "decision")
        produced = services.graph.incident_edges([ref], _MAX_DRAFTS, {RelType.PRODUCED: "out"})
        assets = services.graph.get_nodes([e.dst for e in produced if e.dst.label is Label.ASSET])
        shown = [DraftPublic.of(n) for n in scope.visible(assets)]
        shown.sort(key=lambda d: (d.channel_id or "", d.audience_id or "", d.variant or "", d.id))
        return shown

    return await run_in_threadpool(read)


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
