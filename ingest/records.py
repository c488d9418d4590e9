"""The canonical records of DATA.md as pydantic models, one per kind.

Unknown fields are kept (``extra="allow"``) and become node properties, except the
reserved ones the service itself relies on (:data:`RESERVED`). Reference fields
(``brand_id``, ``channel_ids``…) are declared per kind and become edges. Texts, lists,
amounts and dates stay within the record limits of :mod:`ingest.limits`.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from graph.schema import Label, RelType
from ingest.limits import (
    FIRST_DAY,
    LAST_DAY,
    LIST_ITEMS,
    LONG_TEXT_CHARS,
    MAX_AMOUNT,
    RECORD_FIELDS,
    TEXT_CHARS,
)

# Fields a record may not carry: the service reads them to tell who may see a node
# (``brand_ids``, ``brand_id`` where a kind has no brand of its own) or writes them itself
# (the audit seal). Refused, never silently dropped.
RESERVED = frozenset({"brand_ids"})
RESERVED_PREFIXES = ("audit_",)


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
    if not FIRST_DAY <= value.date() <= LAST_DAY:
        raise ValueError(f"must lie between {FIRST_DAY} and {LAST_DAY} (got {value.date()})")
    return value


def _split_list(value: Any) -> Any:
    if isinstance(value, str):
        return [part.strip() for part in value.split(";") if part.strip()]
    return value


Id = Annotated[str, BeforeValidator(_to_str_id), Field(min_length=1, max_length=256)]
IdList = Annotated[list[Id], BeforeValidator(_split_list), Field(max_length=LIST_ITEMS)]
Text = Annotated[str, Field(max_length=TEXT_CHARS)]
Name = Annotated[str, Field(min_length=1, max_length=TEXT_CHARS)]
LongText = Annotated[str, Field(max_length=LONG_TEXT_CHARS)]
NameList = Annotated[list[Text], BeforeValidator(_split_list), Field(max_length=LIST_ITEMS)]
Money = Annotated[float, Field(ge=0, le=MAX_AMOUNT), AfterValidator(_finite)]
Count = Annotated[float, Field(ge=0, le=MAX_AMOUNT), AfterValidator(_finite)]
Amount = Annotated[float, Field(ge=-MAX_AMOUNT, le=MAX_AMOUNT), AfterValidator(_finite)]
Day = Annotated[date, Field(ge=FIRST_DAY, le=LAST_DAY)]
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

    @model_validator(mode="after")
    def _check_extra(self) -> CanonicalRecord:
        """Unknown fields: none reserved, and within the same limits as declared ones."""
        extra = self.__pydantic_extra__
        if extra:
            if len(extra) + len(type(self).model_fields) > RECORD_FIELDS:
                raise ValueError(f"more than {RECORD_FIELDS} fields (limit {RECORD_FIELDS})")
            declared = type(self).model_fields
            for key, value in extra.items():
                problem = _extra_problem(key, value, "brand_id" in declared)
                if problem:
                    raise ValueError(problem)
        return self

    def node_id(self) -> str:
        return str(getattr(self, "id"))  # noqa: B009  (every kind but outcomes has an id)


def _extra_problem(key: str, value: Any, has_brand: bool) -> str | None:
    if (
        key in RESERVED
        or key.startswith(RESERVED_PREFIXES)
        or (key == "brand_id" and not has_brand)
    ):
        return f"field {key!r} is reserved: the service sets it, a record may not"
    if len(key) > 256:
        return f"a field name is longer than 256 characters ({key[:40]!r}…)"
    return _value_problem(key, value, 0)


def _value_problem(key: str, value: Any, depth: int) -> str | None:
    """Why an unknown field's value is over a record limit (None: it is not)."""
    if isinstance(value, str):
        if len(value) > TEXT_CHARS:
            return f"{key}: text of {len(value):,} characters (limit {TEXT_CHARS:,})"
    elif isinstance(value, bool) or value is None:
        return None
    elif isinstance(value, int | float):
        if not math.isfinite(value):
            return f"{key}: {value!r} is not a finite number"
        if abs(value) > MAX_AMOUNT:
            return f"{key}: number {value!r} is beyond ±{MAX_AMOUNT:g} (limit)"
    elif isinstance(value, list | dict):
        if depth >= 4:
            return f"{key}: nested more than 4 levels"
        if len(value) > LIST_ITEMS:
            return f"{key}: {len(value):,} items (limit {LIST_ITEMS:,})"
        items = value.values() if isinstance(value, dict) else value
        for item in items:
            problem = _value_problem(key, item, depth + 1)
            if problem:
                return problem
    return None


class BrandRecord(CanonicalRecord):
    label = Label.BRAND
    id: Id
    name: Name
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    voice: LongText | None = None
    guidelines: LongText | None = None
    competitors: NameList | None = None
    baseline_roas: Money | None = None
    timezone: Text | None = None  # IANA name; a plan's days are the brand's days (UTC if none)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, name: str | None) -> str | None:
        if not name:
            return None
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"timezone {name!r} is not an IANA zone name like Europe/Berlin or UTC"
            ) from None
        return name


class ChannelRecord(CanonicalRecord):
    label = Label.CHANNEL
    id: Id
    name: Name
    kind: ChannelKind
    platform: Text | None = None


class AudienceRecord(CanonicalRecord):
    label = Label.AUDIENCE
    references = (
        Reference(field="brand_id", label=Label.BRAND, rel=RelType.BELONGS_TO, outgoing=True),
    )
    id: Id
    name: Name
    brand_id: Id | None = None
    description: LongText | None = None
    size: Annotated[int, Field(ge=0, le=MAX_AMOUNT)] | None = None
    consent: Text | None = None
    region: Text | None = None


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
    name: Name
    objective: Literal["revenue", "conversions", "leads", "awareness"] | None = None
    business_unit: Text | None = None
    start_date: Day | None = None
    end_date: Day | None = None
    budget: Money | None = None
    status: Text | None = None
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
    title: Name
    body: LongText | None = None
    url: Text | None = None
    created_at: Timestamp | None = None
    campaign_ids: IdList = Field(default_factory=list)
    language: Text | None = None


class OutcomeRecord(CanonicalRecord):
    label = Label.OUTCOME
    references = (
        Reference(field="campaign_id", label=Label.CAMPAIGN, rel=RelType.OF, outgoing=True),
        Reference(field="channel_id", label=Label.CHANNEL, rel=RelType.OF, outgoing=True),
        Reference(field="audience_id", label=Label.AUDIENCE, rel=RelType.OF, outgoing=True),
        Reference(field="asset_id", label=Label.ASSET, rel=RelType.OF, outgoing=True),
    )
    date: Day
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
    owner: Text | None = None
    first_response_at: Timestamp | None = None
    stage: Text | None = None
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
