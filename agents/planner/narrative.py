"""The plan's rationale: templated from the numbers, or written by a model from the context.

The model is shown the allocation's numbers and the retrieved context (each item with its
node id) and asked for a rationale with citations. Its answer is kept only if every citation
is an item it was shown and every number in its text is one it was given; otherwise the
templated rationale is used and the reason is noted. The model explains; it never sets a
number.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from langchain_core.language_models import BaseChatModel
from pydantic import BaseModel, Field

from agents.llm import LlmError, ask_structured
from agents.planner._past import measured
from retrieval.retriever import ContextItem

TEMPLATE_VERSION = "rationale-template-v1"
_NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?")
SMALL_NUMBERS = 10  # "three lines", "2 channels": counts up to this need no source


class RationaleDraft(BaseModel):
    """What the model is asked to return."""

    rationale: str = Field(description="why this allocation, in a short paragraph")
    citations: list[str] = Field(
        default_factory=list, description="node ids of the context items the rationale uses"
    )


@dataclass(frozen=True)
class Narrative:
    """The rationale as recorded, with where it came from."""

    text: str
    citations: list[str]
    source: str  # TEMPLATE_VERSION or "llm"
    model: str | None = None
    prompt_digest: str | None = None
    notes: list[str] = field(default_factory=list)


def cite_context(
    context: Sequence[ContextItem], limit: int = 3, brief: str | None = None
) -> tuple[str, list[str]]:
    """Sentences citing the plan's own ``brief`` (a ``Brief:id``) as its brief and the best
    measured past campaigns of ``context`` with their ROAS, and the ids cited."""
    text, cited = "", []
    if brief:
        text, cited = f" Brief: [{brief}].", [brief]
    past = [item for item in context if measured(item)][:limit]
    if past:
        parts = [
            f"{item.title} [{item.node_id}, ROAS {float(item.facts['roas']):.2f} on "
            f"{float(item.facts['spend']):,.2f} spent]"
            for item in past
        ]
        text += f" Closest past work: {'; '.join(parts)}."
        cited += [item.node_id for item in past]
    return text, cited


def write_rationale(
    template: str,
    facts: str,
    context: Sequence[ContextItem],
    llm: BaseChatModel | None,
    brief: str | None = None,
) -> Narrative:
    """The model's rationale when it passes the checks, else ``template`` with citations;
    either way it cites measured past campaigns when the context has some (the template's
    sentence is added to a model's rationale that cites none).

    ``facts`` lists the numbers the model may use (the allocation, in words); ``brief`` is
    the plan's own Brief (``Brief:id``), cited as its brief, never as past work.
    """
    sentence, cited = cite_context(context, brief=brief)
    fallback = Narrative(template + sentence, cited, TEMPLATE_VERSION)
    if llm is None:
        return fallback
    listing = "\n".join(
        f"- [{item.node_id}] {item.label} {item.kind}: {item.title} {_facts(item)}".rstrip()
        for item in context
    )
    system = (
        "You are a media planner explaining a budget allocation to a marketing team. Use "
        "only the numbers given in the plan facts and the context; do not compute new ones. "
        "Cite the context items you rely on by their ids in square brackets: past campaigns "
        "with their measured ROAS; the plan's own brief only as its brief, never as past work."
    )
    if brief:
        listing = f"- [{brief}] the brief of this plan (not past work)\n{listing}".rstrip()
    user = f"Plan facts:\n{facts}\n\nContext:\n{listing or '(none)'}"
    try:
        answer = ask_structured(llm, RationaleDraft, system, user)
    except LlmError as e:
        return Narrative(fallback.text, cited, TEMPLATE_VERSION, notes=[str(e)])
    draft = answer.value
    known = {item.node_id for item in context} | ({brief} if brief else set())
    mentioned = set(re.findall(r"\[([^\]\s,]+)", draft.rationale))
    unknown = sorted((set(draft.citations) | mentioned) - known)
    invented = sorted(invented_numbers(draft.rationale, f"{facts}\n{listing}"))
    notes = []
    if unknown:
        notes.append(f"the model cited items it was not shown: {', '.join(unknown)}")
    if invented:
        notes.append(f"the model wrote numbers that are not in the plan: {', '.join(invented)}")
    if notes or not draft.rationale.strip():
        return Narrative(fallback.text, cited, TEMPLATE_VERSION, answer.model, None, notes)
    text, citations = draft.rationale.strip(), sorted(set(draft.citations) | mentioned)
    past = {item.node_id for item in context if measured(item)}
    if past and not past & set(citations):  # the model cited no past campaign: the template's
        sentence, more = cite_context(context)
        text, citations = text + sentence, sorted(set(citations) | set(more))
    return Narrative(text, citations, "llm", answer.model, answer.prompt_digest)


def invented_numbers(text: str, source: str) -> set[str]:
    """Numbers in ``text`` that do not occur in ``source`` (small counts excepted)."""
    allowed = {_normal(m) for m in _NUMBER.findall(source)}
    out = set()
    for raw in _NUMBER.findall(text):
        value = _normal(raw)
        if value in allowed:
            continue
        try:
            if Decimal(value) <= SMALL_NUMBERS and Decimal(value) == int(Decimal(value)):
                continue
        except InvalidOperation:
            pass
        out.add(raw)
    return out


def _normal(raw: str) -> str:
    text = raw.replace(",", "")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def _facts(item: ContextItem) -> str:
    keys = ("spend", "revenue", "roas", "conversions")
    shown = [f"{k} {item.facts[k]}" for k in keys if isinstance(item.facts.get(k), int | float)]
    return f"({', '.join(shown)})" if shown else ""
