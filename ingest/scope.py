"""Ingesting with a key limited to brands: every record must belong to one of them.

A record's brand is its own (``brands``), its ``brand_id`` (campaigns, assets,
audiences) or its campaign's (outcomes, leads), looked up in the batch first and then
in the graph. Records of shared nodes (channels, audiences without a brand) change what
every brand sees, so a limited key may not create them (an export may name a channel
that exists already); nor may it overwrite a stored node of another brand by re-sending
its id under its own brand.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from graph.base import GraphStore
from graph.models import NodeRef
from graph.schema import Label
from graph.scope import brands_of, visible
from ingest.errors import Rejection

if TYPE_CHECKING:
    from ingest.pipeline import _Accepted


def check_brands(
    store: GraphStore, accepted: list[_Accepted], allowed: Collection[str]
) -> list[Rejection]:
    """Rejections for the records outside ``allowed``; ``accepted`` keeps the others."""
    listed = ", ".join(sorted(allowed))
    campaigns = {a.record.node_id(): _own(a) for a in accepted if a.record.label is Label.CAMPAIGN}
    wanted = {
        str(getattr(a.record, "campaign_id", ""))
        for a in accepted
        if a.record.label in (Label.OUTCOME, Label.LEAD)
    } - set(campaigns)
    for node in store.get_nodes([NodeRef(Label.CAMPAIGN, c) for c in sorted(wanted) if c]):
        brand = node.properties.get("brand_id")
        campaigns[node.id] = str(brand) if brand else None
    # Stored nodes the batch would overwrite (outcome ids embed their campaign: no need).
    refs = [
        NodeRef(a.record.label, a.record.node_id())
        for a in accepted
        if a.record.label is not Label.OUTCOME
    ]
    stored = store.get_nodes(refs)
    stored_brands = brands_of(store, stored)
    owner = {n.ref: stored_brands[n.ref] for n in stored}

    rejected: list[Rejection] = []
    keep: list[_Accepted] = []
    for a in accepted:
        label = a.record.label
        if label in (Label.OUTCOME, Label.LEAD):
            brand = campaigns.get(str(getattr(a.record, "campaign_id", "")))
        else:
            brand = _own(a)
        reason = None
        ref = NodeRef(label, a.record.node_id())
        if label is Label.CHANNEL and ref in owner:
            keep.append(a)  # a channel that exists already: the export names it
            continue
        if label is Label.CHANNEL or (label is Label.AUDIENCE and brand is None):
            reason = (
                f"{label.value.lower()}s without a brand are shared by every brand; "
                f"a key limited to {listed} may not write them"
            )
        elif brand is None:
            reason = f"its brand cannot be told; this key is limited to {listed}"
        elif brand not in allowed:
            reason = f"brand {brand!r} is outside this key's brands ({listed})"
        elif ref in owner and not visible(owner[ref], allowed):
            reason = f"{ref} is stored under another brand; this key may not overwrite it"
        if reason is None:
            keep.append(a)
        else:
            raw = a.record.model_dump(mode="json", exclude_none=True)
            rejected.append(Rejection(a.line, reason, a.source, a.kind, raw))
    accepted[:] = keep
    return rejected


def _own(a: _Accepted) -> str | None:
    if a.record.label is Label.BRAND:
        return a.record.node_id()
    brand = getattr(a.record, "brand_id", None)
    return str(brand) if brand else None


__all__: Sequence[str] = ["check_brands"]
