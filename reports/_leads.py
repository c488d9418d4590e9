"""Leads as facts the lead use cases share: times, owner, source, business unit."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from graph.base import GraphStore
from graph.models import Node, NodeRef
from graph.query import Condition, In
from graph.schema import Label
from reports._graph import campaigns, days, moment, within

CLOSED = frozenset({"won", "lost"})
UNASSIGNED = "(unassigned)"
# Stage timestamps a lead may carry (HubSpot "Became a … Date"), in funnel order.
STAGE_TIMES = (
    ("qualified", "qualified_at"),
    ("sales_qualified", "sales_qualified_at"),
    ("opportunity", "opportunity_at"),
    ("won", "converted_at"),
)


@dataclass(slots=True)
class Lead:
    """One lead, read once (what a report asks of it many times over is worked out then)."""

    node: Node
    created: datetime
    campaign_id: str
    channel_id: str | None
    owner: str | None
    first_response: datetime | None
    converted: datetime | None
    stage: str | None
    business_unit: str | None
    value: float | None
    brand_id: str | None = None
    id: str = field(init=False)
    ref: NodeRef = field(init=False)
    # Where the lead came from: its channel (else the CRM's source label).
    source: str = field(init=False)
    response_minutes: float | None = field(init=False)

    def __post_init__(self) -> None:
        self.id = self.node.id
        self.ref = NodeRef(Label.LEAD, self.id)
        self.source = self.channel_id or str(self.node.properties.get("source") or "(unknown)")
        self.response_minutes = (
            None
            if self.first_response is None
            else max(0.0, (self.first_response - self.created).total_seconds() / 60)
        )

    @property
    def won(self) -> bool:
        return self.stage == "won" or self.converted is not None

    @property
    def open(self) -> bool:
        return self.stage not in CLOSED and self.converted is None

    def at(self, prop: str) -> datetime | None:
        return moment(self.node.properties.get(prop))


def load_leads(
    store: GraphStore,
    brand_id: str | None,
    start: date | None = None,
    end: date | None = None,
) -> list[Lead]:
    """The brand's leads created in [start, end], oldest first."""
    by_id = campaigns(store, brand_id)
    where: dict[str, Condition] = {}
    if brand_id is not None:
        where["campaign_id"] = In(by_id)
    window = days(start, end)
    if window is not None:
        where["created_at"] = window
    out = []
    for node in store.find_all(Label.LEAD, where):
        p = node.properties
        created = moment(p.get("created_at"))
        campaign = by_id.get(str(p.get("campaign_id")))
        if created is None or campaign is None or not within(created, start, end):
            continue
        value = p.get("value")
        out.append(
            Lead(
                node=node,
                created=created,
                campaign_id=campaign.id,
                channel_id=p.get("channel_id"),
                owner=p.get("owner") or None,
                first_response=moment(p.get("first_response_at")),
                converted=moment(p.get("converted_at")),
                stage=p.get("stage"),
                business_unit=campaign.properties.get("business_unit"),
                value=float(value) if isinstance(value, int | float) else None,
                brand_id=campaign.properties.get("brand_id"),
            )
        )
    # By instant (a float compares faster than aware datetimes of several offsets, and
    # keeps their order to the microsecond), then id.
    out.sort(key=lambda lead: (lead.created.timestamp(), lead.id))
    return out
