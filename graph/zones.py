"""A brand's time zone: the days of its plans and reports are its own days.

The Brand node's ``timezone`` is an IANA name (ingest checks it); a brand without one
lives in UTC.
"""

from __future__ import annotations

from datetime import UTC, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from graph.base import GraphStore
from graph.models import NodeRef
from graph.schema import Label


def time_zone(name: str | None) -> tzinfo:
    """An IANA zone name as a tzinfo (UTC for None or empty); ValueError naming a bad one."""
    if not name:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"time zone {name!r} is not an IANA zone name like Europe/Berlin or UTC"
        ) from None


def brand_zone(store: GraphStore, brand_id: str) -> tzinfo:
    """The brand's time zone: its ``timezone`` property, UTC without one (or no brand)."""
    node = store.get_node(NodeRef(label=Label.BRAND, id=brand_id))
    name = (node.properties if node else {}).get("timezone")
    try:
        return time_zone(str(name) if name else None)
    except ValueError:  # ingest checks the name; a node written otherwise counts as UTC
        return UTC
