"""Phrase templates shared by every brand, and the slots a piece of creative fills them with."""

from __future__ import annotations

import random
from dataclasses import dataclass

from demo.text.base import AudienceSpec, BrandCopy, Product, Theme

SUBJECTS: dict[str, tuple[str, ...]] = {
    "customer": (
        "{merge}, {short_lower}, picked for you",
        "New for you: {product_short}",
        "{theme}: your early look",
        "Because you asked: {product_short}",
        "{merge}, this one's for regulars",
    ),
    "lapsed": (
        "{merge}, we saved you a spot",
        "It's been a while: {short_lower}",
        "Come back to {short_name}: {short_lower}",
        "Still thinking about {product_short}?",
    ),
    "vip": (
        "Members first: {short_lower}",
        "{merge}, your early access to {theme} starts now",
        "Before anyone else: {product_short}",
    ),
    "trial": (
        "{merge}, try {product_short} before your trial ends",
        "Day 10: the feature teams try first",
        "Your trial, half-way: {short_lower}",
    ),
    "prospect": (
        "{theme}: {short_lower}",
        "{merge}, meet {product_short}",
        "{short} from {short_name}",
    ),
}
SMS_LINES: dict[str, tuple[str, ...]] = {
    "customer": ("{short}, just for you:", "New in: {product_short}. {short}:"),
    "lapsed": ("We miss you! {short} to welcome you back:", "Come back for {short_lower}:"),
    "vip": ("Members first: {short} starts today:", "Early access, {theme}:"),
    "prospect": ("{theme}: {short_lower}.",),
}
_PRODUCT_LINES = (
    "Our {product} {benefit}.",
    "The {product} {benefit}.",
    "{brand}'s {product} {benefit}.",
)
_SEASONS = {
    12: "winter",
    1: "winter",
    2: "winter",
    3: "spring",
    4: "spring",
    5: "spring",
    6: "summer",
    7: "summer",
    8: "summer",
    9: "fall",
    10: "fall",
    11: "fall",
}


@dataclass(frozen=True)
class CopyContext:
    """What one piece of creative is about: theme, product, audience, link and month."""

    theme: Theme
    product: Product
    audience: AudienceSpec
    url: str
    month: int


def cap(text: str) -> str:
    """``text`` with its first character upper-cased."""
    return text[:1].upper() + text[1:]


def _lc(text: str) -> str:
    if len(text) > 1 and (text[1].isupper() or text[0].isdigit()):
        return text
    return text[:1].lower() + text[1:]


def season_word(brand: BrandCopy, month: int) -> str:
    """The season of a month in the brand's spelling (fall or autumn)."""
    word = _SEASONS[month]
    return "autumn" if word == "fall" and brand.language == "en-GB" else word


def fill_slots(brand: BrandCopy, ctx: CopyContext, rng: random.Random) -> dict[str, str]:
    """Template slots of one piece of creative; hook, proof, CTA and visual drawn from ``rng``."""
    hooks = brand.hooks.get(ctx.audience.segment) or brand.hooks["prospect"]
    slots = {
        "brand": brand.name,
        "short_name": brand.short_name,
        "merge": brand.merge_tag,
        "theme": ctx.theme.name,
        "short": ctx.theme.short,
        "short_lower": _lc(ctx.theme.short),
        "offer": ctx.theme.offer,
        "product": ctx.product.name,
        "benefit": ctx.product.benefit,
        "product_short": ctx.product.short,
        "hook": rng.choice(hooks),
        "proof": rng.choice(brand.proofs),
        "cta": rng.choice(brand.ctas),
        "visual": rng.choice(brand.visuals),
        "url": ctx.url,
        "domain": brand.domain,
        "season": season_word(brand, ctx.month),
    }
    slots["product_line"] = cap(rng.choice(_PRODUCT_LINES).format(**slots))
    return slots
