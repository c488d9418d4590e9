"""What the HubSpot connectors share: stage vocabularies, sources as channels, timestamps."""

from __future__ import annotations

from datetime import UTC, datetime

from ingest.connectors._values import is_empty, parse_timestamp, slug
from ingest.connectors.base import Context

# Lifecycle stage (label or internal value) → canonical lead stage.
LIFECYCLE = {
    "subscriber": "new",
    "lead": "new",
    "marketing qualified lead": "qualified",
    "marketingqualifiedlead": "qualified",
    "sales qualified lead": "qualified",
    "salesqualifiedlead": "qualified",
    "opportunity": "opportunity",
    "customer": "won",
    "evangelist": "won",
    "other": "nurture",
}
# Lead Status refines the early stages (a "new" lead someone called is "contacted").
LEAD_STATUS = {
    "attempted to contact": "contacted",
    "attempted_to_contact": "contacted",
    "connected": "contacted",
    "in progress": "contacted",
    "in_progress": "contacted",
    "open deal": "opportunity",
    "open_deal": "opportunity",
    "unqualified": "lost",
    "bad timing": "nurture",
    "bad_timing": "nurture",
}
# Deal stage of the default sales pipeline (label or internal value) → lead stage.
DEAL_STAGES = {
    "appointment scheduled": "opportunity",
    "appointmentscheduled": "opportunity",
    "qualified to buy": "opportunity",
    "qualifiedtobuy": "opportunity",
    "presentation scheduled": "opportunity",
    "presentationscheduled": "opportunity",
    "decision maker bought-in": "opportunity",
    "decisionmakerboughtin": "opportunity",
    "contract sent": "opportunity",
    "contractsent": "opportunity",
    "closed won": "won",
    "closedwon": "won",
    "closed lost": "lost",
    "closedlost": "lost",
}
# Original (traffic) source → (channel id suffix, channel kind).
SOURCES = {
    "organic search": ("organic-search", "web"),
    "paid search": ("paid-search", "paid_search"),
    "email marketing": ("email-marketing", "email"),
    "organic social": ("organic-social", "organic_social"),
    "social media": ("organic-social", "organic_social"),
    "paid social": ("paid-social", "paid_social"),
    "referrals": ("referrals", "web"),
    "direct traffic": ("direct-traffic", "web"),
    "offline sources": ("offline-sources", "web"),
    "other campaigns": ("other-campaigns", "display"),
    "ai referrals": ("ai-referrals", "web"),
}
CRM_CHANNEL = {
    "id": "hubspot-crm",
    "name": "HubSpot CRM (closed-won deals)",
    "kind": "web",
    "platform": "HubSpot",
}


def lead_id(record_id: str) -> str:
    return f"hubspot-contact-{slug(record_id)}"


def source_key(value: str) -> str:
    """``PAID_SEARCH`` and ``Paid Search`` are the same source."""
    return " ".join(value.replace("_", " ").lower().split())


def known(mapping: dict[str, str], value: str, column: str) -> str:
    """``mapping[value]`` (case-insensitive), or a ValueError naming the accepted values."""
    found = mapping.get(value.strip().lower())
    if found is None:
        accepted = sorted(mapping)
        expected = ", ".join(accepted)
        raise ValueError(f"{column}: unknown value {value!r}; expected one of {expected}")
    return found


def timestamp(row: dict[str, str], key: str, column: str, ctx: Context) -> str | None:
    """The ISO timestamp in ``row[key]`` (portal time zone when no offset is written)."""
    text = row.get(key)
    if is_empty(text):
        return None
    assert text is not None
    try:
        moment: datetime = parse_timestamp(text, ctx.timezone or UTC)
    except ValueError as e:
        raise ValueError(f"{column}: {e}") from None
    return moment.isoformat()
