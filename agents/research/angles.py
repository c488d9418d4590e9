"""Extractive competitor analysis: cluster the copy into angles, name them, find absences.

No model: competitor items are TF-IDF vectors over their terms (competitor and brand names
left out, so two rivals pushing the same offer can meet), clustered by average linkage on
cosine distance, cut at :data:`CUT`. A cluster is an angle, named by its key phrases: the
phrases most of its items share and few other competitor items use (multi-word phrases
preferred). Offers are the cluster's offer sentences. Absences: an angle's phrase that no
asset of the brand holds ("brand absent"); a phrase of the brand's on-topic copy that no
competitor holds ("competitors absent"), both checked against the whole index, not only
what was retrieved.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage

from agents.research.competitors import Doc, phrase_present
from agents.research.models import Absence, Citation, CompetitorAngle
from agents.research.text import (
    PhraseStats,
    Stems,
    clean_copy,
    hook_of,
    offers,
    phrase_stats,
    stems_of,
)
from retrieval.retriever import HybridRetriever
from retrieval.sparse import tokenize

CUT = 0.8  # cosine distance at which clusters stop merging
MAX_PHRASES = 3
MAX_OFFERS = 4
MAX_ABSENCES = 3


def _vectors(docs: Sequence[Doc], ignore: set[str]) -> np.ndarray:
    counts = [Counter(t for t in tokenize(clean_copy(d.text)) if t not in ignore) for d in docs]
    vocab = sorted({t for c in counts for t in c})
    index = {t: i for i, t in enumerate(vocab)}
    df = Counter(t for c in counts for t in c)
    n = len(docs)
    matrix = np.zeros((n, len(vocab)))
    for row, c in enumerate(counts):
        for term, tf in c.items():
            matrix[row, index[term]] = (1 + math.log(tf)) * math.log(1 + n / df[term])
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    result: np.ndarray = matrix / np.where(norms > 0, norms, 1.0)
    return result


def cluster(docs: Sequence[Doc], ignore: set[str]) -> list[list[int]]:
    """Indices of ``docs`` grouped into angles, biggest first."""
    if len(docs) < 2:
        return [list(range(len(docs)))] if docs else []
    vectors = _vectors(docs, ignore)
    labels = fcluster(linkage(vectors, method="average", metric="cosine"), CUT, "distance")
    groups: dict[int, list[int]] = {}
    for i, label in enumerate(labels.tolist()):
        groups.setdefault(int(label), []).append(i)
    return sorted(groups.values(), key=lambda g: (-len(g), g[0]))


def key_phrases(
    inside: PhraseStats, overall: PhraseStats, ignore: set[str], limit: int = MAX_PHRASES
) -> list[Stems]:
    """Phrases the cluster's items repeat and other competitor items rarely use.

    Score: occurrences per item (a headline repeated in title and body counts twice) ×
    rarity among all competitor items × a bonus for each extra word; a phrase inside or
    around one already chosen is skipped.
    """
    need = 2 if inside.docs >= 2 else 1
    scored = []
    for key, df in inside.df.items():
        if df < need or set(key) & ignore:
            continue
        per_item = inside.occurrences(key) / inside.docs
        rarity = math.log(1 + overall.docs / overall.df[key])
        scored.append((per_item * rarity * (1 + 0.25 * (len(key) - 1)), key))
    ranked = [key for _, key in sorted(scored, key=lambda s: (-s[0], s[1]))]
    chosen: list[Stems] = []
    for key in ranked:
        key = _extend(key, ranked, inside)
        if any(set(key) <= set(c) or set(c) <= set(key) for c in chosen):
            continue
        chosen.append(key)
        if len(chosen) == limit:
            break
    return chosen


def _extend(key: Stems, ranked: Sequence[Stems], stats: PhraseStats) -> Stems:
    """The longest candidate around ``key`` that occurs at least half as often as it
    ("price" -> "price match" when most of its uses are in that phrase)."""
    best = key
    for other in ranked:
        if (
            len(other) > len(best)
            and _contains(other, best)
            and stats.occurrences(other) >= 0.5 * stats.occurrences(key)
        ):
            best = other
    return best


def _contains(longer: Stems, shorter: Stems) -> bool:
    n = len(shorter)
    return any(longer[i : i + n] == shorter for i in range(len(longer) - n + 1))


def _cite(doc: Doc, reason: str) -> Citation:
    return Citation(node_id=doc.node_id, title=doc.title, score=round(doc.score, 6), reason=reason)


def competitor_angles(
    docs: Sequence[Doc], names: dict[str, str], ignore: set[str]
) -> list[CompetitorAngle]:
    """The angles of the competitors' on-topic items, biggest first."""
    overall = phrase_stats({d.node_id: d.text for d in docs})
    angles = []
    for group in cluster(docs, ignore):
        members = [docs[i] for i in group]
        inside = phrase_stats({d.node_id: d.text for d in members})
        keys = key_phrases(inside, overall, ignore)
        shown = [inside.shown(k) for k in keys] or [members[0].title]
        said = list(dict.fromkeys(o for d in members for o in offers(d.text)))[:MAX_OFFERS]
        brands = sorted({d.brand_id for d in members})
        angles.append(
            CompetitorAngle(
                label=" / ".join(shown[:2]),
                key_phrases=shown,
                competitors=brands,
                competitor_names=[names.get(b, b) for b in brands],
                offers=said,
                share=round(len(members) / len(docs), 4),
                evidence=[
                    _cite(d, f"{names.get(d.brand_id, d.brand_id)} copy with this angle")
                    for d in members
                ],
            )
        )
    return angles


