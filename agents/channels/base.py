"""The execution contract's values: actions on channel lines and their receipts.

An :class:`Action` changes one thing on one line (a channel × audience, optionally under a
campaign): its daily budget, whether it is paused, its live asset or its running
experiment. Every action carries an idempotency key; a channel adapter
(:mod:`agents.channels.adapter`) applies a key once, records it as an ``Execution`` node
whose id is derived from the key, and returns an :class:`ActionReceipt` with the undo
computed from the line's state before the action. Applying the key again (in this
process or after a restart) returns the first receipt and changes nothing.
"""

from __future__ import annotations

import math
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from agents.channels.lines import LineKey
from graph.models import canonical_json, sha256_hex

Id = Annotated[str, Field(min_length=1, max_length=256)]
ReceiptStatus = Literal["applied", "pending", "delivered", "failed"]


class ActionKind(StrEnum):
    """What an action does to its line."""

    PUSH_ASSET = "push_asset"
    START_EXPERIMENT = "start_experiment"
    STOP_EXPERIMENT = "stop_experiment"
    SET_BUDGET = "set_budget"
    PAUSE = "pause"
    RESUME = "resume"


# The parameters each kind accepts (anything else is refused, so a typo is not ignored).
PARAMS: dict[ActionKind, frozenset[str]] = {
    ActionKind.PUSH_ASSET: frozenset(),
    ActionKind.START_EXPERIMENT: frozenset({"variants", "split"}),
    ActionKind.STOP_EXPERIMENT: frozenset(),
    ActionKind.SET_BUDGET: frozenset({"daily_budget"}),
    ActionKind.PAUSE: frozenset(),
    ActionKind.RESUME: frozenset(),
}


class Target(BaseModel):
    """Where an action lands: a line (channel, audience, campaign) and what it names."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    channel_id: Id = Field(description="the channel of the line")
    audience_id: Id | None = Field(default=None, description="the audience of the line")
    campaign_id: Id | None = Field(default=None, description="the campaign the line runs under")
    asset_id: Id | None = Field(
        default=None, description="push_asset: the asset to put live (None withdraws it)"
    )
    experiment_id: Id | None = Field(default=None, description="start/stop_experiment: which")

    @property
    def line(self) -> LineKey:
        return LineKey(
            channel_id=self.channel_id, audience_id=self.audience_id, campaign_id=self.campaign_id
        )


class Action(BaseModel):
    """One change to one line, applied at most once per ``idempotency_key``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: ActionKind
    target: Target
    params: dict[str, Any] = Field(default_factory=dict, description="kind-specific values")
    idempotency_key: str = Field(
        min_length=1, max_length=200, description="the same key is applied once, ever"
    )
    plan_id: str | None = Field(default=None, description="the plan the action carries out")
    task_id: str | None = Field(default=None, description="the Task node it executes")

    @model_validator(mode="after")
    def _check_kind(self) -> Self:
        allowed = PARAMS[self.kind]
        for name in self.params:
            if name not in allowed:
                expected = ", ".join(sorted(allowed)) or "none"
                raise ValueError(f"params.{name} is not a parameter of {self.kind} ({expected})")
        check = _CHECKS.get(self.kind)
        if check is not None:
            check(self)
        return self

    def digest(self) -> str:
        """sha256 of the action's canonical JSON: equal actions, equal digests."""
        return sha256_hex(canonical_json(self.model_dump(mode="json")).encode())

    @property
    def daily_budget(self) -> float:
        return float(self.params["daily_budget"])

    @property
    def variants(self) -> tuple[str, ...]:
        return tuple(self.params["variants"])

    @property
    def split(self) -> tuple[float, ...]:
        """Traffic shares of the variants, summing to 1 (equal when not given)."""
        raw = self.params.get("split")
        if raw is None:
            return tuple(1.0 / len(self.variants) for _ in self.variants)
        total = float(sum(raw))
        return tuple(float(x) / total for x in raw)


def _check_budget(action: Action) -> None:
    value = action.params.get("daily_budget")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"params.daily_budget must be a number, got {value!r}")
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"params.daily_budget must be a finite amount >= 0, got {value!r}")


def _check_start(action: Action) -> None:
    if action.target.experiment_id is None:
        raise ValueError("start_experiment needs target.experiment_id")
    variants = action.params.get("variants")
    if (
        not isinstance(variants, list)
        or len(variants) < 2
        or not all(isinstance(v, str) and v for v in variants)
        or len(set(variants)) != len(variants)
    ):
        raise ValueError(f"params.variants must be 2 or more distinct asset ids, got {variants!r}")
    split = action.params.get("split")
    if split is None:
        return
    if (
        not isinstance(split, list)
        or len(split) != len(variants)
        or not all(isinstance(x, int | float) and not isinstance(x, bool) for x in split)
        or not all(math.isfinite(x) and x > 0 for x in split)
    ):
        raise ValueError(
            f"params.split must be one positive share per variant ({len(variants)}), got {split!r}"
        )


def _check_stop(action: Action) -> None:
    if action.target.experiment_id is None:
        raise ValueError("stop_experiment needs target.experiment_id")


_CHECKS = {
    ActionKind.SET_BUDGET: _check_budget,
    ActionKind.START_EXPERIMENT: _check_start,
    ActionKind.STOP_EXPERIMENT: _check_stop,
}


class ActionReceipt(BaseModel):
    """What applying an action did, as recorded on its Execution node."""

    execution_id: str = Field(description="the Execution node (derived from the key)")
    idempotency_key: str
    adapter: str = Field(description="which adapter applied it, e.g. sandbox:trailhead-s7")
    kind: ActionKind
    status: ReceiptStatus = Field(
        description="applied (sandbox, done); pending / delivered / failed (webhook outbox)"
    )
    external_ref: str | None = Field(default=None, description="the platform's reference")
    undo: Action | None = Field(description="the action that restores the line's state before")
    applied_at: datetime
    line_id: str = Field(description="the LineState node of the line")
    line_revision: int = Field(description="the line's revision after this action")
    duplicate: bool = Field(
        default=False, description="True when the key had been applied already (nothing done)"
    )
