"""Creative per channel kind, and blog posts, written from a brand's phrase banks."""

from __future__ import annotations

import random

from demo.text.base import BrandCopy
from demo.text.templates import SMS_LINES, SUBJECTS, CopyContext, cap, fill_slots


def _email(brand: BrandCopy, seg: str, s: dict[str, str], rng: random.Random) -> tuple[str, str]:
    subject = cap(rng.choice(SUBJECTS.get(seg, SUBJECTS["prospect"])).format(**s))
    preheader = rng.choice(("{proof}", "{offer}", "{theme}: {short_lower}.")).format(**s)
    middle = [s["offer"], s["proof"]]
    if rng.random() < 0.5:
        middle.reverse()
    paras = [
        f"Hi {s['merge']},",
        s["hook"],
        s["product_line"],
        *middle,
        f"{s['cta']}: {s['url']}",
        brand.signoff,
    ]
    if rng.random() < 0.3:
        paras.append("P.S. " + rng.choice([p for p in brand.proofs if p != s["proof"]]))
    body = f"Subject: {subject}\nPreheader: {preheader}\n\n" + "\n\n".join(paras)
    return f"Email: {subject}", body


def _social(brand: BrandCopy, s: dict[str, str], rng: random.Random) -> tuple[str, str, str]:
    kind = rng.choices(("ad_copy", "image", "video"), weights=(5, 3, 2))[0]
    if kind == "ad_copy":
        body = (
            f"Primary text: {s['hook']} {s['product_line']} {s['offer']}\n"
            f"Headline: {s['short']}\nDescription: {s['proof']}\nButton: {s['cta']}\n"
            f"Link: {s['url']}"
        )
        return kind, f"Social ad: {s['short']} · {s['product_short']}", body
    if kind == "image":
        body = (
            f"Creative brief: {s['visual']}, featuring our {s['product']}.\n"
            f'Overlay text: "{s["short"]}"\nCaption: {s["hook"]} {s["offer"]}\n'
            f"Alt text: {cap(s['visual'])}.\nSizes: 1080x1080 feed, 1080x1920 stories\n"
            f"Link: {s['url']}"
        )
        return kind, f"Social image: {s['product_short']} · {s['theme']}", body
    body = (
        f"15-second vertical video\n0-3 s hook: {s['hook']}\n3-10 s: {cap(s['visual'])}. "
        f"On-screen: {s['product_line']}\n10-15 s: {s['offer']} End card: {s['cta']}.\n"
        f"Link: {s['url']}"
    )
    return kind, f"Social video: {s['theme']} · {s['product_short']}", body


def render_creative(
    brand: BrandCopy, channel_kind: str, ctx: CopyContext, rng: random.Random
) -> tuple[str, str, str]:
    """Creative for one channel kind: (asset kind, title, body)."""
    s = fill_slots(brand, ctx, rng)
    seg = ctx.audience.segment
    if channel_kind == "email":
        return ("email", *_email(brand, seg, s, rng))
    if channel_kind == "paid_social":
        return _social(brand, s, rng)
    if channel_kind == "sms":
        line = cap(rng.choice(SMS_LINES.get(seg, SMS_LINES["prospect"])).format(**s))
        link = f"{brand.domain}/s/{rng.randrange(36**5):05x}"
        body = f"{brand.short_name}: {line} {link} Reply STOP to opt out"
        return "ad_copy", f"SMS: {s['short']} ({ctx.audience.name})", body
    if channel_kind == "paid_search":
        heads = [s["product_short"], s["short"], brand.short_name, s["cta"]]
        body = (
            f"Responsive search ad\nHeadlines: {' | '.join(heads)}\n"
            f"Descriptions: {s['product_line']} {s['offer']}\nFinal URL: {s['url']}"
        )
        return "ad_copy", f"Search ad: {s['product_short']} · {s['theme']}", body
    if channel_kind == "organic_social":
        tags = " ".join(rng.sample(brand.hashtags, 2))
        if rng.random() < 0.5:
            body = (
                f"{s['hook']}\n\n{s['product_line']} {s['proof']}\n\n{s['cta']}: {s['url']} {tags}"
            )
        else:
            body = f"{s['theme']} is here. {s['offer']}\n\n{s['product_line']} {s['url']}\n\n{tags}"
        return "social_post", f"Post: {s['theme']} · {s['product_short']}", body
    if channel_kind == "display":
        body = (
            f"Display banners (300x250, 728x90, 160x600)\nHeadline: {s['short']}\n"
            f"Subline: {s['product_line']}\nVisual: {cap(s['visual'])}\n"
            f"Button: {s['cta']}\nAlt text: {s['product']}, {s['short_lower']}\n"
            f"Click-through: {s['url']}"
        )
        return "image", f"Display banners: {s['short']} · {s['product_short']}", body
    if channel_kind == "video":
        body = (
            f"30-second pre-roll script\n0-5 s (before skip): {s['hook']}\n"
            f'5-20 s: {cap(s["visual"])}. Voice-over: "{s["product_line"]}"\n'
            f"20-25 s: {s['proof']}\n25-30 s: {s['offer']} End card: {s['cta']}, "
            f"{s['domain']}.\nClick-through: {s['url']}"
        )
        return "video", f"Video: {s['theme']} · {s['product_short']}", body
    if channel_kind == "affiliate":
        body = (
            f'Affiliate brief: {s["theme"]}\nApproved copy: "{s["product_line"]} '
            f'{s["offer"]}"\nProof point: {s["proof"]}\nTracking link: {s["url"]}\n'
            "Rules: no bidding on our brand terms; no stacking with other codes."
        )
        return "ad_copy", f"Affiliate brief: {s['theme']} · {s['product_short']}", body
    proofs = "\n".join(f"- {p}" for p in rng.sample(brand.proofs, 3))
    body = (
        f"H1: {s['theme']}: {s['product_short']}\nSubhead: {s['product_line']}\n\n"
        f"{s['hook']}\n\nWhy {brand.name}:\n{proofs}\n\nOffer: {s['offer']}\n"
        f"Button: {s['cta']}"
    )
    return "landing_page", f"Landing page: {s['theme']} · {s['product_short']}", body


def render_blog(brand: BrandCopy, ctx: CopyContext, rng: random.Random) -> tuple[str, str]:
    """A blog post title and intro that supports a campaign."""
    s = fill_slots(brand, ctx, rng)
    title = cap(
        rng.choice(brand.blog_titles).format(
            n=rng.randint(3, 9), season=s["season"], product_short=ctx.product.short
        )
    )
    a, b, c = rng.sample(brand.blog_lines, 3)
    body = (
        f"{title}\n\n{a} {b}\n\nThis {s['season']} we keep coming back to the "
        f"{ctx.product.name}: it {ctx.product.benefit}. {c}\n\n{s['offer']}"
    )
    return title, body
