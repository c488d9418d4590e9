"""BM25 sparse vectors for Qdrant's ``Modifier.IDF``: we send term weights, Qdrant adds IDF.

A document term gets the BM25 term-frequency part,
``tf * (k1 + 1) / (tf + k1 * (1 - b + b * doc_len / avg_doc_len))``; a query term gets 1.0.
With ``SparseVectorParams(modifier=Modifier.IDF)`` Qdrant multiplies each query term by
``ln(1 + (N - n + 0.5) / (n + 0.5))`` from its own collection statistics, so the dot
product is the BM25 score and IDF stays right as points come and go.

Tokens: NFKD with accents dropped (``café`` → ``cafe``), lower case, runs of Unicode
letters and digits (``3.2`` and ``1,000`` stay one number), possessive ``'s`` dropped and
other apostrophes removed (``don't`` → ``dont``), single letters and a compact English
stop-word list dropped (``off`` is kept: "20% off" is a marketing term), then :func:`stem`.

A term's index is the first 31 bits of its blake2b digest: stable across processes and
machines, with no vocabulary to store. Two terms may share an index (a collision): a
vocabulary of 100,000 terms has about two colliding pairs among 2^31 slots. A collision
only blurs those two terms together (their counts and IDF add up); it never loses a text.

Changing the tokeniser, the stemmer, the stop words or the hash changes the vectors:
bump :data:`SPARSE_MODEL` then, so collections built with the old one are rebuilt.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from typing import Final, Protocol

SPARSE_MODEL: Final = "bm25-v2"
DEFAULT_AVG_DOC_LEN: Final = 75.0  # terms after stop words; the demo assets average ~74

_STOP_WORDS_TEXT: Final = """
    a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself no nor not of on once only or
    other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your
    yours yourself yourselves dont doesnt didnt isnt arent wasnt werent wont cant couldnt
    shouldnt wouldnt youre youve youll youd weve theyre theyve thats theres also via per
