"""Channel names in a brief: which of the brand's channels a piece of text names, and which
names it uses for channels the brand does not have.

A channel is known by its name and id, a word only its name has ("Bing"), a part in
parentheses ("Facebook"), and the words people use for its kind ("search", "paid social",
"newsletter"). Where one phrase fits several channels the most specific reading wins, and a
name inside a longer matched name does not count ("social" in "paid social").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from pydantic import BaseModel


class ChannelName(BaseModel):
    id: str
    name: str
    kind: str | None = None


# Words people use for a channel kind (rank 3: the least specific reading).
KIND_WORDS: dict[str, tuple[str, ...]] = {
    "paid_search": ("paid search", "search", "search ads", "sem", "ppc"),
    "paid_social": ("paid social", "social", "social ads", "social media"),
    "organic_social": ("organic social",),
    "email": ("email", "e-mail", "emails", "newsletter", "newsletters", "email marketing"),
    "sms": ("sms", "text messages", "texts"),
    "display": ("display", "banners", "banner ads", "programmatic"),
    "video": ("video", "online video"),
    "web": ("seo", "website"),
    "affiliate": ("affiliate", "affiliates"),
}
# Names of channels in general use: a brief naming one the brand lacks gets a note.
KNOWN_NAMES = (
    "tiktok", "facebook", "instagram", "meta", "linkedin", "youtube", "snapchat", "pinterest",
    "twitter", "reddit", "whatsapp", "google", "bing", "sms", "podcasts", "podcast", "radio",
    "tv", "television", "ctv", "print", "billboards", "ooh", "influencers", "affiliates",
    "display", "video", "search", "social", "email", "newsletter", "programmatic", "amazon",
    "spotify", "seo",
)  # fmt: skip
_GENERIC = frozenset({"ads", "and", "search", "network", "organic", "website", "the", "paid"})


@dataclass(frozen=True)
class Mention:
    """A channel named in a text, where (``start``, ``end``) and how specifically (``rank``)."""

    start: int
    end: int
    rank: int
    channel_id: str


def aliases(channel: ChannelName, channels: Sequence[ChannelName]) -> dict[str, int]:
    """Names a brief may use for ``channel``, each with a rank (0 is the most specific):
    its name and id, a word only its name has, a part in parentheses, its kind."""
    name = channel.name.lower()
    ranked: dict[str, int] = {}

    def add(alias: str, rank: int, generic_ok: bool = False) -> None:
        alias = alias.strip()
        if len(alias) >= 3 and (generic_ok or alias not in _GENERIC):
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
        add(channel.kind.replace("_", " "), 3, generic_ok=True)
        for word in KIND_WORDS.get(channel.kind, ()):
            add(word, 3, generic_ok=True)
    return ranked


@lru_cache(maxsize=64)
def _patterns(
    key: tuple[tuple[str, str, str | None], ...],
) -> list[tuple[re.Pattern[str], int, str]]:
    """The alias patterns of a channel list (kept: a brief is read clause by clause)."""
    channels = [ChannelName(id=i, name=n, kind=k) for i, n, k in key]
    return [
        (re.compile(rf"(?<![a-z]){re.escape(alias)}(?![a-z])"), rank, channel.id)
        for channel in channels
        for alias, rank in aliases(channel, channels).items()
    ]


def mentions(text: str, channels: Sequence[ChannelName]) -> list[Mention]:
    """Every channel named in ``text`` (lower case), most specific readings only."""
    found: list[Mention] = []
    key = tuple((c.id, c.name, c.kind) for c in channels)
    for pattern, rank, channel_id in _patterns(key):
        for m in pattern.finditer(text):
            found.append(Mention(m.start(), m.end(), rank, channel_id))
    best: dict[tuple[int, int], int] = {}
    for f in found:
        best[(f.start, f.end)] = min(f.rank, best.get((f.start, f.end), f.rank))
    inside = _inside_longer(list(best))
    return [f for f in found if f.rank == best[(f.start, f.end)] and (f.start, f.end) not in inside]


def _inside_longer(spans: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """The (distinct) spans lying inside a longer one, in one sweep."""
    inside: set[tuple[int, int]] = set()
    reach = -1
    for start, end in sorted(spans, key=lambda s: (s[0], -s[1])):
        if reach >= end:
            inside.add((start, end))
        reach = max(reach, end)
    return inside


def channels_in(text: str, channels: Sequence[ChannelName]) -> list[str]:
    """Ids of the channels ``text`` names, sorted."""
    return sorted({m.channel_id for m in mentions(text.lower(), channels)})


def unknown_names(text: str, channels: Sequence[ChannelName]) -> list[str]:
    """Channel names in ``text`` (as written there) that match none of ``channels``."""
    lowered = text.lower()
    covered = bytearray(len(lowered))
    for seen in mentions(lowered, channels):
        covered[seen.start : seen.end] = b"\x01" * (seen.end - seen.start)
    names: list[str] = []
    for word in KNOWN_NAMES:
        for m in re.finditer(rf"(?<![a-z]){re.escape(word)}(?![a-z])", lowered):
            if not all(covered[m.start() : m.end()]):
                names.append(text[m.start() : m.end()])
    return names
