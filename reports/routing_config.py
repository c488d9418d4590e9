"""Routing rules and capacities: what the lead router is configured with, and checked.

Rules come in order; each names candidate owners and the conditions a lead must meet
(all of those given). Every owner named must have a capacity (the most open leads they
may hold at once). A bad config is a :class:`RoutingConfigError` saying where.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from reports._leads import Lead
from reports.errors import RoutingConfigError


class RoutingRule(BaseModel):
    """Leads matching every condition given go to one of ``owners``."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    owners: list[str] = Field(min_length=1)
    channel_ids: list[str] | None = None
    campaign_ids: list[str] | None = None
    business_units: list[str] | None = None
    sources: list[str] | None = Field(default=None, description="the lead's CRM source")
    min_value: float | None = Field(default=None, description="the lead's expected value")

    def matches(self, lead: Lead) -> bool:
        source = lead.node.properties.get("source")
        return (
            (self.channel_ids is None or lead.channel_id in self.channel_ids)
            and (self.campaign_ids is None or lead.campaign_id in self.campaign_ids)
            and (self.business_units is None or lead.business_unit in self.business_units)
            and (self.sources is None or source in self.sources)
            and (self.min_value is None or (lead.value or 0.0) >= self.min_value)
        )


class RoutingConfig(BaseModel):
    """Rules in order, each owner's capacity (most open leads at once), the SLA."""

    model_config = ConfigDict(extra="forbid")

    rules: list[RoutingRule] = Field(min_length=1)
    capacity: dict[str, int] = Field(description="owner -> most open leads they may hold")
    default_owners: list[str] = Field(default_factory=list)
    sla_minutes: int = Field(default=60, gt=0, le=525_600)

    @model_validator(mode="after")
    def _every_owner_has_a_capacity(self) -> RoutingConfig:
        names = [r.name for r in self.rules]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"rule names must be unique; repeated: {', '.join(twice)}")
        for owner, cap in self.capacity.items():
            if cap < 0:
                raise ValueError(f"capacity of {owner!r} is negative ({cap})")
        wanted = [(o, r.name) for r in self.rules for o in r.owners]
        wanted += [(o, "default_owners") for o in self.default_owners]
        for owner, where in wanted:
            if owner not in self.capacity:
                raise ValueError(f"owner {owner!r} ({where}) has no capacity; add it to capacity")
        return self


def load_config(path: Path) -> RoutingConfig:
    """Read routing rules from a .toml or .json file; RoutingConfigError says what is wrong."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise RoutingConfigError(f"{path}: {e.strerror or e}") from e
    try:
        if path.suffix.lower() == ".toml":
            data: Any = tomllib.loads(text)
        elif path.suffix.lower() == ".json":
            data = json.loads(text)
        else:
            raise RoutingConfigError(f"{path}: routing rules are a .toml or .json file")
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as e:
        raise RoutingConfigError(f"{path}: unreadable: {e}") from e
    return parse_config(data, str(path))


def parse_config(data: Any, where: str = "routing config") -> RoutingConfig:
    try:
        return RoutingConfig.model_validate(data)
    except ValidationError as e:
        problems = []
        for item in e.errors(include_url=False):
            loc = ".".join(str(p) for p in item["loc"]) or "config"
            problems.append(f"{loc}: {item['msg']}")
        raise RoutingConfigError(f"{where}: {'; '.join(problems)}") from e
