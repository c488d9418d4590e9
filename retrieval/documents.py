"""Which graph nodes carry text, and how each becomes the texts the index holds.

| label | kind | text | date |
|---|---|---|---|
| Asset | the asset's kind | title + body | ``created_at`` (its date part) |
| Campaign | ``campaign`` | name + objective + business unit + description | ``start_date`` |
| Brand | ``guideline`` | voice + guidelines | none |
| Brief, Plan | ``brief``, ``plan`` | title + ``summary``/``text``/``rationale`` | ``created_at`` |
| ResearchBrief | ``research`` | title + ``summary`` | ``created_at`` |
| Decision | ``rationale`` | the rationale | ``created_at`` |

Other labels carry no text worth searching (outcomes, channels, runs…) and give ``[]``,
as does a node whose text fields are all empty.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from graph.models import Node
from graph.schema import Label
from retrieval.base import IndexedText

INDEXED_LABELS: Final = frozenset(
    {
        Label.ASSET,
        Label.CAMPAIGN,
        Label.BRAND,
        Label.BRIEF,
        Label.PLAN,
        Label.DECISION,
        Label.RESEARCH_BRIEF,
    }
)
_KIND_OF = {Label.BRIEF: "brief", Label.PLAN: "plan", Label.RESEARCH_BRIEF: "research"}


def texts_of(node: Node, brand_id: str | None = None) -> list[IndexedText]:
    """The index texts of a node (``[]`` for labels without text).

    The brand is the node's ``brand_id`` property (a brand's own id for a Brand), else
    ``brand_id``: pass it for nodes that only reach their brand through edges (decisions).
    """
    build = _BUILDERS.get(node.label)
    if build is None:
        return []
    props = node.properties
    brand = node.id if node.label is Label.BRAND else _str(props.get("brand_id")) or brand_id
    text = build(node, brand)
    return [] if text is None else [text]


def _asset(node: Node, brand: str | None) -> IndexedText | None:
    p = node.properties
    title = _str(p.get("title")) or node.id
    return IndexedText(
        ref=node.ref,
        kind=_str(p.get("kind")) or "asset",
        brand_id=brand,
        title=title,
        text=_join(title, _str(p.get("body"))),
        date=_date(p.get("created_at")),
        extra=_extra(p, "url", "language"),
    )


def _campaign(node: Node, brand: str | None) -> IndexedText | None:
    p = node.properties
    name = _str(p.get("name")) or node.id
    objective = _str(p.get("objective"))
    unit = _str(p.get("business_unit"))
    return IndexedText(
        ref=node.ref,
        kind="campaign",
        brand_id=brand,
        title=name,
        text=_join(
            name,
            objective and f"Objective: {objective}",
            unit and f"Business unit: {unit}",
            _str(p.get("description")),
        ),
        date=_date(p.get("start_date")),
        extra=_extra(p, "objective", "business_unit", "status", "end_date"),
    )


def _brand(node: Node, brand: str | None) -> IndexedText | None:
    p = node.properties
    voice, guidelines = _str(p.get("voice")), _str(p.get("guidelines"))
    if not voice and not guidelines:
        return None
    name = _str(p.get("name")) or node.id
    title = f"{name} voice and guidelines"
    return IndexedText(
        ref=node.ref,
        kind="guideline",
        brand_id=brand,
        title=title,
        text=_join(title, voice and f"Voice: {voice}", guidelines and f"Guidelines: {guidelines}"),
    )


def _plan_or_brief(node: Node, brand: str | None) -> IndexedText | None:
    p = node.properties
    body = [_str(p.get(key)) for key in ("summary", "text", "rationale")]
    if not any(body):
        return None
    kind = _KIND_OF[node.label]
    title = _str(p.get("title")) or _str(p.get("name")) or f"{node.label.value} {node.id}"
    return IndexedText(
        ref=node.ref,
        kind=kind,
        brand_id=brand,
        title=title,
        text=_join(title, *body),
        date=_date(p.get("created_at")),
        extra=_extra(p, "status"),
    )


def _decision(node: Node, brand: str | None) -> IndexedText | None:
    p = node.properties
    rationale = _str(p.get("rationale"))
    if not rationale:
        return None
    decision_kind = _str(p.get("kind")) or "decision"
    agent = _str(p.get("agent"))
    title = f"{decision_kind} decision" + (f" by {agent}" if agent else "")
    extra = _extra(p, "agent", "algorithm")
    extra["decision_kind"] = decision_kind
    return IndexedText(
        ref=node.ref,
        kind="rationale",
        brand_id=brand,
        title=title,
        text=_join(title, rationale),
        date=_date(p.get("created_at")),
        extra=extra,
    )


_BUILDERS: Final[dict[Label, Callable[[Node, str | None], IndexedText | None]]] = {
    Label.ASSET: _asset,
    Label.CAMPAIGN: _campaign,
    Label.BRAND: _brand,
    Label.BRIEF: _plan_or_brief,
    Label.PLAN: _plan_or_brief,
    Label.DECISION: _decision,
    Label.RESEARCH_BRIEF: _plan_or_brief,
}


def _str(value: Any) -> str | None:
    """A property as text: strings stripped, lists of strings joined, else ``None``."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ", ".join(v.strip() for v in value if v.strip()) or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _join(*parts: str | None) -> str:
    return "\n\n".join(part for part in parts if part)


def _date(value: Any) -> str | None:
    """The ISO date part of a date or timestamp property (``2026-03-01T09:00+01:00``)."""
    text = _str(value)
    return text[:10] if text and len(text) >= 10 and text[4] == "-" else None


def _extra(props: dict[str, Any], *keys: str) -> dict[str, str]:
    return {key: text for key in keys if (text := _str(props.get(key))) is not None}
