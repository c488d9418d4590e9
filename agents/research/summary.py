"""The competitor summary: written by a model from the cited items only, or extractive.

With a LangChain chat model, the prompt lists the retrieved competitor items under short
ids (``C1``, ``C2``…) and asks for JSON matching :class:`LlmSummary`. Every id the answer
cites is checked against the items that were retrieved: a known one becomes the item's
node id (``[Asset:…]`` in the text), an unknown one is dropped (and listed in
``dropped_citations``), an angle left with no valid citation is dropped, and a
summary that cites nothing retrieved is refused: the extractive summary stands instead,
with a note. A model that fails or answers something unparsable gives the same fallback;
the product never depends on the model.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from langchain_core.exceptions import OutputParserException
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from langchain_core.output_parsers import PydanticOutputParser
from pydantic import BaseModel, Field

from agents.llm import prompt_digest
from agents.research.competitors import Doc
from agents.research.models import Citation, CompetitorAngle, CompetitorSummary, LlmAngle

MAX_ITEMS = 24
MAX_CHARS = 700
_MARKER = re.compile(r"\[(C\d+)\]")

_SYSTEM = (
    "You are a marketing research analyst. You write only from the competitor items you "
    "are given: every statement must be backed by an item, cited by its id in square "
    "brackets, like [C2]. Never cite an id that is not listed, never invent offers, "
    "numbers or competitors."
)


class LlmSummary(BaseModel):
    """What the model is asked to return."""

    summary: str = Field(description="3-6 sentences on the competitors' angles and offers")
    angles: list[LlmAngle] = Field(default_factory=list, description="the angles, with ids")


class SummaryResult(BaseModel):
    summary: CompetitorSummary
    prompt_digest: str | None = None
    note: str | None = None


def extractive_summary(
    topic: str,
    angles: Sequence[CompetitorAngle],
    silent: Sequence[str],
) -> CompetitorSummary:
    """A summary assembled from the angles' phrases and offers (no model)."""
    if not angles:
        text = f"No competitor content on '{topic}' was found in the graph."
        return CompetitorSummary(text=text, written_by="extractive")
    parts = [f"On '{topic}', competitors push {len(angles)} angle(s)."]
    for angle in angles[:5]:
        offer = f' Offer: "{angle.offers[0]}"' if angle.offers else ""
        parts.append(
            f"{', '.join(angle.competitor_names)}: {', '.join(angle.key_phrases)} "
            f"({len(angle.evidence)} items).{offer}"
        )
    if silent:
        parts.append(f"Silent on the topic: {', '.join(silent)}.")
    evidence = [c for a in angles[:5] for c in a.evidence[:2]]
    return CompetitorSummary(text=" ".join(parts), written_by="extractive", evidence=evidence)


def _prompt(topic: str, brand_name: str, docs: Sequence[Doc], names: dict[str, str]) -> str:
    lines = [
        f"Topic: {topic}",
        f"We are {brand_name}. Summarise what our competitors say on this topic: their "
        "angles and offers, and who is absent.",
        "",
        "Items:",
    ]
    for i, doc in enumerate(docs, start=1):
        body = " ".join(doc.text.split())[:MAX_CHARS]
        lines.append(f"[C{i}] {names.get(doc.brand_id, doc.brand_id)} ({doc.kind}): {body}")
    return "\n".join(lines)


def llm_summary(
    llm: BaseChatModel,
    topic: str,
    brand_name: str,
    docs: Sequence[Doc],
    names: dict[str, str],
    fallback: CompetitorSummary,
    model_name: str | None,
) -> SummaryResult:
    """Ask the model for a cited summary; validate its citations; fall back when needed."""
    shown = list(docs[:MAX_ITEMS])
    if not shown:
        return SummaryResult(summary=fallback)
    parser: PydanticOutputParser[LlmSummary] = PydanticOutputParser(pydantic_object=LlmSummary)
    prompt = _prompt(topic, brand_name, shown, names)
    messages: list[BaseMessage] = [
        SystemMessage(content=_SYSTEM),
        HumanMessage(content=f"{prompt}\n\n{parser.get_format_instructions()}"),
    ]
    digest = prompt_digest(messages)
    try:
        answer = llm.invoke(messages)
        parsed = parser.parse(str(answer.content))
    except OutputParserException as e:
        note = f"the model's summary could not be read ({str(e).splitlines()[0][:120]}); "
        return SummaryResult(summary=fallback, prompt_digest=digest, note=note + "extractive used")
    except Exception as e:  # a model error never fails the research
        note = f"the model failed ({type(e).__name__}: {str(e)[:120]}); extractive used"
        return SummaryResult(summary=fallback, prompt_digest=digest, note=note)
    return _validated(parsed, shown, fallback, digest, model_name)


def _validated(
    parsed: LlmSummary,
    shown: Sequence[Doc],
    fallback: CompetitorSummary,
    digest: str,
    model_name: str | None,
) -> SummaryResult:
    known = {f"C{i}": doc for i, doc in enumerate(shown, start=1)}
    dropped: list[str] = []

    def keep(ids: Sequence[str]) -> list[str]:
        out = []
        for raw in ids:
            cid = raw.strip().strip("[]")
            if cid in known:
                out.append(cid)
            elif cid not in dropped:
                dropped.append(cid)
        return list(dict.fromkeys(out))

    in_text = keep(_MARKER.findall(parsed.summary))
    text = _MARKER.sub(
        lambda m: f"[{known[m.group(1)].node_id}]" if m.group(1) in known else "", parsed.summary
    )
    angles = []
    for angle in parsed.angles:
        ids = keep(angle.citations)
        if ids:
            angles.append(LlmAngle(label=angle.label, description=angle.description, citations=ids))
    cited = list(dict.fromkeys([*in_text, *(c for a in angles for c in a.citations)]))
    if not cited:
        refused = "the model's summary cited no retrieved item and was refused; extractive used"
        return SummaryResult(summary=fallback, prompt_digest=digest, note=refused)
    evidence = [
        Citation(
            node_id=known[c].node_id,
            title=known[c].title,
            score=round(known[c].score, 6),
            reason=f"competitor item {c} cited by the model's summary",
        )
        for c in cited
    ]
    angles = [
        a.model_copy(update={"citations": [known[c].node_id for c in a.citations]}) for a in angles
    ]
    summary = CompetitorSummary(
        text=" ".join(text.split()),
        written_by="llm",
        model=model_name,
        angles=angles,
        evidence=evidence,
        dropped_citations=dropped,
    )
    made_up = f"dropped citations the model made up: {', '.join(dropped)}" if dropped else None
    return SummaryResult(summary=summary, prompt_digest=digest, note=made_up)
