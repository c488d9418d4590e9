"""The content agent: hook variants for each line of a channel, through the publish gate.

For a ``content-CHANNEL`` task it drafts three hook variants per audience of the channel's
lines from the brand object (voice, guidelines, competitors) and the brand's winning
assets (highest ROAS in its outcomes), with the chat model when one is configured and by
recombining the winners' copy when not (:mod:`agents.content`). Every draft carries its
measured brand-consistency score; those still under 0.75 after their retries are flagged
for review. The drafts become Asset nodes (status ``draft``) and an Experiment per line,
produced by one ``draft_content`` decision that cites the brand, the winners and the
plan's research brief; the task then waits at the publish gate. Once approved, the drafts
are marked approved with their edit ratio (how much the approver changed them:
``PATCH /v1/assets/{id}`` before approving).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from langchain_core.language_models import BaseChatModel

from agents.content import (
    BrandProfile,
    ConsistencyScorer,
    DraftRequest,
    WinningAsset,
    draft_variants,
    edit_ratio,
)
from agents.content.errors import ContentError
from agents.orchestrator.runs import TaskContext, TaskOutcome
from agents.tasks.common import decision_id_for, record_once
from graph.base import GraphStore
from graph.models import DecisionRecord, Evidence, Node, NodeRef, OutcomeQuery, sha256_hex
from graph.schema import Label
from graph.views import TaskView

AGENT = "content"
VARIANTS = 3
WINNERS = 12
# The asset kind a draft for a channel kind becomes.
ASSET_KIND = {
    "email": "email",
    "sms": "social_post",
    "paid_search": "ad_copy",
    "paid_social": "ad_copy",
    "organic_social": "social_post",
    "display": "ad_copy",
    "video": "video",
    "web": "landing_page",
    "affiliate": "ad_copy",
}


class ContentAgent:
    """Drafts, scores and (after the gate) approves hook variants for a plan's lines."""

    name = AGENT

    def __init__(
        self,
        llm: BaseChatModel | None = None,
        on_written: Callable[[list[Node]], object] | None = None,
    ) -> None:
        self.llm = llm
        self.on_written = on_written
        self._scorers: dict[str, ConsistencyScorer] = {}

    def run(self, ctx: TaskContext) -> TaskOutcome:
        decision_id = decision_id_for(ctx.key, "draft_content")
        task = TaskView.from_node(ctx.task)
        if task.gate_decision_id == decision_id:
            return self._approved(ctx, decision_id)
        store, plan = ctx.store, ctx.plan
        channel_id = str(task.channel_id)
        brand = store.require_node(NodeRef(label=Label.BRAND, id=plan.brand_id))
        channel = store.get_node(NodeRef(label=Label.CHANNEL, id=channel_id))
        kind = str((channel.properties if channel else {}).get("kind", "paid_social"))
        audiences = sorted({ln.audience_id for ln in plan.lines if ln.channel_id == channel_id})
        if store.get_node(NodeRef(label=Label.DECISION, id=decision_id)) is None:
            try:
                produced, evidence, meta = self._draft(ctx, brand, channel_id, kind, audiences)
            except ContentError as e:
                return TaskOutcome("failed", f"no drafts for {channel_id}: {e}")
            record_once(
                store,
                DecisionRecord(
                    id=decision_id,
                    created_at=ctx.now,
                    kind="draft_content",
                    agent=AGENT,
                    brand_id=plan.brand_id,
                    algorithm=str(meta["method"]),
                    algorithm_version="content-v1",
                    rationale=str(meta["rationale"]),
                    inputs={"plan_id": plan.id, "channel_id": channel_id, "notes": meta["notes"]},
                    model=meta["model"],
                    prompt_digest=meta["prompt_digest"],
                    confidence=meta["confidence"],
                    evidence=evidence,
                    produced=produced,
                ),
            )
            if self.on_written is not None:
                self.on_written([n for n in produced if n.label is Label.ASSET])
        if not ctx.policy.publish.applies():
            return self._approved(ctx, decision_id)
        return TaskOutcome(
            "waiting_approval",
            f"hook variants for {channel_id} ({', '.join(audiences)}) wait for the publish gate",
            gate_decision_id=decision_id,
            gate_action="publish",
            decision_ids=[decision_id],
        )

    # -- drafting --------------------------------------------------------------------------
    def _draft(
        self, ctx: TaskContext, brand: Node, channel_id: str, kind: str, audiences: list[str]
    ) -> tuple[list[Node], list[Evidence], dict[str, Any]]:
        store, plan = ctx.store, ctx.plan
        profile = BrandProfile.from_node(brand.properties)
        winners = _winners(store, plan.brand_id)
        scorer = self._scorer(store, brand, profile)
        produced: list[Node] = []
        notes: list[str] = []
        scores: list[float] = []
        review = 0
        method, model, digest = "recombination-v1", None, None
        now = ctx.now.isoformat()
        for audience_id in audiences:
            audience = store.get_node(NodeRef(label=Label.AUDIENCE, id=audience_id))
            request = DraftRequest(
                channel=kind,
                audience=str((audience.properties if audience else {}).get("name", "")),
                topic=_topic(store, plan.brief_id),
                variants=VARIANTS,
            )
            result = draft_variants(request, profile, winners, scorer=scorer, model=self.llm)
            method, model, digest = result.method, result.model, result.prompt_digest
            notes.extend(result.notes)
            variants = []
            for draft in result.drafts:
                asset_id = (
                    "ast_" + sha256_hex(f"{ctx.key}|{audience_id}|{draft.variant}".encode())[:16]
                )
                variants.append(asset_id)
                scores.append(draft.score.score)
                review += int(draft.needs_review)
                title = draft.headline or draft.hook
                produced.append(
                    Node(
                        label=Label.ASSET,
                        id=asset_id,
                        properties={
                            "id": asset_id,
                            "brand_id": plan.brand_id,
                            "kind": ASSET_KIND.get(kind, "ad_copy"),
                            "title": title,
                            "body": draft.text,
                            "hook": draft.hook,
                            "draft_title": title,
                            "draft_body": draft.text,
                            "status": "draft",
                            "variant": draft.variant,
                            "consistency": round(draft.score.score, 4),
                            "needs_review": draft.needs_review,
                            "sources": list(draft.sources),
                            "plan_id": plan.id,
                            "channel_id": channel_id,
                            "audience_id": audience_id,
                            "created_at": now,
                        },
                    )
                )
            experiment_id = "exp_" + sha256_hex(f"{ctx.key}|{audience_id}".encode())[:16]
            produced.append(
                Node(
                    label=Label.EXPERIMENT,
                    id=experiment_id,
                    properties={
                        "id": experiment_id,
                        "brand_id": plan.brand_id,
                        "plan_id": plan.id,
                        "channel_id": channel_id,
                        "audience_id": audience_id,
                        "variants": variants,
                        "status": "draft",
                        "metric": "ctr",
                        "created_at": now,
                    },
                )
            )
        evidence = [Evidence(ref=brand.ref, score=1.0, reason="voice, guidelines, competitors")]
        evidence += [
            Evidence(
                ref=NodeRef(label=Label.ASSET, id=w.id),
                score=round(w.performance, 4),
                reason="winning asset (ROAS)",
            )
            for w in winners
        ]
        if plan.research_id:
            evidence.append(
                Evidence(
                    ref=NodeRef(label=Label.RESEARCH_BRIEF, id=plan.research_id),
                    score=1.0,
                    reason="research brief of the plan's brief",
                )
            )
        mean = sum(scores) / len(scores) if scores else 0.0
        meta: dict[str, Any] = {
            "method": method,
            "model": model,
            "prompt_digest": digest,
            "notes": notes,
            "confidence": round(mean, 4),
            "rationale": f"{len(scores)} hook variants for {channel_id} ({len(audiences)} "
            f"audiences) from {len(winners)} winning assets; mean brand consistency "
            f"{mean:.2f}, {review} below 0.75 for review.",
        }
        return produced, evidence, meta

    def _scorer(self, store: GraphStore, brand: Node, profile: BrandProfile) -> ConsistencyScorer:
        if brand.id not in self._scorers:
            own: list[str] = []
            other: list[str] = []
            for asset in store.find_all(Label.ASSET):
                text = f"{asset.properties.get('title', '')}\n{asset.properties.get('body', '')}"
                if asset.properties.get("status") == "draft":
                    continue
                (own if asset.properties.get("brand_id") == brand.id else other).append(text)
            self._scorers[brand.id] = ConsistencyScorer(profile, own, other[:2000])
        return self._scorers[brand.id]

    # -- after the gate --------------------------------------------------------------------
    def _approved(self, ctx: TaskContext, decision_id: str) -> TaskOutcome:
        store = ctx.store
        channel_id = TaskView.from_node(ctx.task).channel_id
        ratios = []
        for experiment in store.find_all(Label.EXPERIMENT, {"plan_id": ctx.plan.id}):
            if experiment.properties.get("channel_id") != channel_id:
                continue
            refs = [
                NodeRef(label=Label.ASSET, id=str(a))
                for a in experiment.properties.get("variants", [])
            ]
            for asset in store.get_nodes(refs):
                p = asset.properties
                draft = f"{p.get('draft_title', '')}\n{p.get('draft_body', '')}"
                final = f"{p.get('title', '')}\n{p.get('body', '')}"
                ratio = round(edit_ratio(draft, final), 4)
                ratios.append(ratio)
                store.update_if(
                    asset.ref,
                    {"status": "draft"},
                    {
                        "status": "approved",
                        "edit_ratio": ratio,
                        "approved_at": ctx.now.isoformat(),
                    },
                )
            store.update_if(experiment.ref, {"status": "draft"}, {"status": "approved"})
        edited = sum(1 for r in ratios if r > 0)
        return TaskOutcome(
            "done",
            f"{len(ratios)} variants approved ({edited} edited by the approver)",
            decision_ids=[decision_id],
        )


