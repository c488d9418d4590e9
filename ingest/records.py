"""The canonical records of DATA.md as pydantic models, one per kind.

Unknown fields are kept (``extra="allow"``) and become node properties. Reference fields
(``brand_id``, ``channel_ids``…) are declared in :data:`REFERENCES` and become edges.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
)

from graph.schema import Label, RelType


def _to_str_id(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        return value.strip()
    return value


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError("must be a finite number")
    return value


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("timestamp needs a UTC offset, e.g. 2026-03-01T09:30:00+00:00")
    return value


def _split_list(value: Any) -> Any:
    if isinstance(value, str):
        return [part.strip() for part in value.split(";") if part.strip()]
    return value


Id = Annotated[str, BeforeValidator(_to_str_id), Field(min_length=1, max_length=256)]
IdList = Annotated[list[Id], BeforeValidator(_split_list)]
NameList = Annotated[list[str], BeforeValidator(_split_list)]
Money = Annotated[float, Field(ge=0), AfterValidator(_finite)]
Count = Annotated[float, Field(ge=0), AfterValidator(_finite)]
Amount = Annotated[float, AfterValidator(_finite)]
Timestamp = Annotated[datetime, AfterValidator(_aware)]


class ChannelKind(StrEnum):
    EMAIL = "email"
    PAID_SEARCH = "paid_search"
    PAID_SOCIAL = "paid_social"
    ORGANIC_SOCIAL = "organic_social"
    DISPLAY = "display"
    VIDEO = "video"
    WEB = "web"
    AFFILIATE = "affiliate"
    SMS = "sms"


class AssetKind(StrEnum):
    AD_COPY = "ad_copy"
    IMAGE = "image"
    VIDEO = "video"
    EMAIL = "email"
    LANDING_PAGE = "landing_page"
    BLOG = "blog"
    SOCIAL_POST = "social_post"
    GUIDELINE = "guideline"
    REPORT = "report"


class Reference(BaseModel):
    """A field that points at another node: which label, and the edge it becomes."""

    model_config = ConfigDict(frozen=True)

    field: str
    label: Label
    rel: RelType
    outgoing: bool  # True: (record)-[rel]->(target); False: (target)-[rel]->(record)
    many: bool = False


class CanonicalRecord(BaseModel):
    """Base of every canonical record."""

    model_config = ConfigDict(extra="allow", str_strip_whitespace=True)

    label: ClassVar[Label]
    references: ClassVar[tuple[Reference, ...]] = ()

    def node_id(self) -> str:
        return str(getattr(self, "id"))  # noqa: B009  (every kind but outcomes has an id)


class BrandRecord(CanonicalRecord):
    label = Label.BRAND
    id: Id
    name: str = Field(min_length=1)
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    voice: str | None = None
    guidelines: str | None = None
    competitors: NameList | None = None
    baseline_roas: Annotated[float, Field(ge=0), AfterValidator(_finite)] | None = None


class ChannelRecord(CanonicalRecord):
    label = Label.CHANNEL
    id: Id
    name: str = Field(min_length=1)
    kind: ChannelKind
    platform: str | None = None


class AudienceRecord(CanonicalRecord):
    label = Label.AUDIENCE
    references = (
        Reference(field="brand_id", label=Label.BRAND, rel=RelType.BELONGS_TO, outgoing=True),
    )
    id: Id
    name: str = Field(min_length=1)
    brand_id: Id | None = None
    description: str | None = None
    size: Annotated[int, Field(ge=0)] | None = None
    consent: str | None = None
    region: str | None = None


class CampaignRecord(CanonicalRecord):
    label = Label.CAMPAIGN
    references = (
        Reference(field="brand_id", label=Label.BRAND, rel=RelType.RUNS, outgoing=False),
        Reference(
            field="channel_ids", label=Label.CHANNEL, rel=RelType.ON, outgoing=True, many=True
        ),
        Reference(
            field="audience_ids",
            label=Label.AUDIENCE,
            rel=RelType.TARGETS,
            outgoing=True,
            many=True,
        ),
        Reference(field="asset_ids", label=Label.ASSET, rel=RelType.USES, outgoing=True, many=True),
    )
    id: Id
    brand_id: Id
    name: str = Field(min_length=1)
    objective: Literal["revenue", "conversions", "leads", "awareness"] | None = None
    business_unit: str | None = None
    start_date: date | None = None
    end_date: date | None = None
    budget: Money | None = None
    status: str | None = None
    channel_ids: IdList = Field(default_factory=list)
    audience_ids: IdList = Field(default_factory=list)
    asset_ids: IdList = Field(default_factory=list)

    @field_validator("end_date")
    @classmethod
    def _end_after_start(cls, end: date | None, info: Any) -> date | None:
        start = info.data.get("start_date")
        if end is not None and start is not None and end < start:
            raise ValueError(f"end_date {end} is before start_date {start}")
        return end


class AssetRecord(CanonicalRecord):
    label = Label.ASSET
    references = (
        Reference(field="brand_id", label=Label.BRAND, rel=RelType.BELONGS_TO, outgoing=True),
        Reference(
            field="campaign_ids", label=Label.CAMPAIGN, rel=RelType.USES, outgoing=False, many=True
        ),
    )
    id: Id
    brand_id: Id
    kind: AssetKind
    title: str = Field(min_length=1)
    body: str | None = None
    url: str | None = None
    created_at: Timestamp | None = None
    campaign_ids: IdList = Field(default_factory=list)
    language: str | None = None


class OutcomeRecord(CanonicalRecord):
    label = Label.OUTCOME
    references = (
        Reference(field="campaign_id", label=Label.CAMPAIGN, rel=RelType.OF, outgoing=True),
        Reference(field="channel_id", label=Label.CHANNEL, rel=RelType.OF, outgoing=True),
        Reference(field="audience_id", label=Label.AUDIENCE, rel=RelType.OF, outgoing=True),
        Reference(field="asset_id", label=Label.ASSET, rel=RelType.OF, outgoing=True),
    )
    date: date
    campaign_id: Id
    channel_id: Id
    spend: Money
    audience_id: Id | None = None
    asset_id: Id | None = None
    impressions: Count | None = None
    clicks: Count | None = None
    conversions: Count | None = None
    revenue: Amount | None = None
    leads: Count | None = None

    def node_id(self) -> str:
        """The natural key (date, campaign, channel, audience, asset) as one string."""
        parts = (self.date.isoformat(), self.campaign_id, self.channel_id)
        return "|".join((*parts, self.audience_id or "", self.asset_id or ""))


class LeadRecord(CanonicalRecord):
    label = Label.LEAD
    references = (
        Reference(field="campaign_id", label=Label.CAMPAIGN, rel=RelType.OF, outgoing=True),
        Reference(field="channel_id", label=Label.CHANNEL, rel=RelType.OF, outgoing=True),
    )
    id: Id
    created_at: Timestamp
    campaign_id: Id
    channel_id: Id | None = None
    owner: str | None = None
    first_response_at: Timestamp | None = None
    stage: str | None = None
    converted_at: Timestamp | None = None
    value: Money | None = None


RECORD_TYPES: dict[str, type[CanonicalRecord]] = {
    "brands": BrandRecord,
    "channels": ChannelRecord,
    "audiences": AudienceRecord,
    "campaigns": CampaignRecord,
    "assets": AssetRecord,
    "outcomes": OutcomeRecord,
    "leads": LeadRecord,
}
KINDS: tuple[str, ...] = tuple(RECORD_TYPES)
# Fields holding lists; CSV cells of these are ';'-separated.
LIST_FIELDS = frozenset({"channel_ids", "audience_ids", "asset_ids", "campaign_ids", "competitors"})
