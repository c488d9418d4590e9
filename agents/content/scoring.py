"""A measured brand-consistency score in [0, 1] for a piece of copy.

``ConsistencyScorer(brand, own, contrast)`` learns from the brand's own copy (``own``)
and, when there is some, copy that is not the brand's (``contrast``: other brands of the
workspace, competitors' ads). A text's score is

    0.55 · similarity + 0.30 · vocabulary + 0.15 · style,  times a factor per violation

Links, merge tags and opt-out footers are not voice: they are left out of the text (and
of the corpus) before measuring, and only count towards its length.

- ``similarity`` = affinity × distinctness: *affinity* is the text's TF-IDF closeness to
  its 3 nearest own texts relative to how close own texts are to one another (the median
  of the same measure, leave-one-out), capped at 1; *distinctness* is
  ``min(1, 2 · own / (own + contrast))``, 1 when the text is at least as near the brand as
  the contrast copy (and without contrast copy);
- ``vocabulary``: the share of the text's distinct terms the brand uses (own copy, voice,
  guidelines, name), relative to the same share of own texts (leave-one-out), capped at 1;
- ``style``: 1 less penalties for shouting (words in capitals the brand never writes so)
  and for more exclamation marks per sentence than the brand uses;
- violations multiply: a competitor named ×0.4, a banned term ×0.6, a discount deeper
  than the guidelines allow ×0.6, a part over its channel limit ×0.8, the whole ×0.7.

It is calibrated on the demo corpus (tests and ``python -m bench content``): the brands'
own held-out copy scores above :data:`THRESHOLD`, another brand's copy below it.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from agents.content._tfidf import TfIdf, leave_one_out_top_means, tokens_of, top_mean
from agents.content.brand import BrandProfile
from agents.content.channels import limits
from agents.content.parts import strip_boilerplate
from retrieval.sparse import tokenize

THRESHOLD = 0.75  # below it a draft is regenerated or goes to the quality gate
WEIGHTS = {"similarity": 0.55, "vocabulary": 0.30, "style": 0.15}
PENALTY = {
    "competitor": 0.4,
    "banned_term": 0.6,
    "discount": 0.6,
    "part_length": 0.8,
    "length": 0.7,
}
NEAREST = 3
_CAPS = re.compile(r"\b[A-Z]{3,}\b")
_DISCOUNT = re.compile(r"(\d{1,3})\s*%\s*(?:off|discount)|save\s+(\d{1,3})\s*%", re.I)
_GENERIC_SUFFIX = frozenset({"coffee", "co-op", "co", "inc", "ltd", "gmbh", "group", "the"})


@dataclass(frozen=True, slots=True)
class Violation:
    """A rule the text breaks: ``kind`` (competitor, banned_term, discount, part_length,
    length) and what exactly."""

    kind: str
    detail: str


@dataclass(frozen=True)
class ConsistencyScore:
    """The score, its components and the violations behind it."""

    score: float
    components: dict[str, float]
    violations: tuple[Violation, ...]
    threshold: float = THRESHOLD

    @property
    def passed(self) -> bool:
        return self.score >= self.threshold and not any(
            v.kind == "competitor" for v in self.violations
        )

    def explain(self) -> str:
        """One line: the score, the weakest component and each violation."""
        parts = [f"score {self.score:.2f} (threshold {self.threshold:.2f})"]
        parts += [f"{k} {v:.2f}" for k, v in self.components.items()]
        parts += [f"{v.kind}: {v.detail}" for v in self.violations]
        return "; ".join(parts)


class ConsistencyScorer:
    """Scores texts against one brand; build once per brand and corpus, score many."""

    def __init__(
        self, brand: BrandProfile, own: Sequence[str], contrast: Sequence[str] = ()
    ) -> None:
        self.brand = brand
        own_tokens = [tokens_of(strip_boilerplate(t)) for t in own]
        contrast_tokens = [tokens_of(strip_boilerplate(t)) for t in contrast]
        self._tfidf = TfIdf([*own_tokens, *contrast_tokens])
        self._own = self._tfidf.matrix(own_tokens)
        self._contrast = self._tfidf.matrix(contrast_tokens)
        brand_text = " ".join([brand.name, brand.voice, brand.guidelines])
        self._doc_terms = [set(t) for t in own_tokens]
        self._base_vocab = set(tokenize(brand_text))
        counts: dict[str, int] = {}
        for terms in self._doc_terms:
            for t in terms:
                counts[t] = counts.get(t, 0) + 1
        self._term_docs = counts
        self._caps = {w for t in own for w in _CAPS.findall(strip_boilerplate(t))}
        self._exclaims = _exclaim_rate([strip_boilerplate(t) for t in own])
        self._affinity_ref, self._vocab_ref = self._references()
        self._competitors = _competitor_patterns(brand.competitors)
        self._banned = [
            (t, re.compile(rf"(?<!\w){re.escape(t)}(?!\w)", re.I)) for t in brand.banned_terms
        ]

    def score(
        self, text: str, channel: str | None = None, parts: Mapping[str, str] | None = None
    ) -> ConsistencyScore:
        """Score ``text``; ``channel`` and ``parts`` (hook, headline, cta …) add the limits."""
        content = strip_boilerplate(text)
        tokens = tokens_of(content)
        own = top_mean(self._tfidf.similarities(tokens, self._own), NEAREST)
        other = top_mean(self._tfidf.similarities(tokens, self._contrast), NEAREST)
        affinity = min(1.0, own / self._affinity_ref) if self._affinity_ref > 0 else 0.0
        has_contrast = self._contrast.shape[0] > 0
        distinct = min(1.0, 2.0 * own / max(own + other, 1e-12)) if has_contrast else 1.0
        terms = set(tokens)
        known = sum(1 for t in terms if t in self._term_docs or t in self._base_vocab)
        coverage = known / len(terms) if terms else 0.0
        vocabulary = min(1.0, coverage / self._vocab_ref) if self._vocab_ref > 0 else 0.0
        components = {
            "similarity": affinity * distinct,
            "affinity": affinity,
            "distinctness": distinct,
            "vocabulary": vocabulary,
            "style": self._style(content),
        }
        base = sum(WEIGHTS[k] * components[k] for k in WEIGHTS)
        violations = self.violations(text, channel, parts)
        for v in violations:
            base *= PENALTY[v.kind]
        rounded = {k: round(v, 4) for k, v in components.items()}
        return ConsistencyScore(round(base, 4), rounded, tuple(violations))

    def violations(
        self, text: str, channel: str | None = None, parts: Mapping[str, str] | None = None
    ) -> list[Violation]:
        """The brand rules ``text`` breaks (competitors, banned terms, discounts, lengths)."""
        found = [
            Violation("competitor", name)
            for name, pattern in self._competitors
            if pattern.search(text)
        ]
        found += [Violation("banned_term", t) for t, p in self._banned if p.search(text)]
        cap = self.brand.max_discount
        if cap is not None:
            deepest = max((int(a or b) for a, b in _DISCOUNT.findall(text)), default=0)
            if deepest > cap:
                found.append(Violation("discount", f"{deepest}% off exceeds the {cap}% cap"))
        if channel is not None:
            lim = limits(channel)
            for name, value in (parts or {}).items():
                limit = getattr(lim, name, None)
                if isinstance(limit, int) and len(value) > limit:
                    found.append(Violation("part_length", f"{name} {len(value)} > {limit} chars"))
            if lim.total is not None and len(text) > lim.total:
                found.append(Violation("length", f"{len(text)} > {lim.total} chars"))
        return found

    def _style(self, text: str) -> float:
        words = re.findall(r"[A-Za-z]{3,}", text)
        shouting = [w for w in _CAPS.findall(text) if w not in self._caps]
        shout_share = len(shouting) / len(words) if words else 0.0
        excess = max(0.0, _exclaim_rate([text]) - self._exclaims)
        return max(0.0, 1.0 - 3.0 * shout_share - 0.5 * excess)

    def _references(self) -> tuple[float, float]:
        """Medians over own texts, each left out of its own comparison (1 text: 1.0)."""
        if self._own.shape[0] < 2:
            return 1.0, 1.0
        affinities = leave_one_out_top_means(self._own, NEAREST)
        coverages = []
        for terms in self._doc_terms:
            known = sum(1 for t in terms if self._term_docs.get(t, 0) > 1 or t in self._base_vocab)
            coverages.append(known / len(terms) if terms else 0.0)
        return float(np.median(affinities)), statistics.median(coverages)


def _exclaim_rate(texts: Sequence[str]) -> float:
    marks = sum(t.count("!") for t in texts)
    ends = sum(max(1, len(re.findall(r"[.!?](?:\s|$)", t))) for t in texts)
    return marks / ends if ends else 0.0


def _competitor_patterns(names: Sequence[str]) -> list[tuple[str, re.Pattern[str]]]:
    """Full names case-insensitively; a name without a generic last word ("Pact" of
    "Pact Coffee") only as written, capitalised, so "single origin" is not "Origin Coffee"."""
    out = []
    for name in names:
        forms = [rf"(?i:{re.escape(name)})"]
        words = name.split()
        if len(words) > 1 and words[-1].lower() in _GENERIC_SUFFIX:
            short = " ".join(words[:-1])
            if len(short) >= 3:
                forms.append(re.escape(short))
        out.append((name, re.compile(rf"(?<!\w)(?:{'|'.join(forms)})(?!\w)")))
    return out
