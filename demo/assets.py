"""Asset records: brand guidelines, one creative per campaign and channel, and blog posts."""

from __future__ import annotations

from datetime import date, timedelta

from demo.state import BuildState
from demo.tables import CHANNELS, CONSENT_KINDS, DATA_START, MEDIUM, stamp
from demo.text import BRAND_COPY, CopyContext, render_blog, render_creative, render_guideline


def write_guidelines(state: BuildState) -> None:
    """One guideline document per brand, dated before the data set starts."""
    for b, brand in enumerate(BRAND_COPY):
        title, body = render_guideline(brand)
        state.add_asset(
            b,
            "guideline",
            title,
            body,
            f"https://{brand.domain}/brand",
            stamp(date(2025, 9, 15), 600, state.tz[b]),
            [],
            f"ast-{brand.key}-guidelines",
        )


def write_creative(state: BuildState) -> None:
    """One creative per campaign and channel (per audience for email and SMS), plus blogs."""
    rng = state.text
    for i, p in enumerate(state.plans):
        brand, cid = BRAND_COPY[p.brand], p.record["id"]
        first = DATA_START + timedelta(days=p.start)
        slug = "-".join(
            f"{p.theme.name} {p.product.short}".lower()
            .replace("&", "and")
            .replace("'", "")
            .replace(",", "")
            .replace("°", "")
            .split()
        )
        made = stamp(
            first - timedelta(days=rng.randint(3, 21)),
            rng.randint(8 * 60, 18 * 60),
            state.tz[p.brand],
        )
        by_pair: dict[int, int] = {}
        for c in p.channels:
            ch = CHANNELS[c]
            mine = [q for q in p.pairs if state.pairs[q][0] == c]
            groups = [[q] for q in mine] if ch.kind in CONSENT_KINDS else [mine]
            for group in groups:
                audience = state.audiences[state.pairs[group[0]][1]][1]
                source = ch.platform.lower().split()[0]
                url = (
                    f"https://{brand.domain}/lp/{slug}?utm_source={source}"
                    f"&utm_medium={MEDIUM[ch.kind]}&utm_campaign={cid}&utm_content={audience.key}"
                )
                ctx = CopyContext(p.theme, p.product, audience, url, first.month)
                kind, title, body = render_creative(brand, ch.kind, ctx, rng)
                n = state.asset_count[p.brand] + 1
                if kind in ("image", "video"):
                    ext = "jpg" if kind == "image" else "mp4"
                    url = f"https://cdn.{brand.domain}/creative/{brand.key}-{n:05d}.{ext}"
                index = state.add_asset(p.brand, kind, title, body, url, made, [cid])
                by_pair.update(dict.fromkeys(group, index))
        p.assets = [by_pair[q] for q in p.pairs]
        if i % 3 == 0:
            ctx = CopyContext(
                p.theme,
                p.product,
                state.audiences[state.pairs[p.pairs[0]][1]][1],
                "",
                first.month,
            )
            title, body = render_blog(brand, ctx, rng)
            blog_slug = "-".join(
                "".join(ch for ch in title.lower() if ch.isalnum() or ch == " ").split()
            )
            state.slugs[blog_slug] = state.slugs.get(blog_slug, 0) + 1
            if state.slugs[blog_slug] > 1:
                blog_slug += f"-{state.slugs[blog_slug]}"
            index = state.add_asset(
                p.brand,
                "blog",
                title,
                body,
                f"https://{brand.domain}/journal/{blog_slug}",
                made,
                [cid],
            )
            p.record["asset_ids"].append(state.assets[index]["id"])
