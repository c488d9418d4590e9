"""Reading what the use cases need through the GraphStore contract (no backend queries).

The use cases read whole labels a page at a time (leads, assets, campaigns): a team's
data is thousands to tens of thousands of such nodes, which pages of 5,000 read in well
under a second on either backend. Outcomes, the bulk, are only read as aggregates.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

from graph.base import GraphStore
from graph.models import Node, NodeRef
from graph.schema import Label

PAGE = 5000


def nodes(store: GraphStore, label: Label) -> Iterator[Node]:
    """Every node of ``label``, ordered by id."""
    offset = 0
    while True:
        page = store.list_nodes(label, limit=PAGE, offset=offset)
        yield from page
        if len(page) < PAGE:
            return
        offset += PAGE


def campaigns(store: GraphStore, brand_id: str | None) -> dict[str, Node]:
    """The brand's campaigns by id (every campaign without a brand filter); checks the brand."""
    if brand_id is not None:
        store.require_node(NodeRef(Label.BRAND, brand_id))
    return {
        c.id: c
        for c in nodes(store, Label.CAMPAIGN)
        if brand_id is None or c.properties.get("brand_id") == brand_id
    }


def moment(value: object) -> datetime | None:
    """A stored ISO timestamp as an aware datetime (None when absent or unreadable)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        found = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return found if found.tzinfo is not None else None


def within(when: datetime, start: date | None, end: date | None) -> bool:
    """Whether ``when`` falls on a day of [start, end] (its own local day)."""
    day = when.date()
    return (start is None or day >= start) and (end is None or day <= end)


def ref(node: Node) -> NodeRef:
    return NodeRef(node.label, node.id)
