"""Drafts with an LLM: the brand object and the winners in the prompt, structured output out.

The model (any LangChain ``BaseChatModel``) is asked for ``variants`` drafts as a
:class:`DraftSet`. A model that implements tool calling answers through
``with_structured_output``; any other (a plain completion model, a scripted fake) is
asked for the same JSON and parsed with ``PydanticOutputParser``. Every draft is scored
(:mod:`.scoring`); the ones under the threshold, and any the model left out or garbled,
are asked for again with the reasons, up to ``max_attempts`` calls in all. Slots the model
never filled are recombined from the winners (:mod:`.recombine`), so the content agent
works the same with a broken model as without one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from langchain_core.exceptions import OutputParserException
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from langchain_core.output_parsers import PydanticOutputParser
from langchain_core.runnables import Runnable
from pydantic import BaseModel, Field, ValidationError

from agents.content.brand import BrandProfile
from agents.content.channels import limits, render
from agents.content.models import Draft, DraftRequest, WinningAsset
from agents.content.parts import clean, sentences
from agents.content.scoring import ConsistencyScorer
from agents.llm import model_name, prompt_digest

WINNERS_IN_PROMPT = 6


class DraftVariant(BaseModel):
    """One drafted variant, as the model writes it."""

    hook: str = Field(description="the opening line; variants differ here")
    headline: str = Field(default="", description="headline or subject line")
    body: str = Field(description="one to three sentences after the hook")
    cta: str = Field(default="", description="a short call to action")


class DraftSet(BaseModel):
    """The model's answer: the variants asked for."""

    variants: list[DraftVariant] = Field(description="the drafted variants, in order")


def draft_with_model(
    model: BaseChatModel,
    request: DraftRequest,
    brand: BrandProfile,
    winners: Sequence[WinningAsset],
    scorer: ConsistencyScorer,
) -> tuple[list[Draft | None], list[str], str]:
    """Drafts per variant slot (None where the model never gave one), notes on what went
    wrong along the way, and the digest of the first prompt."""
    chain = _structured(model)
    base = _messages(request, brand, winners)
    digest = prompt_digest(base)
    name = model_name(model)
    best: list[Draft | None] = [None] * request.variants
    asked = [0] * request.variants  # drafts received per slot
    notes: list[str] = []
    feedback = ""
    sources = tuple(w.id for w in _top(winners))
    for attempt in range(1, request.max_attempts + 1):
        open_slots = [i for i, d in enumerate(best) if d is None or not d.score.passed]
        if not open_slots:
            break
        messages = base if not feedback else [*base, HumanMessage(feedback)]
        try:
            answer = chain.invoke(messages)
            variants = answer.variants if isinstance(answer, DraftSet) else []
        except (OutputParserException, ValidationError, ValueError) as e:
            notes.append(f"attempt {attempt}: unreadable answer ({type(e).__name__})")
            feedback = "Your last answer could not be read. Answer with the JSON object only."
            continue
        except Exception as e:  # a model or network failure must not stop the content agent
            notes.append(f"attempt {attempt}: the model failed ({type(e).__name__}: {e})")
            break
        reasons = []
        for slot, variant in zip(open_slots, variants, strict=False):
            draft = _draft(request, brand, variant, slot + 1, attempt, scorer, sources)
            asked[slot] += 1
            draft = replace(draft, model=name, prompt_digest=digest, attempts=asked[slot])
            old = best[slot]
            if old is None or draft.score.score > old.score.score:
                best[slot] = draft
            else:
                best[slot] = replace(old, attempts=asked[slot])
            if not draft.score.passed:
                reasons.append(f"variant {slot + 1}: {draft.score.explain()}")
        missing = len(open_slots) - len(variants)
        if missing > 0:
            notes.append(f"attempt {attempt}: {missing} variant(s) missing from the answer")
        still = [i for i, d in enumerate(best) if d is None or not d.score.passed]
        feedback = (
            f"Write {len(still)} new variant(s) to replace these, keeping to the brand rules: "
            + " | ".join(reasons or ["some variants were missing"])
        )
    return best, notes, digest


def _structured(model: BaseChatModel) -> Runnable[Sequence[BaseMessage], object]:
    if type(model).bind_tools is not BaseChatModel.bind_tools:  # tool calling available
        return model.with_structured_output(DraftSet)
    return model | PydanticOutputParser(pydantic_object=DraftSet)


def _top(winners: Sequence[WinningAsset]) -> list[WinningAsset]:
    return sorted(winners, key=lambda w: (-w.performance, w.id))[:WINNERS_IN_PROMPT]


def _messages(
    request: DraftRequest, brand: BrandProfile, winners: Sequence[WinningAsset]
) -> list[BaseMessage]:
    lim = limits(request.channel)
    rules = [
        f"You write marketing copy for {brand.name}.",
        f"Voice: {brand.voice}" if brand.voice else "",
        f"Guidelines: {brand.guidelines}" if brand.guidelines else "",
        "Never name these competitors: " + ", ".join(brand.competitors)
        if brand.competitors
        else "",
        "Never use: " + ", ".join(f"'{t}'" for t in brand.banned_terms)
        if brand.banned_terms
        else "",
        f"Limits for {request.channel}: hook {lim.hook or 'free'} characters, headline "
        f"{lim.headline or 'free'}, body {lim.body or 'free'}, call to action {lim.cta or 'free'}.",
    ]
    examples = "\n\n".join(
        f"[{w.id}, performance {w.performance:g}] {w.title}\n{w.body}" for w in _top(winners)
    )
    task = (
        f"Draft {request.variants} variants for {request.channel}"
        + (f", audience: {request.audience}" if request.audience else "")
        + (f", about: {request.topic}" if request.topic else "")
        + ". The variants must have different hooks; reuse what made the winners work.\n\n"
        + f"Our best past assets:\n\n{examples}\n\n"
        + 'Answer with a JSON object: {"variants": [{"hook": "...", "headline": "...", '
        + '"body": "...", "cta": "..."}]}'
    )
    return [SystemMessage("\n".join(r for r in rules if r)), HumanMessage(task)]


def _draft(
    request: DraftRequest,
    brand: BrandProfile,
    v: DraftVariant,
    variant: int,
    attempt: int,
    scorer: ConsistencyScorer,
    sources: tuple[str, ...],
) -> Draft:
    hook, headline, cta = clean(v.hook), clean(v.headline), clean(v.cta)
    body = tuple(sentences(clean(v.body)))
    text = render(
        request.channel,
        brand=brand.name,
        hook=hook,
        headline=headline,
        body=list(body),
        cta=cta,
        hashtags=[],
    )
    parts = {"hook": hook, "headline": headline, "body": " ".join(body), "cta": cta}
    return Draft(
        variant=variant,
        channel=request.channel,
        hook=hook,
        headline=headline,
        body=body,
        cta=cta,
        hashtags=(),
        text=text,
        sources=sources,
        method="llm",
        score=scorer.score(text, request.channel, parts),
        attempts=attempt,
    )
