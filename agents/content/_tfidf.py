"""TF-IDF vectors over the retrieval tokeniser (``retrieval.sparse.tokenize``).

``tf`` is sublinear (``1 + log count``), ``idf = log((N + 1) / (df + 1)) + 1`` over the
documents the model was built on, and vectors are L2-normalised, so the dot product of two
vectors is their cosine similarity. Document sets are sparse matrices (``scipy.sparse``),
so a text is compared with a few hundred documents in one product.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt
from scipy import sparse

from retrieval.sparse import tokenize

FloatArray = npt.NDArray[np.float64]


Tokens = Sequence[str]


def tokens_of(text: str) -> list[str]:
    """The retrieval tokeniser's terms of ``text`` (tokenise once, reuse everywhere)."""
    return tokenize(text)


class TfIdf:
    """IDF weights learnt from tokenised ``documents``; embeds token lists with them."""

    def __init__(self, documents: Iterable[Tokens]) -> None:
        df: Counter[str] = Counter()
        n = 0
        for doc in documents:
            df.update(set(doc))
            n += 1
        terms = sorted(df)
        self._index = {t: i for i, t in enumerate(terms)}
        self._idf = np.array([math.log((n + 1) / (df[t] + 1)) + 1.0 for t in terms])

    def _weights(self, tokens: Tokens) -> tuple[list[int], FloatArray]:
        """Indices and normalised weights of a text's known terms (unknown terms count in
        the norm, so a text full of words the corpus never used stays far from it)."""
        counts = Counter(tokens)
        unseen = math.log(len(self._idf) + 2) + 1.0
        index, known, norm = [], [], 0.0
        for term, c in counts.items():
            i = self._index.get(term)
            w = (1.0 + math.log(c)) * (self._idf[i] if i is not None else unseen)
            norm += w * w
            if i is not None:
                index.append(i)
                known.append(w)
        scale = 1.0 / math.sqrt(norm) if norm > 0 else 0.0
        return index, np.asarray(known, dtype=np.float64) * scale

    def matrix(self, texts: Sequence[Tokens]) -> sparse.csr_matrix:
        """One normalised row per tokenised text."""
        rows, cols, vals = [], [], []
        for r, tokens in enumerate(texts):
            index, weights = self._weights(tokens)
            rows += [r] * len(index)
            cols += index
            vals += weights.tolist()
        shape = (len(texts), len(self._idf))
        return sparse.csr_matrix((vals, (rows, cols)), shape=shape, dtype=np.float64)

    def similarities(self, tokens: Tokens, docs: sparse.csr_matrix) -> FloatArray:
        """Cosine of a tokenised text with every row of ``docs``."""
        index, weights = self._weights(tokens)
        if not index or docs.shape[0] == 0:
            return np.zeros(docs.shape[0])
        result: FloatArray = np.asarray(docs[:, index] @ weights).ravel()
        return result


def top_mean(similarities: FloatArray, k: int) -> float:
    """Mean of the ``k`` largest similarities (0 without any)."""
    if similarities.size == 0:
        return 0.0
    best = np.sort(similarities)[::-1][:k]
    return float(best.mean())


def leave_one_out_top_means(docs: sparse.csr_matrix, k: int) -> FloatArray:
    """For each row, the mean of its ``k`` best cosines with the *other* rows."""
    sims = np.asarray((docs @ docs.T).todense(), dtype=np.float64)
    np.fill_diagonal(sims, -np.inf)
    best = -np.sort(-sims, axis=1)[:, :k]
    result: FloatArray = np.where(np.isfinite(best), best, 0.0).mean(axis=1)
    return result
