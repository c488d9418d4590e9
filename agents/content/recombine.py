"""Drafts without an LLM: past winning copy split into parts and recombined.

Parts (:mod:`.parts`) of the winning assets are ranked by the performance of their best
source (``performance / best``), plus a little for mentioning the request's topic or
audience; parts that break a brand rule (a competitor, a banned term, a discount over the
cap) or do not fit the channel are dropped. Variant ``i`` takes the ``i``-th best hook (on
search and display, headlines come first) with the shared best headline, body and call to
action, so variants differ in their hook: that is what the A/B test compares. A variant
under the score threshold is rebuilt with the next unused hook and the next body, up to
``max_attempts`` times; the best attempt is kept, flagged ``needs_review`` if it never
passed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from agents.content.brand import BrandProfile
from agents.content.channels import fits, limits, render
from agents.content.errors import DraftingFailedError
from agents.content.models import Draft, DraftRequest, WinningAsset
from agents.content.parts import Part, Role, split_copy
from agents.content.scoring import ConsistencyScorer
from retrieval.sparse import tokenize

_RELEVANCE = 0.5  # most a part gains for mentioning the topic or audience


@dataclass(frozen=True)
class _Pool:
    hooks: list[Part]
    headlines: list[Part]
    bodies: list[Part]
    ctas: list[Part]
    hashtags: list[str]


def recombine(
    request: DraftRequest,
    brand: BrandProfile,
    winners: Sequence[WinningAsset],
    scorer: ConsistencyScorer,
) -> list[Draft]:
    """``request.variants`` drafts from ``winners`` (fewer if they hold fewer hooks).

    Raises:
        DraftingFailedError: the winners hold no usable copy for this channel.
    """
    pool = _pool(request, brand, winners, scorer)
    lead = (
        pool.headlines + pool.hooks
        if request.channel in ("paid_search", "display")
        else (pool.hooks + pool.headlines)
    )
    hooks = _distinct(lead + pool.bodies)
    if not hooks:
        raise DraftingFailedError("the winning assets hold no copy that fits the channel")
    n = min(request.variants, len(hooks))
    spare = iter(hooks[n:])
    drafts = []
    for i in range(n):
        candidates = [hooks[i]]
        candidates += [h for _, h in zip(range(request.max_attempts - 1), spare, strict=False)]
        best: Draft | None = None
        tried = 0
        for attempt, hook in enumerate(candidates, start=1):
            tried = attempt
            draft = _assemble(request, brand, pool, hook, i + 1, attempt - 1, scorer)
            if best is None or draft.score.score > best.score.score:
                best = draft
            if draft.score.passed:
                break
        assert best is not None
        best = replace(best, attempts=tried)
        drafts.append(best)
    return drafts


def _pool(
    request: DraftRequest,
    brand: BrandProfile,
    winners: Sequence[WinningAsset],
    scorer: ConsistencyScorer,
) -> _Pool:
    top = max((w.performance for w in winners), default=0.0)
    focus = set(tokenize(f"{request.topic} {request.audience}"))
    lim = limits(request.channel)
    found: dict[tuple[Role, str], Part] = {}
    tags: Counter[str] = Counter()
    for w in winners:
        split = split_copy(w.body, title=w.title, kind=w.kind, brand_name=brand.name)
        tags.update(split.hashtags)
        weight = w.performance / top if top > 0 else 0.0
        roles: list[tuple[Role, list[str], int | None]] = [
            ("hook", split.hooks, lim.hook),
            ("headline", split.headlines, lim.headline),
            ("body", split.bodies, lim.body),
            ("cta", split.ctas, lim.cta),
        ]
        for role, texts, limit in roles:
            for text in texts:
                if not fits(text, limit) or scorer.violations(text):
                    continue
                terms = set(tokenize(text))
                bonus = _RELEVANCE * len(terms & focus) / len(focus) if focus else 0.0
                key = (role, text.lower())
                old = found.get(key)
                sources = (*old.sources, w.id) if old else (w.id,)
                score = max(weight + bonus, old.weight if old else 0.0)
                found[key] = Part(role, text, tuple(dict.fromkeys(sources)), score)

    def ranked(role: Role) -> list[Part]:
        parts = [p for (r, _), p in found.items() if r == role]
        return sorted(parts, key=lambda p: (-p.weight, p.text))

    return _Pool(
        ranked("hook"),
        ranked("headline"),
        ranked("body"),
        ranked("cta"),
        [t for t, _ in sorted(tags.items(), key=lambda kv: (-kv[1], kv[0]))],
    )


def _distinct(parts: list[Part]) -> list[Part]:
    seen: set[str] = set()
    out = []
    for p in parts:
        key = p.text.lower().rstrip(".!?")
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def _assemble(
    request: DraftRequest,
    brand: BrandProfile,
    pool: _Pool,
    hook: Part,
    variant: int,
    shift: int,
    scorer: ConsistencyScorer,
) -> Draft:
    lim = limits(request.channel)
    headline = next((h for h in pool.headlines if h.text != hook.text), None)
    body: list[Part] = []
    budget = lim.body if lim.body is not None else 400
    bodies = [b for b in pool.bodies if b.text != hook.text]
    for part in bodies[shift:] + bodies[:shift]:  # a retry starts from the next body
        if len(body) < 2 and sum(len(b.text) + 1 for b in body) + len(part.text) <= budget:
            body.append(part)
    cta = pool.ctas[0] if pool.ctas else None
    while True:  # the whole must fit too (an X post, an SMS): drop body sentences from the end
        text = render(
            request.channel,
            brand=brand.name,
            hook=hook.text,
            headline=headline.text if headline else "",
            body=[b.text for b in body],
            cta=cta.text if cta else "",
            hashtags=pool.hashtags,
        )
        if not body or fits(text, lim.total):
            break
        body.pop()
    used = [p for p in (hook, headline, cta, *body) if p is not None]
    parts = {
        "hook": hook.text,
        "headline": headline.text if headline else "",
        "body": " ".join(b.text for b in body),
        "cta": cta.text if cta else "",
    }
    return Draft(
        variant=variant,
        channel=request.channel,
        hook=hook.text,
        headline=parts["headline"],
        body=tuple(b.text for b in body),
        cta=parts["cta"],
        hashtags=tuple(pool.hashtags[:3]) if request.channel == "organic_social" else (),
        text=text,
        sources=tuple(dict.fromkeys(s for p in used for s in p.sources)),
        method="recombination",
        score=scorer.score(text, request.channel, parts),
        attempts=1,
    )
