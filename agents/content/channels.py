"""How a draft is laid out per channel kind, and the length limits each layout keeps.

Limits are the platforms' published ones where they exist (Google responsive search ads:
30-character headlines, 90-character descriptions; an SMS segment: 160 characters; X:
280) and common practice elsewhere (Meta shows ~125 characters of primary text before
"See more"; email subjects are cut at ~60 characters on phones). ``total`` is the limit
of the whole text, the other fields limit one part.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ChannelLimits:
    """Character limits of one channel kind's parts (``None``: no limit)."""

    hook: int | None = None
    headline: int | None = None
    body: int | None = None
    cta: int | None = 30
    total: int | None = None
    hashtags: int | None = None


LIMITS: dict[str, ChannelLimits] = {
    "sms": ChannelLimits(hook=110, body=0, cta=25, total=160),
    "paid_search": ChannelLimits(hook=30, headline=30, body=90, cta=30),
    "paid_social": ChannelLimits(hook=125, headline=40, body=250),
    "organic_social": ChannelLimits(hook=140, body=200, total=280, hashtags=3),
    "email": ChannelLimits(hook=200, headline=60, body=600),
    "display": ChannelLimits(hook=40, headline=30, body=90, cta=20),
    "video": ChannelLimits(hook=90, body=200),
    "affiliate": ChannelLimits(hook=150, body=300),
    "web": ChannelLimits(hook=150, headline=70, body=800),
}
DEFAULT = ChannelLimits(hook=150, headline=70, body=600)


def limits(channel: str) -> ChannelLimits:
    return LIMITS.get(channel, DEFAULT)


def fits(text: str, limit: int | None) -> bool:
    return limit is None or len(text) <= limit


def render(
    channel: str,
    *,
    brand: str,
    hook: str,
    headline: str,
    body: list[str],
    cta: str,
    hashtags: list[str],
) -> str:
    """The draft's text for ``channel`` (see the module docstring for the limits)."""
    text = " ".join(body)
    if channel not in ("paid_search", "display"):
        hook = _sentence(hook)
    if channel == "sms":
        return f"{brand}: {hook} {cta}. Reply STOP to opt out".replace("..", ".")
    if channel == "paid_search":
        heads = " | ".join(h for h in (hook, headline, cta) if h)
        return f"Headlines: {heads}\nDescriptions: {text}"
    if channel == "paid_social":
        return f"Primary text: {hook} {text}\nHeadline: {headline}\nButton: {cta}".strip()
    if channel == "organic_social":
        tags = " ".join(hashtags[:3])
        return f"{hook}\n\n{text}\n\n{cta} {tags}".strip()
    if channel == "email":
        return f"Subject: {headline or hook}\n\n{hook}\n\n{text}\n\n{cta}"
    if channel == "display":
        return f"Headline: {hook}\nSubline: {text}\nButton: {cta}"
    if channel == "video":
        return f"0-3 s hook: {hook}\n3-12 s: {text}\nEnd card: {cta}"
    return "\n\n".join(p for p in (headline, hook, text, cta) if p)


def _sentence(text: str) -> str:
    """``text`` ending like a sentence (a hook is followed by more copy)."""
    text = text.strip()
    return text if not text or text[-1] in ".!?…" else text + "."
