"""Collecting canonical records from export rows: entities once, outcomes summed per key.

Exports repeat a campaign on every row and split a day into segments (device, network,
placement); the canonical outcome is one row per natural key (date, campaign, channel,
audience, asset), so segment rows are summed into it. Each record keeps the export line
it first came from, which the ingest run records on its FROM edge.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from graph.models import NodeRef
from graph.schema import Label
from ingest.connectors._values import bracket_ids, slug
from ingest.connectors.base import Context, Output

OutcomeKey = tuple[str, str, str, str, str]
# Metrics that cannot be summed over segment rows (people reached on two devices may be
# the same people): kept on an outcome of one row, dropped from a sum.
NON_ADDITIVE = frozenset({"reach"})


class RecordSet:
    """Entities by (kind, id) and outcomes by natural key, in first-seen order."""

    def __init__(self) -> None:
        self.entities: dict[tuple[str, str], tuple[int, dict[str, Any]]] = {}
        self.outcomes: dict[OutcomeKey, tuple[int, dict[str, Any]]] = {}
        self.segments: dict[OutcomeKey, int] = {}
        self.dropped = 0  # outcomes whose non-additive metrics were dropped

    def entity(self, kind: str, line: int, record: dict[str, Any]) -> dict[str, Any]:
        """Add a campaign/audience/asset/channel once; list fields of repeats are merged."""
        key = (kind, str(record["id"]))
        if key not in self.entities:
            self.entities[key] = (line, dict(record))
            return self.entities[key][1]
        stored = self.entities[key][1]
        for field, value in record.items():
            if isinstance(value, list):
                stored[field] = sorted({*stored.get(field, []), *value})
            elif field not in stored:
                stored[field] = value
        return stored

    def outcome(self, line: int, record: dict[str, Any]) -> None:
        """Add an outcome row, summing the metrics of rows with the same natural key."""
        key: OutcomeKey = (
            str(record["date"]),
            record["campaign_id"],
            record["channel_id"],
            record.get("audience_id") or "",
            record.get("asset_id") or "",
        )
        if key not in self.outcomes:
            self.outcomes[key] = (line, dict(record))
            self.segments[key] = 1
            return
        stored = self.outcomes[key][1]
        self.segments[key] += 1
        if any(stored.pop(metric, None) is not None for metric in NON_ADDITIVE):
            self.dropped += 1
        for metric, value in record.items():
            if metric in NON_ADDITIVE:
                continue
            if isinstance(value, int | float) and not isinstance(value, bool):
                stored[metric] = round(float(stored.get(metric) or 0.0) + value, 6)

    def emit(self, out: Output, *, kinds: Iterable[str] = ()) -> None:
        """Write everything into ``out`` (entities by kind, then outcomes)."""
        for (kind, _), (line, record) in self.entities.items():
            out.add(kind, line, record)
        for key, (line, record) in self.outcomes.items():
            if self.segments[key] > 1:
                record["export_rows"] = self.segments[key]
            out.add("outcomes", line, record)
        for kind in kinds:
            out.rows.setdefault(kind, [])


def campaign_id(ctx: Context, prefix: str, name: str, platform_id: str | None) -> str:
    """The campaign a row belongs to (see docs/connectors.md, "Ids").

    An id in square brackets in the name (``Spring sale [cmp-trailhead-0001]``) that exists
    in the graph wins; then the platform's own id (``gads-123``); then a slug of the name.
    """
    wanted = bracket_ids(name)
    if wanted:
        found = ctx.lookup.existing_ids(Label.CAMPAIGN, wanted)
        for candidate in wanted:
            if candidate in found:
                return candidate
    if platform_id:
        return f"{prefix}-{slug(platform_id)}"
    return f"{prefix}-{slug(name)}"


def existing_campaign(ctx: Context, value: str) -> str | None:
    """``value`` if it is (or brackets) the id of a campaign in the graph."""
    candidates = [value.strip(), *bracket_ids(value)]
    found = ctx.lookup.existing_ids(Label.CAMPAIGN, candidates)
    return next((c for c in candidates if c in found), None)


def channel_exists(ctx: Context, channel_id: str) -> bool:
    return bool(ctx.lookup.existing_ids(Label.CHANNEL, [channel_id]))


def node_ref(label: Label, node_id: str) -> NodeRef:
    return NodeRef(label=label, id=node_id)
