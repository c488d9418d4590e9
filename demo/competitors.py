"""Competitor content: each demo brand's fictional rivals as brands with their own assets.

A team ingests what its competitors publish (ads, emails, landing pages, posts) under a
brand record of the competitor; the brand's ``competitors`` list names them. The copy comes
from :mod:`demo.text.rivals`, drawn with an RNG stream of its own, so adding it
changes none of the other records.
"""

from __future__ import annotations

import random
from datetime import timedelta

from demo.state import BuildState
from demo.tables import DATA_START, N_DAYS, Record, stamp
from demo.text import BRAND_COPY
from demo.text.rivals import RIVALS, Rival, RivalAngle

ASSETS_PER_RIVAL = 9
_KINDS = ("ad_copy", "email", "landing_page", "social_post")


def rival_brands() -> list[Record]:
    """One brand record per rival (no voice, guidelines or economics: we only see its copy)."""
    names = {b.key: b.name for b in BRAND_COPY}
    return [
        {
            "id": f"brand-{r.key}",
            "name": r.name,
            "currency": r.currency,
            "voice": None,
            "guidelines": None,
            "competitors": [names[r.rival_of]],
            "baseline_roas": None,
        }
        for r in RIVALS
    ]


def write_rival_assets(state: BuildState) -> None:
    """Nine pieces of copy per rival, its angles in turn, spread over the data set's year."""
    rng = state.rivals
    for rival in RIVALS:
        for n in range(ASSETS_PER_RIVAL):
            angle = rival.angles[n % len(rival.angles)]
            kind = _KINDS[(n + len(rival.key)) % len(_KINDS)]
            day = DATA_START + timedelta(
                days=min(N_DAYS - 1, n * N_DAYS // ASSETS_PER_RIVAL + rng.randint(0, 30))
            )
            title, body = _render(rival, angle, kind, n, rng)
            state.assets.append(
                {
                    "id": f"ast-{rival.key}-{n + 1:05d}",
                    "brand_id": f"brand-{rival.key}",
                    "kind": kind,
                    "title": title,
                    "body": body,
                    "url": f"https://{rival.domain}/{kind.replace('_', '-')}/{n + 1}",
                    "created_at": stamp(day, rng.randint(8 * 60, 18 * 60), state.tz_of(rival)),
                    "campaign_ids": [],
                    "language": rival.language,
                }
            )


def _render(
    rival: Rival, angle: RivalAngle, kind: str, n: int, rng: random.Random
) -> tuple[str, str]:
    hook = rng.choice(angle.hooks)
    first, second = rng.sample(angle.claims, 2)
    offer = rng.choice(angle.offers)
    cta = rng.choice(rival.ctas)
    url = f"https://{rival.domain}/{n + 1}"
    if kind == "ad_copy":
        body = (
            f"Primary text: {hook} {first} {offer}\nHeadline: {angle.headline}\n"
            f"Description: {second}\nButton: {cta}\nLink: {url}"
        )
        return f"Social ad: {angle.headline}", body
    if kind == "email":
        body = (
            f"Subject: {angle.subject}\nPreheader: {offer}\n\nHi there,\n\n{hook}\n\n{first}\n\n"
            f"{second}\n\n{offer}\n\n{cta}: {url}\n\n{rival.signoff}"
        )
        return f"Email: {angle.subject}", body
    if kind == "landing_page":
        body = (
            f"H1: {angle.headline}\nSubhead: {first}\n\n{hook}\n\nWhy {rival.name}:\n"
            f"- {second}\n- {offer}\n\nButton: {cta}"
        )
        return f"Landing page: {angle.headline}", body
    tags = " ".join(rival.hashtags)
    body = f"{hook}\n\n{first} {offer}\n\n{cta}: {url} {tags}"
    return f"Post: {angle.headline}", body
