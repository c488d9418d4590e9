"""Reading what the use cases need through the GraphStore contract (no backend queries).

The use cases ask the store for the brand's nodes of the window (its campaigns by
``brand_id``, their leads by ``campaign_id`` and ``created_at``, its assets by
``brand_id``), read whole by id pages; outcomes, the bulk, only as aggregates.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from graph.base import GraphStore
from graph.models import Node, NodeRef
from graph.query import Range
from graph.schema import Label


def campaigns(store: GraphStore, brand_id: str | None) -> dict[str, Node]:
    """The brand's campaigns by id (every campaign without a brand filter); checks the brand."""
    if brand_id is None:
        return {c.id: c for c in store.find_all(Label.CAMPAIGN)}
    store.require_node(NodeRef(Label.BRAND, brand_id))
    return {c.id: c for c in store.find_all(Label.CAMPAIGN, {"brand_id": brand_id})}


def days(start: date | None, end: date | None) -> Range | None:
    """ISO timestamps on a day of [start, end] (their own local day, as :func:`within`
    tells), as a condition the store can use: a timestamp's text begins with that day."""
    if start is None and end is None:
        return None
    return Range(
        gte=start.isoformat() if start else None,
        lt=(end + timedelta(days=1)).isoformat() if end else None,
    )


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
