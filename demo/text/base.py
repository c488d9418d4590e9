"""The shapes of the demo copy corpus: brands, their products, themes and audiences."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Product:
    """A product or feature a campaign can feature; ``benefit`` completes "Our {name} …"."""

    name: str
    short: str
    benefit: str


@dataclass(frozen=True)
class Theme:
    """A seasonal campaign theme: the months it starts in, a short hook and the full offer."""

    months: tuple[int, ...]
    name: str
    short: str
    offer: str


@dataclass(frozen=True)
class AudienceSpec:
    """A brand audience; ``segment`` drives copy hooks and response multipliers."""

    key: str
    name: str
    description: str
    size: int
    consent: str
    region: str
    segment: str


@dataclass(frozen=True)
class BrandCopy:
    """Everything textual about one demo brand."""

    key: str
    name: str
    short_name: str
    domain: str
    language: str
    merge_tag: str
    voice: str
    guidelines: str
    channel_rules: str
    competitors: tuple[str, ...]
    units: dict[str, tuple[Product, ...]]
    lead_unit: str | None
    themes: tuple[Theme, ...]
    hooks: dict[str, tuple[str, ...]]
    proofs: tuple[str, ...]
    ctas: tuple[str, ...]
    visuals: tuple[str, ...]
    hashtags: tuple[str, ...]
    blog_titles: tuple[str, ...]
    blog_lines: tuple[str, ...]
    signoff: str
    audiences: tuple[AudienceSpec, ...]