def _winners(store: GraphStore, brand_id: str) -> list[WinningAsset]:
    """The brand's assets with the best ROAS in its outcomes (a few at least)."""
    totals = store.aggregate_outcomes(OutcomeQuery(brand_id=brand_id, group_by=("asset_id",)))
    ranked = sorted(
        (t for t in totals if t.asset_id and t.spend > 0),
        key=lambda t: (-(t.revenue / t.spend), t.asset_id or ""),
    )[:WINNERS]
    nodes = {
        n.id: n
        for n in store.get_nodes([NodeRef(label=Label.ASSET, id=str(t.asset_id)) for t in ranked])
    }
    winners = []
    for t in ranked:
        node = nodes.get(str(t.asset_id))
        if node is None or not node.properties.get("body"):
            continue
        winners.append(
            WinningAsset(
                id=node.id,
                title=str(node.properties.get("title", "")),
                body=str(node.properties.get("body", "")),
                kind=str(node.properties.get("kind", "ad_copy")),
                performance=t.revenue / t.spend,
            )
        )
    return winners


def _topic(store: GraphStore, brief_id: str | None) -> str:
    if not brief_id:
        return ""
    brief = store.get_node(NodeRef(label=Label.BRIEF, id=brief_id))
    return str((brief.properties if brief else {}).get("text", ""))[:200]
