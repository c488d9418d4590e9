"""A brief in words turned into what the planner can use: objective, channels, limits.

Two parsers give the same :class:`BriefFacts`: a deterministic one (the brief read clause
by clause over the brand's channel and audience names, :mod:`agents.planner._brief_rules`)
and, when a chat model is configured, the model with structured output. The model may only
pick channels and audiences from the lists it is shown and may only repeat amounts that
occur in the brief (the same number, percentage or not): an amount it invents is dropped
and said so in ``notes``. A channel the brief names that the brand does not have is noted,
never an error. The request's own fields always win over the brief.
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
from agents.planner._brief_names import ChannelName
from agents.planner._brief_rules import AMOUNT, read

__all__ = [
    "AudienceName",
    "BriefFacts",
    "ChannelName",
    "GroupAmount",
    "ParsedBrief",
    "amount_of",
    "parse_brief",
    "parse_with_rules",
    "same_amount",
]

RULES_VERSION = "brief-rules-v2"
_CONVERSIONS = re.compile(
    r"\b(conversions?|sign-?ups?|trials?|leads?|orders|subscriptions|acquisitions?)\b", re.I
)
_REVENUE = re.compile(r"\b(revenue|sales|roas|return on ad spend|profit)\b", re.I)


class AudienceName(BaseModel):
    id: str
    name: str


class GroupAmount(BaseModel):
    """One limit on the total of several channels, as written in the brief."""

    channels: list[str] = Field(description="the channel ids the limit is on, together")
    amount: str = Field(description="the amount as written in the brief (or N%)")


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
    min_groups: list[GroupAmount] = Field(
        default_factory=list,
        description="least amounts on the total of several channels together (a kind word "
        "such as 'search' naming several channels, or channels named together)",
    )
    max_groups: list[GroupAmount] = Field(
        default_factory=list,
        description="most amounts (or N%) on the total of several channels together",
    )
    unknown_channels: list[str] = Field(
        default_factory=list,
        description="channels the brief names, as written, that are not in the list shown",
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
    """The deterministic reading: clause by clause over the brand's channel names."""
    reading = read(text, channels)
    facts = BriefFacts(
        include_channels=reading.include,
        exclude_channels=reading.exclude,
        min_amounts=reading.min_amounts,
        max_amounts=reading.max_amounts,
        min_groups=_groups(reading.min_groups),
        max_groups=_groups(reading.max_groups),
        unknown_channels=reading.unknown,
        notes=reading.notes,
    )
    conv, rev = len(_CONVERSIONS.findall(text)), len(_REVENUE.findall(text))
    if conv != rev:
        facts.objective = "conversions" if conv > rev else "revenue"
    lowered = text.lower()
    facts.audience_ids = sorted(a.id for a in audiences if a.name.lower() in lowered)
    return _noted(facts)


def _groups(limits: dict[tuple[str, ...], str]) -> list[GroupAmount]:
    return [GroupAmount(channels=list(ids), amount=a) for ids, a in sorted(limits.items())]


def _noted(facts: BriefFacts) -> BriefFacts:
    """``facts`` with a note for each channel named that the brand does not have."""
    for name in facts.unknown_channels:
        facts.notes.append(
            f"the brief names {name!r}, which matches none of the brand's channels (those "
            "with outcomes to plan on): that part of the brief is left aside"
        )
    return facts


def amount_of(written: str, budget: Decimal) -> Decimal | None:
    """An amount as written in a brief (``$5k``, ``1,200``, ``20%`` of ``budget``)."""
    value, percent = _value(written)
    if value is None:
        return None
    return ((value * budget / 100) if percent else value).quantize(Decimal("0.01"))


def same_amount(a: str, b: str) -> bool:
    """True when two written amounts say the same (``$5k`` and ``5,000``; ``10 %`` and
    ``10%``), a percentage never being equal to an absolute amount."""
    value = _value(a)
    return value[0] is not None and value == _value(b)


