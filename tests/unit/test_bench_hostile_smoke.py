"""``python -m bench hostile --quick`` runs end to end against a real server.

Only what is not a timing is checked: every case of issue 15 is replayed and refused with
a short 4xx (the lineage walk answers 200 within its node limit), each beside the issue's
"before" figure, so the benchmark cannot silently rot.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.__main__ import main
from bench.hostile import BEFORE

REFUSED = {
    "million-empty-lines": 422,
    "zip-bomb": 413,
    "zip-at-limit": 422,
    "search-200mb-length": 413,
    "search-200mb-chunked": 413,
    "deep-json": 422,
    "name-50mb": 422,
}


def test_the_hostile_benchmark_replays_every_case(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "hostile.json"

    assert main(["hostile", "--quick", "--output", str(output)]) == 0

    printed = capsys.readouterr().out
    figures = json.loads(output.read_text())
    cases = {c["case"]: c for c in figures["cases"]}
    assert set(cases) == set(BEFORE) == set(REFUSED) | {"lineage-walk"}
    for name, status in REFUSED.items():
        case = cases[name]
        assert case["status"] == status, case
        assert case["response_bytes"] < 64 * 1024, case  # every rejection is not echoed
        assert case["before"] == BEFORE[name]
        assert name in printed and BEFORE[name] in printed
    assert cases["search-200mb-length"]["excerpt"].find("body_bytes") > 0
    assert cases["zip-bomb"]["excerpt"].find("zip_bytes") > 0
    walk = cases["lineage-walk"]
    assert walk["status"] == 200 and 0 < walk["detail"]["nodes"] <= 5000
    assert cases["name-50mb"]["detail"]["campaign_list_bytes_after"] < 1_000_000
    for case in cases.values():
        assert case["rss_before_mb"] > 0 and case["peak_rss_mb"] >= case["rss_before_mb"] * 0.9
