"""The deterministic brief reader: the text cut into clauses, each clause read on its own.

A brief is cut at full stops, semicolons, colons, commas (not the one in "$3,000") and at
"and", "but", "while"… where what follows starts a new instruction (a limit word, an
exclusion or an amount): "only search and email" stays one clause naming two channels,
"no TikTok and at least 5k on email" becomes two. Each clause is then one of:

- a limit: an amount with "at least / min / keep X above …" or "at most / max / cap / up to /
  under …" ("don't go over" is a maximum, "don't drop below" a minimum); a bare amount on a
  channel ("search 15k") takes the side of the limit before it, else fixes the channel. A
  limit on several channels (a kind word such as "search" naming Google and Bing, or
  channels named together) is one limit on their total, unless it says "each";
- an exclusion: "no", "not", "don't touch", "without", "exclude", "skip", "except" …;
- an inclusion: "only", "just", "exclusively", "stick to", "nothing but" …;
- a subject: channels alone ("Email:"), the target of the limits that follow without one.

A clause that only lists channels ("…, LinkedIn or Snapchat") continues the clause before.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from agents.planner._brief_names import ChannelName, channels_in, mentions, unknown_names

AMOUNT = (
    r"\d+(?:\.\d+)?\s?%|(?:[$€£]\s?)?\d+(?:,\d{3})*(?:\.\d+)?\s?(?:k|m)?"
    r"(?:\s?(?:usd|eur|gbp|dollars|euros|pounds))?(?![\w%])"
)
_AMOUNT = re.compile(  # not a count of something else than money: 14 days, 500 sign-ups, 3x
    rf"(?<![\w.,])(?:{AMOUNT})(?!\s?(?:days?|weeks?|months?|x\b|times|th\b|st\b|nd\b|rd\b"
    r"|conversions?|sign-?ups?|leads?|orders?|clicks?|impressions?|customers?|visits?))",
    re.IGNORECASE,
)
_MONTHS = r"jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|august|september|october|november|december"  # noqa: E501
_YEAR = re.compile(rf"(?:\b(?:{_MONTHS}|in|of|since|until|by|for)\s+)(?:19|20)\d\d\b", re.I)
_ABBREVIATIONS = re.compile(r"\b(min|max|approx|incl|vs|e\.g|i\.e|etc)\.", re.IGNORECASE)
_BETWEEN = re.compile(rf"\bbetween\s+({AMOUNT})\s+and\s+({AMOUNT})", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<!\d)[.!?](?!\d)|[.!?](?=\s|$)|[;\n]")
_HARD = re.compile(r":|,(?!\d{3}(?!\d))|\s[-–—]+\s")
_SOFT = re.compile(
    r"\s+(and|but|while|whereas|though|although|plus|&|yet|so|then|with)\s+", re.IGNORECASE
)

_LEADING = re.compile(r"^(?:and|but|while|whereas|though|although|plus|&|yet|so|then)\s+", re.I)
_MIN_ABS = (
    r"at least|no less than|not less than|no fewer than|a minimum of|minimum of|minimum|min"
    r"|floor of|floor|or more|upwards of|north of|never below|never under"
    r"|(?:raise|increase|boost|grow|lift)\b[^,;]{0,40}?\bto"
)
_MAX_ABS = (
    r"at most|no more than|not more than|a maximum of|maximum of|maximum|max|up to|capped at"
    r"|capped|cap of|cap it at|cap at|cap|ceiling of|ceiling|limit of|limited to|limit to"
    r"|limit|tops|or less|within|never above|never over|never more than|only"
    r"|(?:cut|reduce|lower|trim|scale back)\b[^,;]{0,40}?\bto"
)
_REL_MIN = r"above|over|more than|exceed|exceeds|exceeding|beyond|higher than|greater than"
_REL_MAX = r"below|under|less than|lower than|fewer than|beneath"
_NEGATION = re.compile(
    r"\b(?:no|not|never|don'?t|do not|doesn'?t|shouldn'?t|won'?t)\b|n't\b", re.IGNORECASE
)
_BEFORE_AMOUNT = r"(?=\s+(?:[$€£]\s?)?\d)"  # "above 4k", not "over the month"
_LIMIT = re.compile(
    rf"\b(?P<min>{_MIN_ABS})\b|\b(?P<max>{_MAX_ABS})\b"
    rf"|\b(?P<rel_min>{_REL_MIN})\b{_BEFORE_AMOUNT}|\b(?P<rel_max>{_REL_MAX})\b{_BEFORE_AMOUNT}",
    re.IGNORECASE,
)
_EXCLUDE = re.compile(
    r"\b(?:no|not|none|never|without|exclude[sd]?|excluding|except|skip|avoid|drop|pause"
    r"|stop|cut|kill|ban|remove|leave\b.{0,40}\bout|keep\b.{0,40}\bout|stay (?:off|away from)"
    r"|don'?t|do not|nothing (?:on|for|in|to|into)|zero (?:on|for|to)|off the table"
    r"|out of (?:the )?(?:plan|mix|budget)|(?:everything|anything|all(?: channels)?) but)\b"
    r"|n't\b",
    re.IGNORECASE,
)
_NOT_EXCLUDING = re.compile(
    r"\bnot only\b|\bdon'?t (?:forget|neglect|ignore|overlook|skimp|miss|cut back)"
    r"|\bnothing but\b|\bno matter\b|\bno doubt\b",
    re.IGNORECASE,
)
_ONLY = re.compile(
    r"\b(?:only|just|exclusively|solely|purely|nothing but|stick to|stick with|limit(?:ed)? to"
    r"|restrict(?:ed)? to|all in on)\b",
    re.IGNORECASE,
)
_NOT_SPEND = re.compile(  # a target of a ratio, not of spend: "keep ROAS above 3 on search"
    r"\b(?:roas|roi|cpa|cpc|cpm|ctr|cac|aov|return on|conversion rate|cost per)\b", re.I
)
_EACH = re.compile(  # a limit on several channels that is each one's, not their total's
    r"\b(?:each|apiece|a piece|per channel|every channel|respectively|individually)\b", re.I
)
_TOTAL = re.compile(r"\b(?:budget|total|overall|in all|altogether|across|spend of)\b", re.I)
_FILLER = frozenset(
    {"and", "or", "nor", "&", "the", "plus", "also", "too", "this", "that", "month", "week"}
    | {"quarter", "year", "please", "either", "as", "well", "both", "all", "of", "channels"}
)

Side = Literal["min", "max"]
Kind = Literal["limit", "exclude", "include", "subject", "none"]


@dataclass
class Reading:
    """What the rules read: channel ids, limits as written, names the brand lacks, notes."""

    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    min_amounts: dict[str, str] = field(default_factory=dict)
    max_amounts: dict[str, str] = field(default_factory=dict)
    # Limits on several channels together (a kind word naming several, or channels named
    # together without "each"): channel ids -> amount as written.
    min_groups: dict[tuple[str, ...], str] = field(default_factory=dict)
    max_groups: dict[tuple[str, ...], str] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class _State:
    kind: Kind = "none"
    side: Side | None = None
    subject: list[str] = field(default_factory=list)
    pending: list[tuple[Side, str]] = field(default_factory=list)  # limits without a channel


def clauses(text: str, channels: Sequence[ChannelName] = ()) -> list[str]:
    """The brief cut into clauses (see the module's docstring)."""
    return [clause for sentence in _sentences(text, channels) for clause in sentence]


def _sentences(text: str, channels: Sequence[ChannelName]) -> list[list[str]]:
    """The brief's sentences, each cut into its clauses."""
    text = _ABBREVIATIONS.sub(r"\1", text)
    text = _BETWEEN.sub(r"at least \1 ~ at most \2", text)
    out: list[list[str]] = []
    for sentence in _SENTENCE.split(text):
        parts = [
            _LEADING.sub("", part.strip())
            for piece in _HARD.split(sentence)
            for clause in _soft_split(piece.strip(), channels)
            for part in clause.split("~")
        ]
        if any(parts):
            out.append([p for p in parts if p])
    return out


def _soft_split(piece: str, channels: Sequence[ChannelName]) -> list[str]:
    """``piece`` cut at "and", "but"… where a new instruction starts after a clause of its
    own: "search and social only" stays whole, its first part being a bare channel name."""
    if not piece:
        return []
    parts = _SOFT.split(piece)
    current, out = parts[0], []
    for before, connector, following in zip(parts[0::2], parts[1::2], parts[2::2], strict=False):
        bare = not _starts_instruction(before) and _is_list(before, channels)
        if _starts_instruction(following) and not (bare and channels_in(before, channels)):
            out.append(current)
            current = following
        else:
            current = f"{current} {connector} {following}"
    out.append(current)
    return [c for c in out if c.strip()]


def _starts_instruction(text: str) -> bool:
    return bool(
        _LIMIT.search(text) or _EXCLUDE.search(text) or _ONLY.search(text) or _amounts(text)
    )


def _amounts(clause: str) -> list[str]:
    years = [m.span() for m in _YEAR.finditer(clause)]
    found = []
    for m in _AMOUNT.finditer(clause):
        if any(s <= m.start() < e for s, e in years):
            continue
        found.append(" ".join(m.group(0).split()))
    return found


def read(text: str, channels: Sequence[ChannelName]) -> Reading:
    """Read ``text`` clause by clause against the brand's ``channels``."""
    reading, state = Reading(), _State()
    for sentence in _sentences(text, channels):
        state.side = None  # "search 15k" takes the side of a limit in its own sentence only
        for clause in sentence:
            _read_clause(clause, channels, reading, state)
    for side, amount in state.pending:
        reading.notes.append(f"could not tell which channel {_said(side, amount)} is for")
    reading.exclude = sorted(set(reading.exclude))
    reading.include = sorted(set(reading.include) - set(reading.exclude))
    reading.unknown = list(dict.fromkeys(reading.unknown))
    return reading


def _read_clause(
    clause: str, channels: Sequence[ChannelName], reading: Reading, state: _State
) -> None:
    named = channels_in(clause, channels)
    amounts = _amounts(clause)
    spend = amounts and not _NOT_SPEND.search(clause)
    if spend and _read_limit(clause, channels, named, amounts, reading, state):
        _note_unknown(clause, channels, reading)
        return
    if _NOT_EXCLUDING.search(clause) and not re.search(r"\bnothing but\b", clause, re.I):
        kind: Kind = "none"
    elif _EXCLUDE.search(clause) and not amounts:
        kind = "exclude"
    elif _ONLY.search(clause) and not amounts:
        kind = "include"
    elif named and _is_list(clause, channels) and state.kind in ("exclude", "include"):
        kind = state.kind  # "…, LinkedIn or Snapchat" goes on with the clause before
    elif named:
        kind = "subject"
    else:
        state.kind = "none"
        return
    state.kind = kind
    if kind == "none":
        return
    _note_unknown(clause, channels, reading)
    if kind == "exclude":
        reading.exclude.extend(named)
    elif kind == "include":
        reading.include.extend(named)
    else:
        state.subject = named
        for side, amount in state.pending:
            _put(reading, side, amount, named, clause)
        state.pending.clear()


def _read_limit(
    clause: str,
    channels: Sequence[ChannelName],
    named: list[str],
    amounts: list[str],
    reading: Reading,
    state: _State,
) -> bool:
    """A limit clause put into ``reading``; False when ``clause`` holds no spend limit."""
    sides = _sides(clause)
    if not sides:
        if not named or (_TOTAL.search(clause) and "%" not in amounts[0]):
            return False  # "budget 60k across search and social" is the budget
        # "search 15k" after "social max 10k" is a maximum too; alone it fixes the channel
        sides = [state.side] if state.side else ["min", "max"]
        amounts = amounts[:1] * len(sides)
    elif len(sides) == 1:
        amounts = [_nearest(clause, sides[0], amounts)]
    if not named and unknown_names(clause, channels):
        return True  # a limit on a channel the brand lacks ("at least 5k on TikTok"): noted
    targets = named or state.subject
    for side, amount in zip(sides, amounts, strict=False):
        if targets:
            _put(reading, side, amount, targets, clause)
        else:
            state.pending.append((side, amount))
    if targets:
        for side, amount in state.pending:
            _put(reading, side, amount, targets, clause)
        state.pending.clear()
        state.subject = targets
    state.kind, state.side = "limit", sides[-1]
    return True


def _sides(clause: str) -> list[Side]:
    """The limit sides ``clause`` states, in order; a negated relation is turned around."""
    sides: list[Side] = []
    for m in _LIMIT.finditer(clause):
        group = m.lastgroup or ""
        side: Side = "min" if group in ("min", "rel_min") else "max"
        if group.startswith("rel") and _NEGATION.search(clause[: m.start()]):
            side = "max" if side == "min" else "min"
        if group == "max" and m.group(0).lower() == "only" and sides:
            continue
        sides.append(side)
    return sides[:2]


def _nearest(clause: str, side: Side, amounts: list[str]) -> str:
    """The amount a one-sided limit is about: the first after its word, else the last."""
    m = _LIMIT.search(clause)
    after = clause[m.end() :] if m else clause
    found = _amounts(after)
    return found[0] if found else amounts[-1]


def _put(reading: Reading, side: Side, amount: str, targets: list[str], clause: str) -> None:
    """One limit on ``targets``: on the channel, or on several channels' total ("search max
    15k" over Google and Bing search is 15k for the two), or on each of them when the
    clause says so ("5k each")."""
    into = reading.min_amounts if side == "min" else reading.max_amounts
    if len(targets) > 1 and not _EACH.search(clause):
        groups = reading.min_groups if side == "min" else reading.max_groups
        groups[tuple(sorted(targets))] = amount
        reading.notes.append(
            f"{_said(side, amount)} ({clause.strip()!r}) is on the total of "
            f"{', '.join(targets)} together"
        )
        return
    for channel_id in targets:
        into[channel_id] = amount
    if len(targets) > 1:
        reading.notes.append(
            f"{_said(side, amount)} ({clause.strip()!r}) applies to each of {', '.join(targets)}"
        )


def _is_list(clause: str, channels: Sequence[ChannelName]) -> bool:
    """True when ``clause`` is nothing but channel names and joining words."""
    rest = list(clause.lower())
    for m in mentions(clause.lower(), channels):
        rest[m.start : m.end] = " " * (m.end - m.start)
    return all(word in _FILLER for word in re.findall(r"[a-z&]+", "".join(rest)))


def _note_unknown(clause: str, channels: Sequence[ChannelName], reading: Reading) -> None:
    reading.unknown.extend(unknown_names(clause, channels))


def _said(side: Side, amount: str) -> str:
    return f"{'at least' if side == 'min' else 'at most'} {amount}"
