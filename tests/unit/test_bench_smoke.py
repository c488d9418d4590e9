"""The benchmark suite runs end to end in --quick mode on the embedded backend.

Only the shape of the results is checked (positive rates, ordered percentiles): timings
depend on the machine, so no thresholds here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench import data as bench_data
from bench.__main__ import main, parse_args
from bench.backends import EmbeddedBackend
from bench.common import Latency, Progress, Rate, latency, percentile
from bench.ingestion import IngestionResult, round_order, run_ingestion
from bench.queries import QueryResult, load_graph, measure_queries
from graph.schema import Label

ROWS = 300


@pytest.fixture(scope="module")
def data() -> bench_data.BenchData:
    return bench_data.build(seed=7, rows=ROWS)


@pytest.fixture
def backend(tmp_path: Path) -> Iterator[EmbeddedBackend]:
    with EmbeddedBackend(tmp_path) as b:
        yield b


QUIET = Progress(quiet=True)


def _ordered(lat: Latency) -> None:
    assert lat.calls > 0
    assert 0 < lat.p50_ms <= lat.p95_ms <= lat.p99_ms <= lat.max_ms


def test_data_is_cut_to_the_requested_rows(data: bench_data.BenchData) -> None:
    assert data.rows == ROWS
    assert sum(len(chunk) for chunk in data.outcome_chunks(128)) == ROWS
    assert len(set(data.sample_outcome_ids(20, seed=1))) == 20


def test_prebuilt_outcomes_match_what_the_pipeline_writes(
    data: bench_data.BenchData, backend: EmbeddedBackend
) -> None:
    store, _ = load_graph(backend, data, QUIET)
    for raw in list(data.outcome_records())[:25]:
        node, edges = bench_data.outcome_graph(raw)
        stored = store.get_node(node.ref)
        assert stored is not None
        assert stored.properties == node.properties
        assert edges and all(e.src == node.ref for e in edges)
    assert store.count(Label.OUTCOME) == ROWS


def test_ingestion_rates(data: bench_data.BenchData, backend: EmbeddedBackend) -> None:
    result = run_ingestion(backend, data, QUIET)
    assert isinstance(result, IngestionResult)
    assert result.rows == ROWS
    assert result.edges >= ROWS
    for rate in (result.pipeline, result.write_path, result.baseline):
        assert rate.rows == ROWS
        assert rate.seconds > 0
        assert rate.rows_per_s > 0
        assert result.ratio(rate) > 0
    assert result.ratio(result.baseline) == pytest.approx(1.0)


def test_query_latency(data: bench_data.BenchData, backend: EmbeddedBackend) -> None:
    store, seconds = load_graph(backend, data, QUIET)
    result = measure_queries(
        store,
        data,
        backend=backend.name,
        load_seconds=seconds,
        calls=30,
        lineage_calls=15,
        seed=7,
        progress=QUIET,
        warmup=2,
    )
    assert isinstance(result, QueryResult)
    assert result.outcomes == ROWS
    assert result.context.calls == 30
    assert result.lineage.calls == 15
    _ordered(result.context)
    _ordered(result.lineage)
    assert result.lineage_nodes_mean >= 2


def test_percentiles() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == pytest.approx(50.5)
    assert percentile(values, 0) == 1.0
    assert percentile(values, 100) == 100.0
    summary = latency([3.0, 1.0, 2.0])
    assert (summary.p50_ms, summary.max_ms, summary.calls) == (2.0, 3.0, 3)


def test_quick_command_prints_the_table_and_writes_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "latest.json"
    assert main(["--quick", "--backends", "embedded", "--output", str(output)]) == 0
    printed = capsys.readouterr().out
    assert "store.write()" in printed
    assert "campaign context" in printed
    figures = json.loads(output.read_text())
    [ingestion] = figures["ingestion"]
    assert ingestion["backend"] == "embedded"
    for key in ("pipeline", "write_path", "baseline"):
        assert ingestion[key]["rows_per_s"] > 0
    for query in figures["queries"]:
        for key in ("context", "lineage"):
            assert query[key]["p50_ms"] <= query[key]["p95_ms"]


def test_ingestion_command_measures_ingestion_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "ingestion.json"
    assert main(["ingestion", "--quick", "--backends", "embedded", "--output", str(output)]) == 0
    printed = capsys.readouterr().out
    assert "ingest outcomes FILE" in printed and "plain baseline" in printed
    assert "campaign context" not in printed
    figures = json.loads(output.read_text())
    [ingestion] = figures["ingestion"]
    assert ingestion["pipeline"]["vs_baseline"] > 0
    assert figures["queries"] == []


def test_rounds_rotate_the_paths_and_report_medians(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "ingestion.json"
    argv = ["ingestion", "--quick", "--backends", "embedded", "--rounds", "3"]
    assert main([*argv, "--output", str(output)]) == 0
    figures = json.loads(output.read_text())
    [ingestion] = figures["ingestion"]
    assert len(ingestion["rounds"]) == 3
    each = ingestion["round_vs_baseline"]["pipeline"]
    assert len(each) == 3 and ingestion["pipeline"]["vs_baseline"] == pytest.approx(sorted(each)[1])
    assert ingestion["round_vs_baseline"]["baseline"] == pytest.approx([1.0, 1.0, 1.0])
    assert figures["settings"]["rounds"] == 3
    assert [round_order(n) for n in range(3)] == [(0, 1, 2), (1, 2, 0), (2, 0, 1)]


def test_ratio_over_rounds_is_the_median_of_each_rounds_ratio() -> None:
    # Round 2's baseline ran in a busy minute: its (a) looks fast against it, and the
    # median of per-round ratios is not fooled the way a ratio of median rates would be.
    rounds = [
        (Rate(100, 1.0), Rate(100, 1.0), Rate(100, 0.5)),  # (a) 0.5 of (c)
        (Rate(100, 2.0), Rate(100, 1.0), Rate(100, 4.0)),  # (a) 2.0 of (c)
        (Rate(100, 1.2), Rate(100, 1.0), Rate(100, 0.6)),  # (a) 0.5 of (c)
    ]
    result = IngestionResult.of_rounds("embedded", 100, 400, rounds, "kind")
    assert result.round_ratios(0) == pytest.approx([0.5, 2.0, 0.5])
    assert result.ratio(result.pipeline) == pytest.approx(0.5)
    assert result.pipeline.seconds == 1.2  # the median round of (a) by rate
    assert result.baseline.seconds == 0.6


def test_rounds_must_be_positive() -> None:
    with pytest.raises(SystemExit):
        parse_args(["--rounds", "0"])


def test_quick_flag_shrinks_the_run() -> None:
    s = parse_args(["--quick"])
    assert s.rows <= 1000
    assert all(size <= 1000 for size in s.sizes)
    assert parse_args([]).sizes == [100_000, 1_000_000]


def test_research_benchmark_quick(tmp_path: Path) -> None:
    out = tmp_path / "research.json"
    assert main(["research", "--quick", "--output", str(out)]) == 0
    figures = json.loads(out.read_text())
    [cell] = figures["calibration"]
    assert cell["series"] == 20 and cell["days"] == 120
    assert all(0.0 <= cell[k] <= 1.0 for k in ("null_corrected", "power_small", "power_large"))
    assert figures["briefs"] == []  # the demo part is skipped in quick mode