def brand_absences(
    retriever: HybridRetriever,
    angles: Sequence[CompetitorAngle],
    brand_id: str,
    brand_name: str,
) -> list[Absence]:
    """Angle phrases that no asset of the brand holds."""
    out: list[Absence] = []
    for angle in angles:
        for phrase in angle.key_phrases[:2]:
            if phrase_present(retriever, phrase, brand_id):
                continue
            who = ", ".join(angle.competitor_names)
            out.append(
                Absence(
                    kind="brand_absent",
                    phrase=phrase,
                    competitors=angle.competitors,
                    detail=f"{who} use '{phrase}' ({len(angle.evidence)} items on the topic); "
                    f"no {brand_name} asset mentions it.",
                    evidence=angle.evidence[:3],
                )
            )
            break
        if len(out) == MAX_ABSENCES:
            break
    return out


def competitors_absences(
    retriever: HybridRetriever,
    own: Sequence[Doc],
    comp_docs: Sequence[Doc],
    competitors: dict[str, str],
    ignore: set[str],
    topic: str,
) -> list[Absence]:
    """Phrases of the brand's on-topic copy that no competitor's asset holds.

    Candidates are phrases of two words or more in at least two of our on-topic items
    that either hold a term of the topic or lead the copy (a title or a hook): body
    boilerplate repeated by a template is not a position.
    """
    if not own or not competitors:
        return []
    mine = phrase_stats({d.node_id: d.text for d in own})
    heads = phrase_stats({d.node_id: _head(d) for d in own})
    theirs = phrase_stats({d.node_id: d.text for d in comp_docs})
    wanted = stems_of(topic)
    candidates = sorted(
        (
            (mine.occurrences(key) * (1 + 0.25 * (len(key) - 1)), key)
            for key, df in mine.df.items()
            if df >= 2
            and len(key) >= 2
            and key not in theirs.df
            and not set(key) & ignore
            and (set(key) & wanted or heads.df[key] >= 2)
        ),
        key=lambda s: (-s[0], s[1]),
    )
    out: list[Absence] = []
    checked: list[Stems] = []
    for _, key in candidates[: 4 * MAX_ABSENCES]:
        if any(set(key) <= set(c) or set(c) <= set(key) for c in checked):
            continue
        checked.append(key)
        phrase = mine.shown(key)
        if any(phrase_present(retriever, phrase, comp) for comp in competitors):
            continue
        where = [d for d in own if d.node_id in set(mine.where[key])]
        out.append(
            Absence(
                kind="competitors_absent",
                phrase=phrase,
                competitors=sorted(competitors),
                detail=f"'{phrase}' is in {len(where)} of our items on the topic; none of "
                f"{', '.join(competitors.values())} mention it.",
                evidence=[_cite(d, "our copy that makes this point") for d in where[:3]],
            )
        )
        if len(out) == MAX_ABSENCES:
            break
    return out


def _head(doc: Doc) -> str:
    """The title and opening line of an item."""
    hook = hook_of({"title": doc.title, "body": doc.text.partition("\n")[2]})
    return f"{doc.title}\n{hook or ''}"


def name_stems(names: Sequence[str]) -> set[str]:
    """Terms of brand names (left out of angles: they name who, not what)."""
    return {t for n in names for t in stems_of(n)}
