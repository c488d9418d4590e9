"""Reading marketing copy: its words, key phrases, offers and opening line (the hook).

Words are matched the way the index matches them: each surface word goes through the BM25
tokenizer of :mod:`retrieval.sparse` (stop words dropped, light stemming), so "boots" and
"boot" are one term here as in search. A phrase is a run of one to three content words
inside a clause (stop words and punctuation end a run, as in RAKE), keyed by its stems
and shown in its most common surface form. Structural labels of the copy formats
("Primary text:", "Subject:", "Link: …") are not copy and are stripped first.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from retrieval.sparse import tokenize

Stems = tuple[str, ...]

_URL = re.compile(r"https?://\S+|\b[\w-]+\.(?:example|com|co\.uk|io|net|org)(?:/\S*)?")
_MERGE_TAG = re.compile(r"\*\|[^|]*\|\*|\{\{[^}]*\}\}|%%[^%]*%%")
_LABEL = re.compile(r"^\s*([A-Za-z0-9][\w &()/'-]{0,30}?):\s+")
_DROP_LINES = re.compile(
    r"^\s*(link|final url|click-through|tracking link|sizes|alt text|button|rules|url)\s*:",
    re.IGNORECASE,
)
_WORD = re.compile(r"\d+(?:[.,]\d+)*%?|[^\W_]+(?:['’][^\W_]+)*")
_CLAUSE = re.compile(r"[.!?;:,()\[\]\"“”|\n]+|\s[-–—]\s")
_NUMBER = re.compile(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![\w.])\d+(?:\.\d+)?")
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_OFFER = re.compile(
    r"\d+\s?%|[$€£]\s?\d|\d\s?(?:euros?|pounds?|dollars?)\b|\bfree\b|\bcode\b|\bdiscount|"
    r"\bsave\b|\btrial\b|\bcashback\b|half price|price of|\bclearance\b|\bcredit\b|\boff\b",
    re.IGNORECASE,
)
# Where a copy format puts its opening line, most telling first.
_HOOK_KEYS = (
    "subject",
    "0-3 s hook",
    "0-5 s (before skip)",
    "primary text",
    "caption",
    "overlay text",
    "h1",
    "headline",
    "headlines",
)
MAX_HOOK = 140
# Words that carry no angle of their own in copy, on top of the index's stop words.
_FILLER = frozenset(
    tokenize("every get new just one make need want like let see way here there now still us")
)


def clean_copy(text: str) -> str:
    """Copy without URLs, merge tags, link/button lines and format labels."""
    lines = []
    for line in text.splitlines():
        if _DROP_LINES.match(line):
            continue
        line = _LABEL.sub("", line, count=1)
        lines.append(_MERGE_TAG.sub(" ", _URL.sub(" ", line)))
    return "\n".join(lines)


def stems_of(text: str) -> set[str]:
    """The index terms of ``text`` (as a set)."""
    return set(tokenize(text))


def _words(clause: str) -> list[tuple[str, str | None]]:
    """(surface, stem) of each word; the stem is None for stop words and single letters."""
    out: list[tuple[str, str | None]] = []
    for match in _WORD.finditer(clause):
        surface = match.group().replace("’", "'")
        terms = tokenize(surface)
        out.append((surface.lower(), terms[0] if len(terms) == 1 else None))
    return out


def phrases(text: str, max_words: int = 3) -> list[tuple[Stems, str]]:
    """Candidate key phrases of cleaned copy: (stems, surface) of each 1-3 word run."""
    found: list[tuple[Stems, str]] = []
    for clause in _CLAUSE.split(clean_copy(text)):
        run: list[tuple[str, str]] = []
        for surface, stem in [*_words(clause), ("", None)]:
            if stem is not None and not stem.isdigit() and stem not in _FILLER:
                run.append((surface, stem))
                continue
            for size in range(1, max_words + 1):
                for start in range(len(run) - size + 1):
                    part = run[start : start + size]
                    found.append((tuple(s for _, s in part), " ".join(w for w, _ in part)))
            run = []
    return found


@dataclass
class PhraseStats:
    """Document frequencies of phrases over a set of documents, with surface forms."""

    docs: int = 0
    df: Counter[Stems] = field(default_factory=Counter)
    surface: dict[Stems, Counter[str]] = field(default_factory=dict)
    where: dict[Stems, list[str]] = field(default_factory=dict)

    def add(self, doc_id: str, text: str) -> None:
        self.docs += 1
        seen: set[Stems] = set()
        for key, shown in phrases(text):
            self.surface.setdefault(key, Counter())[shown] += 1
            if key not in seen:
                seen.add(key)
                self.df[key] += 1
                self.where.setdefault(key, []).append(doc_id)

    def occurrences(self, key: Stems) -> int:
        """How often the phrase occurs over all documents."""
        return sum(self.surface[key].values())

    def shown(self, key: Stems) -> str:
        return self.surface[key].most_common(1)[0][0]


def phrase_stats(docs: Mapping[str, str]) -> PhraseStats:
    stats = PhraseStats()
    for doc_id, text in docs.items():
        stats.add(doc_id, text)
    return stats


def sentences(text: str) -> list[str]:
    """Sentences (and lines) of cleaned copy, stripped."""
    parts = (s.strip().lstrip("-•* ").strip() for s in _SENTENCE.split(clean_copy(text)))
    return [s for s in parts if len(s) > 3]


def offers(text: str) -> list[str]:
    """Sentences that make an offer: a percentage, a price, 'free', a code, a trial…"""
    return [s for s in sentences(text) if _OFFER.search(s)]


def numbers_in(sentence: str) -> list[float]:
    """The numbers a sentence states (thousands separators and % signs dropped)."""
    out = []
    for match in _NUMBER.finditer(sentence):
        out.append(float(match.group().replace(",", "")))
    return out


def hook_of(props: Mapping[str, Any]) -> str | None:
    """The opening line of an asset: its subject, spoken hook, primary text or first line.

    The first sentence of the most telling labelled line (see ``_HOOK_KEYS``), else of the
    first line of copy, else the title; None for an asset with no text.
    """
    body = str(props.get("body") or "")
    labelled: dict[str, str] = {}
    first_line: str | None = None
    for line in body.splitlines():
        if not line.strip() or _DROP_LINES.match(line):
            continue
        match = _LABEL.match(line)
        if match:
            label, rest = match.group(1).strip().lower(), line[match.end() :].strip()
            labelled.setdefault(label, rest)
            if label not in _HOOK_KEYS and first_line is None:
                first_line = rest  # "Brand: copy…" (an SMS) reads from the copy
        elif first_line is None:
            first_line = line.strip()
    text = next((labelled[k] for k in _HOOK_KEYS if labelled.get(k)), None)
    if text is None:
        text = first_line or str(props.get("title") or "").strip() or None
    if text is None:
        return None
    if "|" in text:
        text = text.split("|")[0]
    before_link = _URL.split(text)[0].strip(" ,;:-")
    text = _MERGE_TAG.sub("", before_link or _URL.sub("", text)).strip(" ,;:-")
    first = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0].strip()
    return first[:MAX_HOOK] or None


def hook_key(hook: str) -> str:
    """The grouping key of a hook: lower case, numbers as '#', punctuation and spaces folded."""
    text = re.sub(r"\d+(?:[.,]\d+)*", "#", hook.lower().replace("’", "'"))
    return " ".join(re.sub(r"[^\w#' ]+", " ", text).split())


def coverage(query_stems: Iterable[str], doc_stems: set[str]) -> float:
    """Share of the query's terms that the document contains."""
    terms = set(query_stems)
    return len(terms & doc_stems) / len(terms) if terms else 0.0
