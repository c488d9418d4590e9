"""Ingesting with a key limited to brands: by what a record is, and by what it touches.

- A record must be of the key's brands: its own (``brands``), its ``brand_id``
  (campaigns, assets, audiences) or its campaign's (outcomes, leads).
- Shared nodes (channels, audiences without a brand) change what every brand sees, so a
  limited key may not create or change them; a record that restates a stored shared node
  exactly (an export naming its channel) changes nothing and is left out of the write.
- A stored node may be changed only if it belongs to the key's brands: re-sending another
  brand's id, or a shared audience's id under one's own brand, is refused.
- Every reference (campaign, asset, audience, channel, and a brand's ``competitor_of``)
  must be a node the key may use: one of this batch's own records, a stored node of the
  key's brands, or a shared node. Another brand's node gets the same answer as a missing
  one, so ids of other brands cannot be probed.

A node's brand is read from the graph (:func:`graph.scope.brands_of`), never from fields
the caller sends beyond the declared ``brand_id``; records may not carry the reserved
fields (``brand_ids``, ``audit_*``: see :mod:`ingest.records`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from graph.base import GraphStore
from graph.models import Node, NodeRef
from graph.schema import Label
from graph.scope import SHARED, brands_of
from ingest.errors import Rejection

if TYPE_CHECKING:
    from ingest.pipeline import _Accepted


@dataclass
class _Stored:
    """What the graph holds of the nodes a batch writes or refers to."""

    nodes: dict[NodeRef, Node] = field(default_factory=dict)
    brands: dict[NodeRef, frozenset[str] | None] = field(default_factory=dict)

    def usable(self, ref: NodeRef, allowed: frozenset[str]) -> bool:
        brands = self.brands.get(ref)
        return brands is not None and (brands == SHARED or brands <= allowed)


def check_brands(
    store: GraphStore, accepted: list[_Accepted], allowed: Collection[str]
) -> list[Rejection]:
    """Rejections for the records a key limited to ``allowed`` may not write.

    ``accepted`` keeps the others, without the records that restate a shared node.
    """
    limit = frozenset(allowed)
    listed = ", ".join(sorted(limit))
    stored = _read(store, accepted)
    own = {id(a): _own_problem(a, stored, limit, listed) for a in accepted}
    mine = {
        (a.record.label, a.record.node_id()) for a in accepted if own[id(a)] in (None, _UNCHANGED)
    }
    rejected: list[Rejection] = []
    keep: list[_Accepted] = []
    for a in accepted:
        reason = own[id(a)]
        if reason is None:
            for label, target in _touches(a):
                if (label, target) in mine or stored.usable(NodeRef(label, target), limit):
                    continue
                reason = (
                    f"refers to {label.value} {target!r}, which exists neither in this "
                    "batch nor among the nodes this key may use"
                )
                break
        if reason is None:
            keep.append(a)
        elif reason != _UNCHANGED:  # a record restating a shared node is left out
            raw = a.record.model_dump(mode="json", exclude_none=True)
            rejected.append(Rejection(a.line, reason, a.source, a.kind, raw))
    accepted[:] = keep
    return rejected


_UNCHANGED = "unchanged shared node"


def _own_problem(a: _Accepted, stored: _Stored, allowed: frozenset[str], listed: str) -> str | None:
    """Why the record itself may not be written by the key (None: it may).

    Outcomes and leads belong to their campaign's brand: their campaign is one of the
    references checked afterwards.
    """
    record = a.record
    ref = NodeRef(record.label, record.node_id())
    before = stored.nodes.get(ref)
    if record.label in (Label.OUTCOME, Label.LEAD):
        if before is not None and not stored.usable(ref, allowed):
            return f"{ref} is stored under another brand; this key may not overwrite it"
        return None
    brand = record.node_id() if record.label is Label.BRAND else getattr(record, "brand_id", None)
    if record.label is Label.CHANNEL or (record.label is Label.AUDIENCE and not brand):
        if before is not None and stored.brands.get(ref) == SHARED and _restates(a, before):
            return _UNCHANGED
        what = "channels" if record.label is Label.CHANNEL else "audiences without a brand"
        return f"{what} are shared by every brand; a key limited to {listed} may not write them"
    if not brand:
        return f"its brand cannot be told; this key is limited to {listed}"
    if str(brand) not in allowed:
        return f"brand {str(brand)!r} is outside this key's brands ({listed})"
    if before is not None:
        owner = stored.brands.get(ref)
        if owner == SHARED:
            return f"{ref} is shared by every brand; this key may not make it its own"
        if owner is None or not owner <= allowed:
            return f"{ref} is stored under another brand; this key may not overwrite it"
    return None


def _touches(a: _Accepted) -> Iterator[tuple[Label, str]]:
    """Every node the record refers to (its edges, and a brand's ``competitor_of``)."""
    record = a.record
    for ref in record.references:
        value = getattr(record, ref.field)
        if value is None:
            continue
        for target in value if ref.many else [value]:
            yield ref.label, str(target)
    if record.label is Label.BRAND:
        named = (record.model_extra or {}).get("competitor_of")
        for brand in named if isinstance(named, list) else [named] if named else []:
            yield Label.BRAND, str(brand)


def _read(store: GraphStore, accepted: Sequence[_Accepted]) -> _Stored:
    """The stored nodes the batch writes or refers to, with their brands (one read each)."""
    wanted: set[NodeRef] = set()
    for a in accepted:
        if a.record.label is not Label.OUTCOME:  # an outcome's id embeds its campaign
            wanted.add(NodeRef(a.record.label, a.record.node_id()))
        wanted |= {NodeRef(label, target) for label, target in _touches(a)}
    nodes = store.get_nodes(sorted(wanted, key=str))
    return _Stored(nodes={n.ref: n for n in nodes}, brands=brands_of(store, nodes))


def _restates(a: _Accepted, before: Node) -> bool:
    """Whether writing the record would leave the stored node's properties as they are."""
    mine = a.record.model_dump(mode="json", exclude_none=True)
    for ref in a.record.references:
        if ref.many:
            mine.pop(ref.field, None)
    return all(before.properties.get(k) == v for k, v in mine.items())


__all__: Sequence[str] = ["check_brands"]
