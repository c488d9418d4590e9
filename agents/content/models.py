"""Values of content drafting: the winning assets in, the request, the drafts out."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from agents.content.errors import InvalidContentInputError
from agents.content.scoring import ConsistencyScore

Method = Literal["recombination", "llm"]


@dataclass(frozen=True, slots=True)
class WinningAsset:
    """A past asset that did well: its copy and how well (any positive measure, higher is
    better: ROAS, CTR, conversions; only the order and ratios matter)."""

    id: str
    title: str
    body: str
    kind: str = "ad_copy"
    performance: float = 1.0

    def __post_init__(self) -> None:
        if not self.id:
            raise InvalidContentInputError("winning asset", "an asset without an id")
        if not (math.isfinite(self.performance) and self.performance >= 0.0):
            raise InvalidContentInputError(
                f"winning asset {self.id!r}", f"performance must be >= 0: {self.performance}"
            )


@dataclass(frozen=True, slots=True)
class DraftRequest:
    """What to draft: ``variants`` versions for a channel kind and an audience; ``topic``
    (a product or an offer) and ``audience`` rank the parts that mention them first."""

    channel: str
    audience: str = ""
    topic: str = ""
    variants: int = 3
    max_attempts: int = 3  # drafts tried per variant before it goes to the quality gate

    def __post_init__(self) -> None:
        if not self.channel:
            raise InvalidContentInputError("channel", "a channel kind is needed")
        if not 1 <= self.variants <= 10:
            raise InvalidContentInputError("variants", f"must be 1 to 10, got {self.variants}")
        if not 1 <= self.max_attempts <= 10:
            raise InvalidContentInputError(
                "max_attempts", f"must be 1 to 10, got {self.max_attempts}"
            )


@dataclass(frozen=True)
class Draft:
    """One variant: its parts, the text as laid out for the channel, where the parts came
    from, and its brand-consistency score. ``needs_review``: it stayed under the
    threshold after every attempt, so it goes to the quality gate."""

    variant: int
    channel: str
    hook: str
    headline: str
    body: tuple[str, ...]
    cta: str
    hashtags: tuple[str, ...]
    text: str
    sources: tuple[str, ...]
    method: Method
    score: ConsistencyScore
    attempts: int  # drafts tried for this variant (the best one is kept)
    model: str | None = None
    prompt_digest: str | None = None

    @property
    def needs_review(self) -> bool:
        return not self.score.passed

    @property
    def parts(self) -> dict[str, str]:
        return {
            "hook": self.hook,
            "headline": self.headline,
            "body": " ".join(self.body),
            "cta": self.cta,
        }
