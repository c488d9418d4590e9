"""Competitor content on a topic: who the competitors are, and what they publish about it.

Competitors are the Brand nodes the brand's ``competitors`` list names (by name or id,
case and punctuation aside) or whose ``competitor_of`` names the brand; their content is
the assets ingested under them, plus the brand's own ``report`` assets that name them.
Retrieval is the hybrid retriever with a brand filter per competitor. An item is on the
topic when it holds at least half of the topic's terms (the index's tokenizer), or, with
a dense model, when it is among the first three hits: BM25 ranks everything that shares a
single word, so its order alone does not say "about this".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from agents.research.text import clean_copy, coverage, stems_of
from graph.base import GraphStore
from graph.models import Node, NodeRef
from graph.schema import Label, RelType
from retrieval.retriever import HybridRetriever

CREATIVE_KINDS = ("ad_copy", "email", "landing_page", "blog", "social_post", "image", "video")
MIN_COVERAGE = 0.5
DENSE_TOP = 3
_PAGE = 500


@dataclass
class Doc:
    """A piece of copy found on the topic: its node, whose it is, its text and terms."""

    ref: NodeRef
    brand_id: str  # the competitor it speaks for (for a report: the competitor it names)
    title: str
    kind: str
    text: str
    score: float
    stems: set[str] = field(default_factory=set)

    @property
    def node_id(self) -> str:
        return str(self.ref)


def _norm(name: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", name.lower()).split())


def _as_list(value: object) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, str) and value.strip():
        return [v.strip() for v in value.split(";") if v.strip()]
    return []


def resolve_competitors(store: GraphStore, brand: Node) -> tuple[list[Node], list[str]]:
    """The competitor Brand nodes of ``brand``, and the listed names with no Brand node."""
    listed = _as_list(brand.properties.get("competitors"))
    wanted = {_norm(n): n for n in listed}
    found: dict[str, Node] = {}
    matched: set[str] = set()
    offset = 0
    while True:
        page = store.list_nodes(Label.BRAND, limit=_PAGE, offset=offset)
        for node in page:
            if node.id == brand.id:
                continue
            keys = {_norm(str(node.properties.get("name") or "")), _norm(node.id)}
            hit = keys & set(wanted)
            if hit or brand.id in _as_list(node.properties.get("competitor_of")):
                found[node.id] = node
                matched |= hit
        if len(page) < _PAGE:
            break
        offset += _PAGE
    missing = [name for key, name in wanted.items() if key not in matched]
    return sorted(found.values(), key=lambda n: n.id), missing


def has_content(store: GraphStore, brand_id: str) -> bool:
    """Whether any asset belongs to the brand."""
    ref = NodeRef(label=Label.BRAND, id=brand_id)
    return bool(store.incident_edges([ref], 1, {RelType.BELONGS_TO: "in"}))


def _docs(
    retriever: HybridRetriever,
    topic: str,
    brand_id: str,
    k: int,
    kinds: Sequence[str] | None,
    speaks_for: str | None = None,
) -> list[Doc]:
    """On-topic assets of one brand, hydrated with their copy."""
    bundle = retriever.search(topic, k=k, brand_id=brand_id, kinds=kinds, expand=False)
    hits = [i for i in bundle.items if i.label == Label.ASSET.value and i.kind != "guideline"]
    nodes = {
        str(n.ref): n for n in retriever.graph.get_nodes([NodeRef.parse(i.node_id) for i in hits])
    }
    wanted = stems_of(topic)
    dense = bundle.mode != "sparse-only"
    out = []
    for rank, item in enumerate(hits, start=1):
        node = nodes.get(item.node_id)
        if node is None:
            continue
        title = str(node.properties.get("title") or node.id)
        text = f"{title}\n{node.properties.get('body') or ''}"
        stems = stems_of(clean_copy(text))
        if coverage(wanted, stems) < MIN_COVERAGE and not (dense and rank <= DENSE_TOP):
            continue
        out.append(
            Doc(
                ref=node.ref,
                brand_id=speaks_for or brand_id,
                title=title,
                kind=str(node.properties.get("kind") or "asset"),
                text=text,
                score=item.score,
                stems=stems,
            )
        )
    return out


def competitor_docs(
    retriever: HybridRetriever, topic: str, brand: Node, competitors: Sequence[Node], k: int
) -> list[Doc]:
    """Each competitor's on-topic assets, then the brand's reports that name a competitor."""
    docs: list[Doc] = []
    for comp in competitors:
        docs.extend(_docs(retriever, topic, comp.id, k, None))
    names = {c.id: str(c.properties.get("name") or c.id) for c in competitors}
    if names:
        query = f"{topic} {' '.join(names.values())}"
        for doc in _docs(retriever, query, brand.id, k, ["report"]):
            lowered = doc.text.lower()
            for comp_id, name in names.items():
                if name.lower() in lowered and coverage(stems_of(topic), doc.stems) > 0:
                    docs.append(Doc(**{**doc.__dict__, "brand_id": comp_id}))
    return docs


def own_docs(retriever: HybridRetriever, topic: str, brand: Node, k: int) -> list[Doc]:
    """The brand's own creative on the topic (reports and guidelines aside)."""
    return _docs(retriever, topic, brand.id, k, CREATIVE_KINDS)


def phrase_present(
    retriever: HybridRetriever, phrase: str, brand_id: str, k: int = 5
) -> list[NodeRef]:
    """Creative assets of ``brand_id`` whose copy holds every term of ``phrase`` (by a sparse
    index search: every hit shares a term, and the best ``k`` are checked for all)."""
    terms = stems_of(phrase)
    if not terms:
        return []
    hits = retriever.index.search(
        phrase, k=k, brand_id=brand_id, kinds=CREATIVE_KINDS, mode="sparse"
    )
    nodes = retriever.graph.get_nodes([h.ref for h in hits if h.ref.label is Label.ASSET])
    out = []
    for node in nodes:
        text = f"{node.properties.get('title') or ''}\n{node.properties.get('body') or ''}"
        if terms <= stems_of(clean_copy(text)):
            out.append(node.ref)
    return out
