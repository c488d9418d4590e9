"""``python -m bench execution --quick`` runs end to end on the embedded backend.

Only the shape of the figures is checked (timings depend on the machine), plus the one
figure that is not a timing: no webhook request may be sent twice.
"""

from __future__ import annotations

import json
from pathlib import Path

from bench.execution import main


def test_the_execution_benchmark_runs_and_sends_nothing_twice(tmp_path: Path) -> None:
    output = tmp_path / "execution.json"

    assert main(["--quick", "--backends", "embedded", "--output", str(output)]) == 0

    [result] = json.loads(output.read_text())
    assert result["backend"] == "embedded" and result["lines"] > 40
    assert result["rows"] == result["lines"] * result["cycles"] * result["days"]
    assert 0 < result["apply_p50_ms"] <= result["apply_p95_ms"]
    for rate in ("simulate_rows_per_s", "ingest_rows_per_s", "deliver_one_worker_per_s"):
        assert result[rate] > 0
    assert result["duplicate_requests"] == 0
    assert result["notes"] == []  # every entry was delivered
