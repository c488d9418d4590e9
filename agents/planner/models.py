"""The planner's values: what a plan is asked for, and the plan as stored and read back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, Field, model_validator

from graph.views import PlanStatus

# Plan statuses. A new plan waits at its gate (or is approved at once when the policy has
# no plan gate); a newer version supersedes the versions not yet executing. They are the
# values of graph.views.PlanStatus, as the plain strings stored on Plan nodes.
PENDING_APPROVAL = PlanStatus.PENDING_APPROVAL.value
APPROVED = PlanStatus.APPROVED.value
REJECTED = PlanStatus.REJECTED.value
EXECUTING = PlanStatus.EXECUTING.value
COMPLETED = PlanStatus.COMPLETED.value
SUPERSEDED = PlanStatus.SUPERSEDED.value
STOPPED = PlanStatus.STOPPED.value
# What an executing plan is on a given day (graph.views.plan_phase); never stored.
SCHEDULED = PlanStatus.SCHEDULED.value
RUNNING = PlanStatus.RUNNING.value
OPEN_STATUSES = (PENDING_APPROVAL, APPROVED)  # what a new version supersedes at once
# The agents whose tasks change what the channels spend (budgets, live variants): their
# tasks wait for the plan's first day; the others (drafting content) run at once.
SCHEDULED_AGENTS = ("budget", "distribution")

# The policy's default per-day floor of a line (``[planner] min_line_per_day``): a plan's
# default minimum line is at least this times its days.
LINE_FLOOR_PER_DAY = Decimal(10)

Amount = Annotated[Decimal, Field(ge=0, decimal_places=2)]


class GroupLimit(BaseModel):
    """A limit on the total of several channels together ("search max 15k" on a brand with
    Google Search and Bing Search: the two add up to at most 15k, not 15k each)."""

    channels: list[str] = Field(
        min_length=2, description="the channel ids whose total is limited (two or more)"
    )
    min: Amount | None = Field(default=None, description="least total over these channels")
    max: Amount | None = Field(default=None, description="most total over these channels")

    @model_validator(mode="after")
    def _a_limit_on_distinct_channels(self) -> Self:
        if len(set(self.channels)) < len(self.channels):
            raise ValueError("a group limit names each channel once")
        if self.min is None and self.max is None:
            raise ValueError("a group limit needs a min, a max or both")
        return self


class PlanConstraints(BaseModel):
    """Per-channel totals over the whole period, and totals of groups of channels."""

    min: dict[str, Amount] = Field(
        default_factory=dict, description="channel_id -> least amount spent on that channel"
    )
    max: dict[str, Amount] = Field(
        default_factory=dict, description="channel_id -> most amount spent on that channel"
    )
    groups: list[GroupLimit] = Field(
        default_factory=list,
        description="limits on the total of several channels together; no channel in two",
    )

    @model_validator(mode="after")
    def _groups_apart(self) -> Self:
        seen: set[str] = set()
        for group in self.groups:
            shared = sorted(seen & set(group.channels))
            if shared:
                raise ValueError(
                    f"{', '.join(shared)} in two group limits: give one limit per set of channels"
                )
            seen |= set(group.channels)
        return self


class PlanRequest(BaseModel):
    """What a plan is asked for: a brand, a budget and dates, and optional limits."""

    brand_id: str = Field(min_length=1, description="the brand whose outcomes the curves fit")
    budget: Decimal = Field(gt=0, decimal_places=2, description="total budget of the period")
    start_date: date = Field(description="first day of the plan (inclusive)")
    end_date: date = Field(description="last day of the plan (inclusive)")
    objective: Literal["revenue", "conversions"] = Field(
        default="revenue", description="what the allocation maximises"
    )
    brief: str | None = Field(default=None, max_length=10_000, description="the brief, in words")
    channel_ids: list[str] | None = Field(default=None, description="only these channels")
    exclude_channels: list[str] | None = Field(default=None, description="never these channels")
    audience_ids: list[str] | None = Field(default=None, description="only these audiences")
    constraints: PlanConstraints = Field(
        default_factory=PlanConstraints, description="per-channel minimums and maximums"
    )
    min_line_budget: Decimal | None = Field(
        default=None,
        ge=0,
        decimal_places=2,
        description="no line gets less than this over the period (lines under it are dropped "
        "and their money re-allocated); default: the larger of 1 % of the budget and the "
        "policy's per-day floor times the plan's days",
    )

    @model_validator(mode="after")
    def _dates_in_order(self) -> Self:
        if self.end_date < self.start_date:
            raise ValueError("end_date must not be before start_date")
        return self

    @model_validator(mode="after")
    def _min_line_within_budget(self) -> Self:
        if self.min_line_budget is not None and self.min_line_budget > self.budget:
            raise ValueError(
                f"min_line_budget {self.min_line_budget} is more than the budget {self.budget}"
            )
        return self

    @property
    def days(self) -> int:
        return (self.end_date - self.start_date).days + 1


@dataclass(frozen=True)
class PlanLine:
    """One channel × audience line of a plan; ``low``/``high`` bound the objective."""

    channel_id: str
    audience_id: str
    budget: Decimal
    revenue: float
    conversions: float
    roas: float
    low: float
    high: float
    curve_id: str
    thin: bool
    allocation_id: str = ""  # the Allocation node, once stored


@dataclass(frozen=True)
class PlanResult:
    """A plan as stored: the Plan node's facts and its lines, by budget descending."""

    id: str
    version: int
    status: str
    brand_id: str
    budget: Decimal
    start_date: date
    end_date: date
    objective: str
    lines: tuple[PlanLine, ...]
    tasks: list[dict[str, Any]]
    kpis: dict[str, Any]
    exit_criteria: list[dict[str, Any]]
    rationale: str
    decision_id: str
    created_at: str
    family: str = ""
    created_by: str | None = None
    supersedes: str | None = None
    brief_id: str | None = None
    research_id: str | None = None
    citations: list[str] = field(default_factory=list)
    versions: list[dict[str, Any]] = field(default_factory=list)
    approvals: list[dict[str, Any]] = field(default_factory=list)
    # Once handed over: the moment (UTC) its first day begins in the brand's time zone,
    # before which its budget and distribution tasks wait.
    starts_at: str | None = None
    # What it is on the day it is read (scheduled, running, completed…) and the spend of
    # the outcomes linked to its executions so far; set by the workflows, which know the
    # day (the clock), never stored.
    run_status: str | None = None
    spend_to_date: float | None = None

    @property
    def scheduled_for(self) -> date | None:
        """The first day, while the plan waits for it after being handed over."""
        return self.start_date if self.run_status == SCHEDULED else None

    warnings: list[dict[str, Any]] = field(default_factory=list)  # {code, message, details}
    min_line_budget: Decimal | None = None  # the minimum line the plan was made with

    def channels(self) -> list[ChannelTotal]:
        """Budget and expectations per channel (the lines summed), by budget descending."""
        totals: dict[str, ChannelTotal] = {}
        for line in self.lines:
            t = totals.get(line.channel_id) or ChannelTotal(line.channel_id)
            totals[line.channel_id] = ChannelTotal(
                channel_id=line.channel_id,
                budget=t.budget + line.budget,
                revenue=t.revenue + line.revenue,
                conversions=t.conversions + line.conversions,
                lines=t.lines + 1,
            )
        return sorted(totals.values(), key=lambda t: (-t.budget, t.channel_id))


@dataclass(frozen=True)
class ChannelTotal:
    """A channel's lines summed: what the plan puts on the channel and expects from it."""

    channel_id: str
    budget: Decimal = Decimal(0)
    revenue: float = 0.0
    conversions: float = 0.0
    lines: int = 0

    @property
    def roas(self) -> float:
        return round(self.revenue / float(self.budget), 4) if self.budget > 0 else 0.0
