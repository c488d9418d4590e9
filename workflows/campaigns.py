"""Reading a campaign: what surrounds it in the graph, and the brand's past work like it.

One function for ``GET /v1/campaigns/{id}/context`` and ``marketgraph context``: the
campaign with its brand, audiences, channels, assets, outcome totals per channel and
decisions, plus the campaigns and assets of the same brand whose texts resemble it (the
index may be down: the context is still answered, and says so).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from graph.models import CampaignContext, Node, NodeRef
from graph.schema import Label
from ingest.records import AssetKind
from retrieval.errors import IndexUnavailableError
from retrieval.retriever import ContextBundle, HybridRetriever
from workflows.context import Context

SIMILAR_K = 5
ASSET_KINDS = [k.value for k in AssetKind]


@dataclass(frozen=True)
class Similar:
    """A past campaign or asset of the brand whose text resembles the campaign's."""

    node_id: str
    title: str
    kind: str
    score: float
    facts: dict[str, Any]


@dataclass
class CampaignView:
    """A campaign's context as the caller may see it, with similar past work."""

    context: CampaignContext
    similar_campaigns: list[Similar] = field(default_factory=list)
    similar_assets: list[Similar] = field(default_factory=list)
    retrieval_available: bool = True
    retrieval_mode: str | None = None
    retrieval_reason: str | None = None


def campaign_context(
    ctx: Context,
    campaign_id: str,
    start: date | None = None,
    end: date | None = None,
    *,
    guard: Callable[[NodeRef], object] | None = None,
    visible: Callable[[Sequence[Node]], list[Node]] | None = None,
) -> CampaignView:
    """The campaign and what surrounds it; outcome totals over ``start``..``end``.

    ``guard`` is called on the campaign first (a limited key's 404); ``visible`` trims
    the decisions, assets and audiences to what the caller may see.
    """
    ref = NodeRef(label=Label.CAMPAIGN, id=campaign_id)
    if guard is not None:
        guard(ref)
    found = ctx.graph.get_campaign_context(campaign_id, start, end)
    if visible is not None:
        found = found.model_copy(
            update={
                "decisions": visible(found.decisions),
                "assets": visible(found.assets),
                "audiences": visible(found.audiences),
            }
        )
    view = CampaignView(context=found)
    _add_similar(view, ctx.retriever)
    return view


def _add_similar(view: CampaignView, retriever: HybridRetriever) -> None:
    campaign = view.context.campaign
    props = campaign.properties
    query = " ".join(str(props[k]) for k in ("name", "objective", "business_unit") if props.get(k))
    brand = props.get("brand_id")
    brand_id = str(brand) if brand is not None else None
    own_assets = [a.ref for a in view.context.assets]
    try:
        campaigns = retriever.search(
            query,
            k=SIMILAR_K,
            brand_id=brand_id,
            kinds=["campaign"],
            exclude=[campaign.ref],
            expand=False,  # only the hits are shown, with their outcome totals
            outcomes=True,
        )
        assets = retriever.search(
            query,
            k=SIMILAR_K,
            brand_id=brand_id,
            kinds=ASSET_KINDS,
            exclude=own_assets,
            expand=False,
        )
    except IndexUnavailableError as e:
        view.retrieval_available, view.retrieval_reason = False, str(e)
        return
    view.similar_campaigns, view.similar_assets = _hits(campaigns), _hits(assets)
    view.retrieval_mode = campaigns.mode


def _hits(bundle: ContextBundle) -> list[Similar]:
    return [
        Similar(node_id=i.node_id, title=i.title, kind=i.kind, score=i.score, facts=i.facts)
        for i in bundle.items
        if i.via is None
    ]