def _value(written: str) -> tuple[Decimal | None, bool]:
    """The number ``written`` says and whether it is a percentage."""
    text = written.lower().replace(",", "").replace(" ", "")
    text = re.sub(r"^[$€£]|(usd|eur|gbp|dollars|euros|pounds)$", "", text)
    percent, scale = False, Decimal(1)
    if text.endswith("%"):
        text, percent = text[:-1], True
    elif text.endswith("k"):
        text, scale = text[:-1], Decimal(1000)
    elif text.endswith("m"):
        text, scale = text[:-1], Decimal(1_000_000)
    try:
        value = Decimal(text) * scale
    except InvalidOperation:
        return None, False
    return (value, percent) if value.is_finite() else (None, False)


def _clean(amount: str) -> str:
    return " ".join(amount.split())


def _parse_with_llm(
    text: str,
    channels: Sequence[ChannelName],
    audiences: Sequence[AudienceName],
    llm: BaseChatModel,
) -> ParsedBrief:
    system = (
        "You read marketing briefs for a media planner. Read the brief clause by clause and "
        "extract only what it says: the objective, channels to use only or to exclude, "
        "audiences named, and minimum or maximum amounts per channel exactly as written in "
        "the brief (keep a percentage a percentage). A limit on a kind of channel (search, "
        "social, email) that names several listed channels, or on channels named together, "
        "is one limit on their total: put it in min_groups or max_groups with those channel "
        "ids, unless the brief says each. Use only the channel and "
        "audience ids listed; put a channel the brief names that is not listed in "
        "unknown_channels, as the brief writes it. Never invent an amount; leave fields "
        "empty when unsure."
    )
    listing = "\n".join(f"- {c.id}: {c.name} ({c.kind})" for c in channels)
    people = "\n".join(f"- {a.id}: {a.name}" for a in audiences)
    user = f"Channels:\n{listing}\n\nAudiences:\n{people}\n\nBrief:\n{text}"
    answer = ask_structured(llm, BriefFacts, system, user)
    facts = checked(answer.value, text, channels, audiences)
    return ParsedBrief(facts, "llm", answer.model, answer.prompt_digest)


def checked(
    facts: BriefFacts,
    text: str,
    channels: Sequence[ChannelName],
    audiences: Sequence[AudienceName],
) -> BriefFacts:
    """Drop whatever the model made up: unknown ids, amounts the brief does not write (by
    value: ``5000`` stands for ``5k``, but ``40`` never for ``40%``), names absent from it."""
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
            elif not any(same_amount(amount, w) for w in written):
                notes.append(f"dropped {what} {amount!r} for {channel_id}: not in the brief")
            else:
                kept[channel_id] = _clean(amount)
        return kept

    def keep_groups(
        groups: list[GroupAmount], what: str, single: dict[str, str]
    ) -> list[GroupAmount]:
        kept = []
        for group in groups:
            ids = keep_ids(group.channels, known_channels, f"channels of a group {what}")
            if not ids:
                continue
            if not any(same_amount(group.amount, w) for w in written):
                notes.append(f"dropped group {what} {group.amount!r}: not in the brief")
            elif len(ids) == 1:
                single.setdefault(ids[0], _clean(group.amount))
            else:
                kept.append(GroupAmount(channels=ids, amount=_clean(group.amount)))
        return sorted(kept, key=lambda g: g.channels)

    min_amounts = keep_amounts(facts.min_amounts, "minimum")
    max_amounts = keep_amounts(facts.max_amounts, "maximum")
    min_groups = keep_groups(facts.min_groups, "minimum", min_amounts)
    max_groups = keep_groups(facts.max_groups, "maximum", max_amounts)
    lowered = text.lower()
    unknown = [n for n in facts.unknown_channels if n.strip() and n.lower() in lowered]
    if len(unknown) < len(facts.unknown_channels):
        notes.append("dropped channel names that the brief does not write")
    return _noted(
        BriefFacts(
            objective=facts.objective,
            include_channels=keep_ids(facts.include_channels, known_channels, "channels"),
            exclude_channels=keep_ids(facts.exclude_channels, known_channels, "channels"),
            audience_ids=keep_ids(facts.audience_ids, known_audiences, "audiences"),
            min_amounts=min_amounts,
            max_amounts=max_amounts,
            min_groups=min_groups,
            max_groups=max_groups,
            unknown_channels=list(dict.fromkeys(unknown)),
            notes=notes,
        )
    )


def _amounts_in(text: str) -> list[str]:
    return [m.group(0) for m in re.finditer(AMOUNT, text, re.IGNORECASE)]
