"""A brief in words turned into what the planner can use: objective, channels, limits.

Two parsers give the same :class:`BriefFacts`: a deterministic one (patterns over the
brand's channel and audience names) and, when a chat model is configured, the model with
structured output. The model may only pick channels and audiences from the lists it is
shown and may only repeat amounts that occur in the brief: an amount it invents is dropped
and said so in ``notes``. The request's own fields always win over the brief.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal

from langchain_core.language_models import BaseChatModel
from pydantic import BaseModel, Field

from agents.llm import LlmError, ask_structured

RULES_VERSION = "brief-rules-v1"

_AMOUNT = r"(?:[$€£]\s?)?\d[\d,]*(?:\.\d+)?\s?(?:k|m)?(?:\s?(?:usd|eur|gbp))?|\d+(?:\.\d+)?\s?%"
_MIN = re.compile(
    rf"(?:at least|minimum(?: of)?|min\.?|no less than|not less than)\s+(?P<amount>{_AMOUNT})"
    r"\s+(?:on|for|in|to|into)\s+(?P<target>[^.;,]+)",
    re.IGNORECASE,
)
_MAX = re.compile(
    rf"(?:at most|no more than|not more than|maximum(?: of)?|max\.?|up to|cap(?:ped)? at)\s+"
    rf"(?P<amount>{_AMOUNT})\s+(?:on|for|in|to|into)\s+(?P<target>[^.;,]+)",
    re.IGNORECASE,
)
_EXCLUDE = re.compile(
    r"\b(?:no|not|without|exclude|excluding|skip|avoid|drop|pause)\b\s+(?P<target>[^.;]+)",
    re.IGNORECASE,
)
_ONLY = re.compile(r"\bonly\s+(?:on|in|use|using|via)?\s*(?P<target>[^.;]+)", re.IGNORECASE)
_CONVERSIONS = re.compile(
    r"\b(conversions?|sign-?ups?|trials?|leads?|orders|subscriptions|acquisitions?)\b", re.I
)
_REVENUE = re.compile(r"\b(revenue|sales|roas|return on ad spend|profit)\b", re.I)


class ChannelName(BaseModel):
    id: str
    name: str
    kind: str | None = None


class AudienceName(BaseModel):
    id: str
    name: str


class BriefFacts(BaseModel):
    """What a brief asks for, in the planner's terms; every value traceable to the text."""

    objective: Literal["revenue", "conversions"] | None = Field(
        default=None, description="what the brief wants maximised, if it says"
    )
    include_channels: list[str] = Field(
        default_factory=list, description="channel ids the brief limits the plan to"
    )
    exclude_channels: list[str] = Field(
        default_factory=list, description="channel ids the brief rules out"
    )
    audience_ids: list[str] = Field(
        default_factory=list, description="audience ids the brief names"
    )
    min_amounts: dict[str, str] = Field(
        default_factory=dict, description="channel id -> least amount, as written in the brief"
    )
    max_amounts: dict[str, str] = Field(
        default_factory=dict, description="channel id -> most amount (or N%), as written"
    )
    notes: list[str] = Field(default_factory=list, description="what was read, and dropped")


@dataclass(frozen=True)
class ParsedBrief:
    facts: BriefFacts
    parser: str  # RULES_VERSION or "llm"
    model: str | None = None
    prompt_digest: str | None = None


def parse_brief(
    text: str,
    channels: Sequence[ChannelName],
    audiences: Sequence[AudienceName],
    llm: BaseChatModel | None = None,
) -> ParsedBrief:
    """Read ``text`` with the model when given (falling back to the rules if it fails)."""
    if llm is not None:
        try:
            return _parse_with_llm(text, channels, audiences, llm)
        except LlmError as e:
            facts = parse_with_rules(text, channels, audiences)
            facts.notes.append(f"the language model failed, read by rules instead: {e}")
            return ParsedBrief(facts, RULES_VERSION)
    return ParsedBrief(parse_with_rules(text, channels, audiences), RULES_VERSION)


def parse_with_rules(
    text: str, channels: Sequence[ChannelName], audiences: Sequence[AudienceName]
) -> BriefFacts:
    """The deterministic reading: patterns over the known channel and audience names."""
    facts = BriefFacts()
    conv, rev = len(_CONVERSIONS.findall(text)), len(_REVENUE.findall(text))
    if conv != rev:
        facts.objective = "conversions" if conv > rev else "revenue"
    for pattern, into in ((_MIN, facts.min_amounts), (_MAX, facts.max_amounts)):
        for m in pattern.finditer(text):
            for channel_id in _channels_in(m.group("target"), channels):
                into[channel_id] = _clean(m.group("amount"))
    for m in _EXCLUDE.finditer(text):
        clause = m.group("target")
        if _LIMIT_WORDS.match(clause.strip()):  # "no more than" is a limit, not an exclusion
            continue
        facts.exclude_channels.extend(_channels_in(clause, channels))
    for m in _ONLY.finditer(text):
        facts.include_channels.extend(_channels_in(m.group("target"), channels))
    facts.exclude_channels = sorted(set(facts.exclude_channels))
    facts.include_channels = sorted(set(facts.include_channels) - set(facts.exclude_channels))
    lowered = text.lower()
    facts.audience_ids = sorted(a.id for a in audiences if a.name.lower() in lowered)
    return facts


_LIMIT_WORDS = re.compile(r"(?:more|less|fewer|than|over|under)\b", re.IGNORECASE)