"""
STOP_WORDS: Final = frozenset(_STOP_WORDS_TEXT.split())

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
# A number with decimal or thousands separators, or a run of letters/digits with inner
# apostrophes. ``[^\W_]`` is a Unicode word character other than the underscore.
_TOKEN = re.compile(r"\d+(?:[.,]\d+)+|[^\W_]+(?:'[^\W_]+)*")
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+")
_VOWELS: Final = frozenset("aeiou")
_MAX_TOKEN_LEN: Final = 40


def stem(token: str) -> str:
    """A light, deterministic suffix stemmer for English (a small subset of Porter step 1).

    In order, for alphabetic tokens only:
    1. plurals: ``-sses`` → ``-ss``, ``-ies`` → ``-i``, ``-ches/-shes/-xes/-zzes`` drop ``-es``,
       any other final ``s`` drops unless the word ends in ``ss``, ``us`` or ``is``;
    2. ``-ing`` and ``-ed`` drop when at least three letters with a vowel remain (not after
       ``e`` for ``-ed``: ``speed``, ``need``), then a doubled final consonant is undoubled
       (``shipp`` → ``ship``; not ``ll``, ``ss``, ``zz``);
    3. the noun endings ``-ation`` → ``-at`` and ``-ance``/``-ence`` drop when four letters
       remain (``consolidation``/``consolidating`` → ``consolidat``, ``performance`` →
       ``perform``);
    4. a final ``y`` after a consonant becomes ``i``, a final single ``e`` drops.
    So ``lines``/``line`` → ``lin``, ``hiking``/``hiked``/``hikes`` → ``hik``, ``stories``/
    ``story`` → ``stori``. Stems are index keys, not words; irregular forms stay apart.
    """
    if not token.isalpha() or len(token) < 3:
        return token
    t = token
    if t.endswith("sses"):
        t = t[:-2]
    elif t.endswith("ies") and len(t) > 4:
        t = t[:-3] + "i"
    elif t.endswith(("ches", "shes", "xes", "zzes")) and len(t) > 4:
        t = t[:-2]
    elif t.endswith("s") and not t.endswith(("ss", "us", "is")):
        t = t[:-1]
    for suffix in ("ing", "ed"):
        if t.endswith(suffix):
            base = t[: -len(suffix)]
            if (
                len(base) >= 3
                and any(c in _VOWELS for c in base)
                and not (suffix == "ed" and base.endswith("e"))
            ):
                t = base
                if len(t) > 3 and t[-1] == t[-2] and t[-1] not in _VOWELS and t[-1] not in "lsz":
                    t = t[:-1]
            break
    if t.endswith("ation") and len(t) >= 9:
        t = t[:-3]
    elif t.endswith(("ance", "ence")) and len(t) >= 9:
        t = t[:-4]
    if len(t) > 2 and t.endswith("y") and t[-2] not in _VOWELS:
        t = t[:-1] + "i"
    elif len(t) > 3 and t.endswith("e") and not t.endswith("ee"):
        t = t[:-1]
    return t


def tokenize(text: str) -> list[str]:
    """The index terms of ``text``, in order, repeats kept (see the module docstring)."""
    normal = text
    if not text.isascii():  # compatibility forms folded, accents split off and dropped
        folded = unicodedata.normalize("NFKD", text)
        normal = "".join(c for c in folded if not unicodedata.combining(c))
    normal = normal.translate(_APOSTROPHES).lower()
    terms: list[str] = []
    for match in _TOKEN.finditer(normal):
        token = match.group()
        if "." in token or "," in token:  # a number: 3.2, 1,000 → 1000
            token = token.replace(",", "") if _THOUSANDS.fullmatch(token) else token
        else:
            if token.endswith("'s"):
                token = token[:-2]
            token = token.replace("'", "")
        if len(token) > _MAX_TOKEN_LEN or (len(token) == 1 and not token.isdigit()):
            continue
        if token in STOP_WORDS:
            continue
        terms.append(stem(token))
    return terms


def term_index(term: str) -> int:
    """The sparse-vector index of a term: blake2b digest → unsigned 31-bit integer."""
    digest = hashlib.blake2b(term.encode("utf-8"), digest_size=4).digest()
    return int.from_bytes(digest, "big") & 0x7FFFFFFF


class SparseEncoder(Protocol):
    """Texts to sparse vectors ``(indices, values)`` for a ``Modifier.IDF`` field; ``name``
    is recorded with the index so vectors of two encoders are never mixed."""

    @property
    def name(self) -> str: ...

    def encode_document(self, text: str) -> tuple[list[int], list[float]]: ...

    def encode_query(self, text: str) -> tuple[list[int], list[float]]: ...


class Bm25Encoder:
    """Turns texts into BM25 sparse vectors (indices, values) for a ``Modifier.IDF`` field.

    ``k1`` is how fast repeated terms saturate, ``b`` how much long documents are
    penalised, ``avg_doc_len`` the length (in terms) at which a document is "average".
    Values depend on these parameters: keep them fixed for a collection.
    """

    def __init__(
        self, k1: float = 1.2, b: float = 0.75, avg_doc_len: float = DEFAULT_AVG_DOC_LEN
    ) -> None:
        if k1 < 0 or not 0.0 <= b <= 1.0 or avg_doc_len <= 0:
            raise ValueError(f"invalid BM25 parameters k1={k1}, b={b}, avg_doc_len={avg_doc_len}")
        self.k1 = k1
        self.b = b
        self.avg_doc_len = avg_doc_len
        self.name = SPARSE_MODEL

    def encode_document(self, text: str) -> tuple[list[int], list[float]]:
        """BM25 term-frequency weights of a document, sorted by index."""
        terms = tokenize(text)
        if not terms:
            return [], []
        counts = Counter(term_index(t) for t in terms)  # colliding terms add up
        norm = self.k1 * (1.0 - self.b + self.b * len(terms) / self.avg_doc_len)
        indices = sorted(counts)
        values = [counts[i] * (self.k1 + 1.0) / (counts[i] + norm) for i in indices]
        return indices, values

    def encode_query(self, text: str) -> tuple[list[int], list[float]]:
        """The unique terms of a query, each with weight 1.0 (Qdrant adds the IDF)."""
        indices = sorted({term_index(t) for t in tokenize(text)})
        return indices, [1.0] * len(indices)
