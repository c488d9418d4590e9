"""Fixed tables of the demo data set: record fields, calendar, channels and audience segments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

import numpy as np
import numpy.typing as npt

Record = dict[str, Any]
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# fmt: off
KIND_ORDER: tuple[str, ...] = (
    "brands", "channels", "audiences", "campaigns", "assets", "outcomes", "leads",
)
FIELDS: dict[str, tuple[str, ...]] = {
    "brands": ("id", "name", "currency", "voice", "guidelines", "competitors", "baseline_roas"),
    "channels": ("id", "name", "kind", "platform"),
    "audiences": ("id", "name", "brand_id", "description", "size", "consent", "region"),
    "campaigns": (
        "id", "brand_id", "name", "objective", "business_unit", "start_date", "end_date",
        "budget", "status", "channel_ids", "audience_ids", "asset_ids",
    ),
    "assets": (
        "id", "brand_id", "kind", "title", "body", "url", "created_at", "campaign_ids", "language",
    ),
    "outcomes": (
        "date", "campaign_id", "channel_id", "spend", "audience_id", "asset_id", "impressions",
        "clicks", "conversions", "revenue", "leads",
    ),
    "leads": (
        "id", "created_at", "campaign_id", "channel_id", "owner", "first_response_at", "stage",
        "converted_at", "value",
    ),
}
# fmt: on
DATA_START = date(2025, 12, 1)
N_DAYS = 365
DATA_END = DATA_START + timedelta(days=N_DAYS - 1)
CAMPAIGN_SIGMA = 0.15  # lognormal sigma of the per-(campaign, channel, audience) effect
DATES = [(DATA_START + timedelta(days=d)).isoformat() for d in range(N_DAYS)]
CONSENT_KINDS = frozenset({"email", "sms"})


def stamp(day: date, minutes: float, tz: timezone) -> str:
    """ISO timestamp ``minutes`` after midnight of ``day`` in ``tz``, to the second."""
    moment = datetime.combine(day, time(), tz) + timedelta(minutes=minutes)
    return moment.isoformat(timespec="seconds")


@dataclass(frozen=True)
class ChannelSpec:
    """A channel and its response parameters, before brand and audience multipliers."""

    id: str
    name: str
    kind: str
    platform: str
    k: float  # half-saturation daily spend at brand scale 1
    roas: float  # multiplier of the brand's ROAS at half saturation
    cpm: float
    ctr: float


# fmt: off
CHANNELS = (  # id, name, kind, platform, half-saturation, ROAS multiplier, CPM, CTR
    ChannelSpec("ch-email", "Email (Mailchimp)", "email", "Mailchimp", 45, 4.0, 1.2, 0.028),
    ChannelSpec("ch-email-hubspot", "Email (HubSpot)", "email", "HubSpot", 40, 3.5, 1.8, 0.024),
    ChannelSpec("ch-sms", "SMS (Klaviyo)", "sms", "Klaviyo", 35, 3.2, 11.0, 0.07),
    ChannelSpec("ch-google-search", "Google Search", "paid_search", "Google Ads",
             900, 1.35, 50.0, 0.045),
    ChannelSpec("ch-bing-search", "Microsoft Bing Search", "paid_search", "Microsoft Advertising",
             250, 1.25, 35.0, 0.04),
    ChannelSpec("ch-meta", "Meta Ads (Facebook, Instagram)", "paid_social", "Meta",
             750, 1.0, 11.0, 0.011),
    ChannelSpec("ch-tiktok", "TikTok Ads", "paid_social", "TikTok", 400, 0.8, 7.0, 0.008),
    ChannelSpec("ch-linkedin", "LinkedIn Ads", "paid_social", "LinkedIn", 500, 1.1, 38.0, 0.006),
    ChannelSpec("ch-instagram", "Instagram (organic)", "organic_social", "Instagram",
             110, 1.6, 4.0, 0.012),
    ChannelSpec("ch-linkedin-organic", "LinkedIn (organic)", "organic_social", "LinkedIn",
             90, 1.5, 6.0, 0.01),
    ChannelSpec("ch-display", "Google Display Network", "display", "Google Ads",
             450, 0.5, 3.5, 0.0035),
    ChannelSpec("ch-youtube", "YouTube", "video", "Google Ads", 600, 0.6, 9.0, 0.004),
    ChannelSpec("ch-web", "Website and SEO", "web", "Google Analytics 4", 160, 2.2, 25.0, 0.32),
    ChannelSpec("ch-affiliate", "Affiliates (Impact)", "affiliate", "Impact", 300, 1.3, 6.0, 0.015),
    ChannelSpec("ch-partnerstack", "Partner referrals (PartnerStack)", "affiliate", "PartnerStack",
             200, 1.4, 20.0, 0.02),
)
# fmt: on
MEDIUM = {
    "email": "email",
    "sms": "sms",
    "paid_search": "cpc",
    "paid_social": "paid_social",
    "organic_social": "social",
    "display": "display",
    "video": "video",
    "web": "organic",
    "affiliate": "affiliate",
}
# ROAS, half-saturation and CTR multipliers per audience segment.
SEGMENTS: dict[str, tuple[float, float, float]] = {
    "customer": (1.5, 0.5, 1.5),
    "vip": (1.7, 0.35, 1.7),
    "lapsed": (0.9, 0.6, 0.9),
    "trial": (1.6, 0.3, 1.6),
    "prospect": (0.75, 1.5, 0.9),
    "lookalike": (0.85, 1.2, 1.0),
    "business": (1.0, 0.6, 1.1),
}
CHANNEL_TILT: dict[str, dict[str, float]] = {
    "awareness": {"video": 3.0, "display": 2.0, "paid_social": 1.5, "email": 0.4, "sms": 0.3},
    "revenue": {"paid_search": 1.5, "email": 1.5, "affiliate": 1.5, "sms": 1.3, "display": 0.6},
    "conversions": {"paid_social": 1.5, "paid_search": 1.3},
    "leads": {"paid_search": 2.0, "paid_social": 1.5, "email": 1.5, "web": 1.5, "video": 0.5},
}
AUDIENCE_TILT: dict[str, dict[str, float]] = {
    "awareness": {"prospect": 3, "lookalike": 3, "business": 0.3, "trial": 0.3},
    "revenue": {"customer": 3, "vip": 2, "lapsed": 2, "business": 0.2, "prospect": 0.7},
    "conversions": {"lookalike": 2, "lapsed": 1.5, "trial": 3, "business": 0.3},
    "leads": {"business": 3, "prospect": 2, "trial": 2, "customer": 0.5, "vip": 0.1, "lapsed": 0.1},
}
