"""Lines and their state: what an adapter last set on a channel × audience (× campaign).

The state of each line lives in one ``LineState`` node per adapter and line, rewritten
with its Execution in the same conditional write and guarded by its ``revision``. So a
new process reads the current budgets, pauses, assets and experiments straight from the
graph (one node per line, no replay), and two writers can never both change a line from
the same revision: the loser re-reads and computes its undo from the new state.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from graph.base import GraphStore
from graph.models import Node, NodeRef, canonical_json, clean_properties, sha256_hex
from graph.schema import Label


class LineKey(BaseModel):
    """A line: the channel, audience and campaign an action's target names."""

    model_config = ConfigDict(frozen=True)

    channel_id: str
    audience_id: str | None = None
    campaign_id: str | None = None

    def __str__(self) -> str:
        return " × ".join(p for p in (self.channel_id, self.audience_id, self.campaign_id) if p)


class ExperimentRun(BaseModel):
    """An experiment running on a line: traffic split between asset variants."""

    model_config = ConfigDict(frozen=True)

    experiment_id: str
    variants: tuple[str, ...]
    split: tuple[float, ...]
    execution_id: str | None = None


class LineState(BaseModel):
    """A line as an adapter last set it; ``revision`` counts the actions applied to it."""

    model_config = ConfigDict(frozen=True)

    adapter: str
    key: LineKey
    daily_budget: float = 0.0
    paused: bool = False
    asset_id: str | None = None
    experiment: ExperimentRun | None = None
    revision: int = 0
    budget_execution_id: str | None = Field(default=None, description="last set_budget")
    asset_execution_id: str | None = Field(default=None, description="last push_asset")
    updated_at: str | None = None

    @property
    def id(self) -> str:
        return line_id(self.adapter, self.key)

    @property
    def ref(self) -> NodeRef:
        return NodeRef(label=Label.LINE_STATE, id=self.id)

    @property
    def running(self) -> bool:
        """Whether the line spends: a positive budget and not paused."""
        return self.daily_budget > 0 and not self.paused

    def node(self) -> Node:
        """The LineState node as stored (the experiment as JSON)."""
        props: dict[str, Any] = {
            "id": self.id,
            "adapter": self.adapter,
            "channel_id": self.key.channel_id,
            "audience_id": self.key.audience_id,
            "campaign_id": self.key.campaign_id,
            "daily_budget": float(self.daily_budget),
            "paused": self.paused,
            "asset_id": self.asset_id,
            "experiment": self.experiment.model_dump_json() if self.experiment else None,
            "revision": self.revision,
            "budget_execution_id": self.budget_execution_id,
            "asset_execution_id": self.asset_execution_id,
            "updated_at": self.updated_at,
        }
        return Node(label=Label.LINE_STATE, id=self.id, properties=clean_properties(props))

    def summary(self) -> dict[str, Any]:
        """The state's facts without bookkeeping (what undo restores), as plain JSON."""
        return {
            "daily_budget": self.daily_budget,
            "paused": self.paused,
            "asset_id": self.asset_id,
            "experiment": self.experiment.model_dump(mode="json") if self.experiment else None,
        }


def line_id(adapter: str, key: LineKey) -> str:
    """Deterministic id of a line's state node: the same line always finds its node."""
    parts = [adapter, key.channel_id, key.audience_id or "", key.campaign_id or ""]
    return "line_" + sha256_hex(canonical_json(parts).encode())[:24]


def state_of(node: Node) -> LineState:
    """A LineState node back as a :class:`LineState`."""
    p = node.properties
    experiment = p.get("experiment")
    return LineState(
        adapter=str(p["adapter"]),
        key=LineKey(
            channel_id=str(p["channel_id"]),
            audience_id=p.get("audience_id"),
            campaign_id=p.get("campaign_id"),
        ),
        daily_budget=float(p.get("daily_budget", 0.0)),
        paused=bool(p.get("paused", False)),
        asset_id=p.get("asset_id"),
        experiment=ExperimentRun.model_validate(json.loads(experiment)) if experiment else None,
        revision=int(p.get("revision", 0)),
        budget_execution_id=p.get("budget_execution_id"),
        asset_execution_id=p.get("asset_execution_id"),
        updated_at=p.get("updated_at"),
    )


def read_line(store: GraphStore, adapter: str, key: LineKey) -> LineState:
    """A line as last set; a line never touched is at revision 0 with nothing set."""
    node = store.get_node(NodeRef(label=Label.LINE_STATE, id=line_id(adapter, key)))
    return LineState(adapter=adapter, key=key) if node is None else state_of(node)


def read_lines(store: GraphStore, adapter: str) -> list[LineState]:
    """Every line of one adapter, ordered by line id (one node per line)."""
    found = store.find_all(Label.LINE_STATE, {"adapter": adapter})
    return [state_of(n) for n in found]
