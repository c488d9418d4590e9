"""Approval gates as policy: which actions wait for a human, above what, and for how many.

The default has three gates in a content lifecycle: the plan itself, publishing an asset,
and a budget change above an amount or a share of the channel's spend. Teams change them
in a TOML file (``MARKETGRAPH_POLICY_FILE``, or ``policy.toml`` in the data dir)::

    [gates.plan]
    approvers = 1             # one approver…
    more_approvers_above = 50000   # …and two distinct ones for plans above 50,000
    expires_hours = 72        # an approval older than this no longer counts
    [gates.budget_change]
    above_amount = 5000       # changes up to 5,000 go through without a gate...
    above_share = 0.3         # ...unless they move more than 30 % of the channel's spend
    [gates.publish]
    required = false
    [planner]
    min_line_per_day = 10     # a plan's default minimum line: this × its days, or 1 % of
                              # its budget if that is more

The same file's ``[curves]`` section says how response curves weigh the past (a recency
half-life, change points): :mod:`agents.curves.settings` reads it.
"""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agents.planner.models import LINE_FLOOR_PER_DAY

GateAction = Literal["plan", "publish", "budget_change"]
ACTIONS: tuple[GateAction, ...] = ("plan", "publish", "budget_change")


class PolicyError(ValueError):
    """The policy file cannot be read or names an unknown gate or setting."""


class GateRule(BaseModel):
    """When an action waits for approval, and how many distinct approvers it needs."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    required: bool = Field(default=True, description="false: the action never waits")
    above_amount: Decimal | None = Field(
        default=None, ge=0, description="only amounts above this wait (none: every amount)"
    )
    above_share: float | None = Field(
        default=None,
        ge=0,
        description="also wait when the change exceeds this share of the channel's spend",
    )
    approvers: int = Field(default=1, ge=1, le=5, description="distinct approvers needed")
    more_approvers_above: Decimal | None = Field(
        default=None,
        ge=0,
        description="amounts above this need ``approvers_above`` distinct approvers instead",
    )
    approvers_above: int = Field(
        default=2, ge=1, le=5, description="distinct approvers above ``more_approvers_above``"
    )
    allow_self_approval: bool = Field(
        default=False, description="whether whoever asked for it may approve it"
    )
    expires_hours: float | None = Field(
        default=None, gt=0, description="an approval older than this no longer counts"
    )

    def approvers_for(self, amount: Decimal | float | None) -> int:
        """Distinct approvers an action of ``amount`` needs (more above the threshold)."""
        if (
            self.more_approvers_above is not None
            and amount is not None
            and Decimal(str(amount)) > self.more_approvers_above
        ):
            return max(self.approvers, self.approvers_above)
        return self.approvers

    def applies(self, amount: Decimal | None = None, share: float | None = None) -> bool:
        """Whether an action of this size must wait at the gate."""
        if not self.required:
            return False
        if self.above_amount is None and self.above_share is None:
            return True
        over_amount = (
            self.above_amount is not None and amount is not None and amount > self.above_amount
        )
        over_share = self.above_share is not None and share is not None and share > self.above_share
        return over_amount or over_share


class PlannerPolicy(BaseModel):
    """Planner settings of the policy file (``[planner]``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min_line_per_day: Decimal = Field(
        default=LINE_FLOOR_PER_DAY,
        ge=0,
        description="per-day floor of a line: a plan's default minimum line budget is this "
        "times its days, or 1 % of its budget if that is more",
    )


class ApprovalPolicy(BaseModel):
    """The gates of the service (see the module docstring for the file format)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    plan: GateRule = Field(default_factory=GateRule, description="a new plan version")
    publish: GateRule = Field(default_factory=GateRule, description="publishing an asset")
    budget_change: GateRule = Field(
        default_factory=lambda: GateRule(above_amount=Decimal(1000), above_share=0.2),
        description="a budget change of an executing plan",
    )
    planner: PlannerPolicy = Field(
        default_factory=PlannerPolicy, description="planner settings ([planner], not a gate)"
    )

    def rule(self, action: GateAction) -> GateRule:
        rule: GateRule = getattr(self, action)
        return rule


def load_policy(path: Path | None) -> ApprovalPolicy:
    """The policy in ``path`` (the defaults when None or absent); PolicyError names the key."""
    if path is None or not path.exists():
        return ApprovalPolicy()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise PolicyError(f"cannot read the approval policy {path}: {e}") from e
    unknown = sorted(set(data) - {"gates", "planner", "curves"})
    if unknown:
        raise PolicyError(
            f"{path}: unknown section {unknown[0]!r}; "
            "expected [gates.ACTION], [planner] or [curves]"
        )
    gates = data.get("gates", {})
    if isinstance(gates, dict) and "planner" in gates:
        raise PolicyError(f"{path}: unknown gate 'planner' (gates are {', '.join(ACTIONS)})")
    try:
        planner = PlannerPolicy.model_validate(data.get("planner", {}))
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise PolicyError(f"{path}: planner.{where}: {first['msg']}") from e
    try:
        policy = ApprovalPolicy.model_validate(gates)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise PolicyError(
            f"{path}: gates.{where}: {first['msg']} (gates are {', '.join(ACTIONS)})"
        ) from e
    return policy.model_copy(update={"planner": planner})