def amount_of(written: str, budget: Decimal) -> Decimal | None:
    """An amount as written in a brief (``$5k``, ``1,200``, ``20%`` of ``budget``)."""
    text = written.lower().replace(",", "").replace(" ", "")
    text = re.sub(r"^[$€£]|(usd|eur|gbp)$", "", text)
    scale = Decimal(1)
    if text.endswith("%"):
        text, scale = text[:-1], budget / 100
    elif text.endswith("k"):
        text, scale = text[:-1], Decimal(1000)
    elif text.endswith("m"):
        text, scale = text[:-1], Decimal(1_000_000)
    try:
        return (Decimal(text) * scale).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None


def _clean(amount: str) -> str:
    return " ".join(amount.split())


_GENERIC = frozenset({"ads", "and", "email", "search", "network", "organic", "website", "the"})


def _aliases(channel: ChannelName, channels: Sequence[ChannelName]) -> dict[str, int]:
    """Names a brief may use for ``channel``, each with a rank (0 is the most specific):
    its name and id, a word only its name has, a part in parentheses, its kind."""
    name = channel.name.lower()
    ranked: dict[str, int] = {}

    def add(alias: str, rank: int) -> None:
        alias = alias.strip()
        if len(alias) >= 3 and alias not in _GENERIC - {"email"}:
            ranked[alias] = min(rank, ranked.get(alias, rank))

    head = re.sub(r"\s*\(.*\)", "", name).strip()
    for alias in (name, head, channel.id.lower(), channel.id.lower().removeprefix("ch-")):
        add(alias.replace("-", " "), 0)
    for word in ("ads", "search", "network"):
        if head.endswith(f" {word}") and len(head.split()) > 1:
            add(head.removesuffix(f" {word}"), 1)
    others = [re.findall(r"[a-z]+", c.name.lower()) for c in channels if c.id != channel.id]
    for word in re.findall(r"[a-z]+", head):
        if word not in _GENERIC and not any(word in words for words in others):
            add(word, 1)
    for inside in re.findall(r"\(([^)]*)\)", name):
        for part in inside.split(","):
            add(part, 2)
    if channel.kind:
        add(channel.kind.replace("_", " "), 3)
    return ranked


def _channels_in(clause: str, channels: Sequence[ChannelName]) -> list[str]:
    """Channels named in ``clause``. A name inside a longer matched name does not count,
    and where one name fits several channels the most specific reading wins."""
    lowered = clause.lower()
    matches: list[tuple[int, int, int, str]] = []
    for channel in channels:
        for alias, rank in _aliases(channel, channels).items():
            for m in re.finditer(rf"(?<![a-z]){re.escape(alias)}(?![a-z])", lowered):
                matches.append((m.start(), m.end(), rank, channel.id))
    best: dict[tuple[int, int], int] = {}
    for start, end, rank, _ in matches:
        best[(start, end)] = min(rank, best.get((start, end), rank))
    kept = {
        channel_id
        for start, end, rank, channel_id in matches
        if rank == best[(start, end)]
        and not any(s <= start and end <= e and (e - s) > (end - start) for s, e, _, _ in matches)
    }
    return sorted(kept)


def _amounts_in(text: str) -> set[str]:
    return {_normal(m.group(0)) for m in re.finditer(_AMOUNT, text, re.IGNORECASE)}


def _normal(amount: str) -> str:
    return re.sub(r"[\s,$€£]|usd|eur|gbp", "", amount.lower())


def _parse_with_llm(
    text: str,
    channels: Sequence[ChannelName],
    audiences: Sequence[AudienceName],
    llm: BaseChatModel,
) -> ParsedBrief:
    system = (
        "You read marketing briefs for a media planner. Extract only what the brief says: "
        "the objective, channels to use only or to exclude, audiences named, and minimum or "
        "maximum amounts per channel exactly as written in the brief. Use only the channel "
        "and audience ids listed. Never invent an amount; leave fields empty when unsure."
    )
    listing = "\n".join(f"- {c.id}: {c.name} ({c.kind})" for c in channels)
    people = "\n".join(f"- {a.id}: {a.name}" for a in audiences)
    user = f"Channels:\n{listing}\n\nAudiences:\n{people}\n\nBrief:\n{text}"
    answer = ask_structured(llm, BriefFacts, system, user)
    facts = _checked(answer.value, text, channels, audiences)
    return ParsedBrief(facts, "llm", answer.model, answer.prompt_digest)


def _checked(
    facts: BriefFacts,
    text: str,
    channels: Sequence[ChannelName],
    audiences: Sequence[AudienceName],
) -> BriefFacts:
    """Drop whatever the model made up: unknown ids, amounts absent from the brief."""
    known_channels = {c.id for c in channels}
    known_audiences = {a.id for a in audiences}
    written = _amounts_in(text)
    notes = list(facts.notes)

    def keep_ids(ids: list[str], known: set[str], what: str) -> list[str]:
        unknown = sorted(set(ids) - known)
        if unknown:
            notes.append(f"dropped unknown {what} {', '.join(unknown)}")
        return sorted(set(ids) & known)

    def keep_amounts(amounts: dict[str, str], what: str) -> dict[str, str]:
        kept = {}
        for channel_id, amount in sorted(amounts.items()):
            if channel_id not in known_channels:
                notes.append(f"dropped {what} for unknown channel {channel_id}")
            elif _normal(amount) not in written:
                notes.append(f"dropped {what} {amount!r} for {channel_id}: not in the brief")
            else:
                kept[channel_id] = _clean(amount)
        return kept

    return BriefFacts(
        objective=facts.objective,
        include_channels=keep_ids(facts.include_channels, known_channels, "channels"),
        exclude_channels=keep_ids(facts.exclude_channels, known_channels, "channels"),
        audience_ids=keep_ids(facts.audience_ids, known_audiences, "audiences"),
        min_amounts=keep_amounts(facts.min_amounts, "minimum"),
        max_amounts=keep_amounts(facts.max_amounts, "maximum"),
        notes=notes,
    )
