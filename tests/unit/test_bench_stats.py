"""The statistics benchmarks run end to end in --quick mode and write their JSON.

Only the shape of the results is checked: the figures themselves live in the benchmark
output (and docs/statistics.md), never in tests.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.__main__ import main


@pytest.mark.parametrize(
    ("command", "keys", "header"),
    [
        (["experiments"], {"null", "power", "config"}, "A/B/n stopping rule"),
        (["drift"], {"figures", "settings"}, "Drift detector"),
        (["content"], {"calibration", "drafts"}, "Brand-consistency score"),
    ],
)
def test_quick_run_prints_and_writes(
    command: list[str],
    keys: set[str],
    header: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "result.json"
    assert main([*command, "--quick", "--output", str(out)]) == 0
    assert capsys.readouterr().out.startswith(header)
    result = json.loads(out.read_text(encoding="utf-8"))
    assert keys <= set(result)
    if command == ["drift"]:
        fitted = result["figures"][-1]
        assert fitted["null_lines"] > 0 and 0.0 <= fitted["false_alarm_rate_per_line"] <= 1.0
    if command == ["content"]:
        assert all(0.0 <= r["own_pass"] <= 1.0 for r in result["calibration"])
