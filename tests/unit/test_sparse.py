"""The BM25 sparse encoder: tokens, stems, stable indices and the BM25 weight curve."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys

import pytest

from retrieval import sparse
from retrieval.sparse import SPARSE_MODEL, STOP_WORDS, Bm25Encoder, stem, term_index, tokenize


@pytest.mark.parametrize(
    ("forms", "expected"),
    [
        (["line", "lines"], "lin"),
        (["hike", "hikes", "hiked", "hiking"], "hik"),
        (["story", "stories"], "stori"),
        (["copy", "copies", "copied", "copying"], "copi"),
        (["run", "running"], "run"),
        (["ship", "shipped", "shipping"], "ship"),
        (["ad", "ads"], "ad"),
        (["campaign", "campaigns"], "campaign"),
        (["discount", "discounts", "discounted"], "discount"),
        (["box", "boxes"], "box"),
        (["match", "matches"], "match"),
        (["speed", "speeds", "speeding"], "speed"),
        (["email", "emails", "emailed"], "email"),
    ],
)
def test_stemmer_conflates_plurals_ing_and_ed(forms: list[str], expected: str) -> None:
    assert {stem(f) for f in forms} == {expected}


@pytest.mark.parametrize("word", ["analysis", "bus", "class", "thing", "string", "coffee", "add"])
def test_stemmer_leaves_words_that_only_look_inflected(word: str) -> None:
    assert stem(word) == word


def test_stems_of_numbers_and_short_words_are_unchanged() -> None:
    assert [stem(w) for w in ["2026", "v60", "is", "as"]] == ["2026", "v60", "is", "as"]


def test_subject_lines_matches_subject_line() -> None:
    assert tokenize("Subject lines") == tokenize("subject line") == ["subject", "lin"]


def test_tokenizer_drops_stop_words_and_single_letters() -> None:
    assert tokenize("The best of a trail and the gear, e.g. boots") == [
        "best",
        "trail",
        "gear",
        "boot",
    ]
    assert "off" not in STOP_WORDS  # "20% off" carries meaning in marketing copy
    assert tokenize("15% OFF") == ["15", "off"]


def test_tokenizer_handles_apostrophes_numbers_and_accents() -> None:
    assert tokenize("Trailhead\u2019s shell: don't miss it") == ["trailhead", "shell", "miss"]
    assert tokenize("O'Neill's 90's") == ["oneill", "90"]
    assert tokenize("2.5-layer shell, 1,000 miles, 3.2 days") == [
        "2.5",
        "layer",
        "shell",
        "1000",
        "mil",
        "3.2",
        "day",
    ]
    assert tokenize("Café crème") == tokenize("cafe creme")
    assert tokenize("ＦＵＬＬ refund") == ["full", "refund"]  # compatibility forms fold


def test_tokenizer_keeps_unicode_words() -> None:
    assert tokenize("Kaffee für Büro; кофе") == ["kaffee", "fur", "buro", "кофе"]
    assert tokenize("snake_case") == ["snak", "cas"]  # underscores separate words


def test_term_index_is_a_fixed_31_bit_hash() -> None:
    # Computed once with blake2b(digest_size=4) & 0x7FFFFFFF; a change here means every
    # collection must be rebuilt, so bump SPARSE_MODEL along with this number.
    assert term_index("campaign") == 30870356
    assert term_index("lin") == 1527477319
    assert all(0 <= term_index(t) < 2**31 for t in ["", "a", "ünïcode", "x" * 500])
    assert SPARSE_MODEL == "bm25-v2"  # v2: the -ation/-ance/-ence endings are stemmed


def test_noun_endings_meet_their_verbs() -> None:
    assert stem("performance") == stem("performing") == "perform"
    assert stem("consolidation") == stem("consolidating")
    assert stem("audience") == "audienc" and stem("station") == "station"  # short words stay


def test_indices_are_the_same_in_another_process() -> None:
    # Load the module file alone: the package would import Qdrant and LangChain too.
    code = (
        "import importlib.util, json, sys; "
        f"spec = importlib.util.spec_from_file_location('sparse', {sparse.__file__!r}); "
        "m = importlib.util.module_from_spec(spec); sys.modules['sparse'] = m; "
        "spec.loader.exec_module(m); "
        "print(json.dumps(m.Bm25Encoder().encode_document('Subject lines for hikers, 15% off')))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    indices, values = json.loads(out.stdout)
    expected = Bm25Encoder().encode_document("Subject lines for hikers, 15% off")
    assert (indices, values) == (list(expected[0]), pytest.approx(list(expected[1])))


def test_query_has_unique_terms_with_weight_one() -> None:
    indices, values = Bm25Encoder().encode_query("trail shoes, trail shoe, TRAIL")
    assert indices == sorted({term_index("trail"), term_index("sho")})
    assert values == [1.0, 1.0]


def test_empty_and_stop_word_texts_encode_to_nothing() -> None:
    encoder = Bm25Encoder()
    assert encoder.encode_document("") == ([], [])
    assert encoder.encode_query("the of and") == ([], [])


def _weight(encoder: Bm25Encoder, text: str, term: str) -> float:
    indices, values = encoder.encode_document(text)
    return dict(zip(indices, values, strict=True))[term_index(term)]


def test_term_frequency_saturates() -> None:
    encoder = Bm25Encoder(k1=1.2, b=0.0)  # no length normalisation: pure saturation
    weights = [_weight(encoder, "trail " * tf, "trail") for tf in range(1, 30)]
    assert all(a < b for a, b in itertools.pairwise(weights))
    gains = [b - a for a, b in itertools.pairwise(weights)]
    assert all(a > b for a, b in itertools.pairwise(gains))
    assert weights[-1] < encoder.k1 + 1  # the limit of tf * (k1 + 1) / (tf + k1)
    assert weights[0] == pytest.approx(1.0)


def test_longer_documents_weigh_a_term_less() -> None:
    encoder = Bm25Encoder(k1=1.2, b=0.75, avg_doc_len=10)
    weights = [_weight(encoder, "trail " + "gear " * n, "trail") for n in (0, 5, 10, 50, 200)]
    assert all(a > b for a, b in itertools.pairwise(weights))
    flat = Bm25Encoder(k1=1.2, b=0.0, avg_doc_len=10)
    assert _weight(flat, "trail gear", "trail") == _weight(flat, "trail " + "gear " * 50, "trail")
    # At the average length the weight is the plain saturation value.
    assert _weight(encoder, "trail " + "gear " * 9, "trail") == pytest.approx(1.0)


def test_invalid_parameters_are_refused() -> None:
    for kwargs in ({"k1": -1.0}, {"b": 1.5}, {"avg_doc_len": 0.0}):
        with pytest.raises(ValueError, match="invalid BM25 parameters"):
            Bm25Encoder(**kwargs)
