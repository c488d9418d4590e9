"""The ``marketgraph`` command, run as a user would (a real process on a real data dir)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent / "marketgraph"


def run(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MARKETGRAPH_")}
    env.update(MARKETGRAPH_DATA_DIR=str(data_dir), COLUMNS="200")
    return subprocess.run(
        [str(BIN), *args], env=env, capture_output=True, text=True, timeout=300, cwd=data_dir
    )


def write_jsonl(path: Path, *records: dict[str, object]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    return path


def assert_one_line_error(
    result: subprocess.CompletedProcess[str], code: int, *needles: str
) -> None:
    assert result.returncode == code, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.lstrip().startswith("error:")
    for needle in needles:
        assert needle in result.stderr


def test_migrate_applies_once(tmp_path: Path) -> None:
    first = run(tmp_path, "migrate")
    assert first.returncode == 0, first.stderr
    assert "0001_unique_node_ids" in first.stdout
    second = run(tmp_path, "migrate")
    assert second.returncode == 0 and "up to date" in second.stdout


def test_ingest_then_lineage(tmp_path: Path) -> None:
    brands = write_jsonl(tmp_path / "brands.jsonl", {"id": "b1", "name": "Trailhead"})
    campaigns = write_jsonl(
        tmp_path / "campaigns.jsonl", {"id": "c1", "brand_id": "b1", "name": "Spring"}
    )

    assert run(tmp_path, "ingest", "brands", str(brands)).returncode == 0
    result = run(tmp_path, "ingest", "campaigns", str(campaigns))
    assert result.returncode == 0 and "ingested 1 records" in result.stdout
    again = run(tmp_path, "ingest", "campaigns", str(campaigns))
    assert "already ingested" in again.stdout

    shown = run(tmp_path, "lineage", "c1", "--json")
    assert shown.returncode == 0, shown.stderr
    nodes = {n["node_id"] for n in json.loads(shown.stdout)["nodes"]}
    assert {"Campaign:c1", "Brand:b1"} <= nodes


def test_folder_ingest_accepts_references_in_any_order(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    write_jsonl(folder / "campaigns.jsonl", {"id": "c1", "brand_id": "b1", "name": "Spring"})
    (folder / "brands.csv").write_text("id,name,currency\nb1,Trailhead,EUR\n")

    result = run(tmp_path, "ingest", "all", str(folder))

    assert result.returncode == 0, result.stderr
    assert "ingested 2 records" in result.stdout


def test_bad_input_is_one_line_and_a_nonzero_exit(tmp_path: Path) -> None:
    bad = write_jsonl(tmp_path / "brands.jsonl", {"id": "b1", "name": "ok"}, {"id": "b2"})
    assert_one_line_error(run(tmp_path, "ingest", "brands", str(bad)), 1, "brands.jsonl:2", "name")
    assert_one_line_error(run(tmp_path, "ingest", "widgets", str(bad)), 2, "unknown kind")
    assert_one_line_error(
        run(tmp_path, "ingest", "brands", str(tmp_path / "missing.jsonl")), 1, "missing.jsonl"
    )
    assert_one_line_error(run(tmp_path, "lineage", "nothing-here"), 1, "no node")


def test_skip_bad_writes_a_rejects_file(tmp_path: Path) -> None:
    bad = write_jsonl(tmp_path / "brands.jsonl", {"id": "b1", "name": "ok"}, {"id": "b2"})
    result = run(tmp_path, "ingest", "brands", str(bad), "--skip-bad")
    assert result.returncode == 0, result.stderr
    rejects = list((tmp_path / "rejects").glob("*.rejects.jsonl"))
    assert len(rejects) == 1
    (row,) = [json.loads(x) for x in rejects[0].read_text().splitlines()]
    assert row["line"] == 2 and row["record"] == {"id": "b2"}


def test_bad_setting_is_reported_without_traceback(tmp_path: Path) -> None:
    env_result = subprocess.run(
        [str(BIN), "migrate"],
        env={
            **os.environ,
            "MARKETGRAPH_DATA_DIR": str(tmp_path),
            "MARKETGRAPH_NEO4J_URI": "http://x",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert_one_line_error(env_result, 2, "NEO4J_URI")


def test_keys_create_prints_a_key_stored_hashed(tmp_path: Path) -> None:
    result = run(tmp_path, "keys", "create", "--role", "viewer", "--name", "dashboard")
    assert result.returncode == 0, result.stderr
    key = result.stdout.strip()
    stored = (tmp_path / "api-keys.json").read_text()
    assert key.startswith("mg_") and key not in stored and '"viewer"' in stored


@pytest.mark.skipif(not BIN.exists(), reason="the marketgraph entry point is not installed")
def test_demo_loads_the_generated_data_set(tmp_path: Path) -> None:
    result = run(tmp_path, "demo")
    assert result.returncode == 0, result.stderr
    assert "Campaign" in result.stdout
    again = run(tmp_path, "demo")
    assert again.returncode == 0 and "already ingested" in again.stdout


def test_search_and_reindex(tmp_path: Path) -> None:
    brands = write_jsonl(tmp_path / "brands.jsonl", {"id": "b1", "name": "Trailhead"})
    assets = write_jsonl(
        tmp_path / "assets.jsonl",
        {
            "id": "a1",
            "brand_id": "b1",
            "kind": "blog",
            "title": "Leave No Trace",
            "body": "Pack it out.",
        },
        {
            "id": "a2",
            "brand_id": "b1",
            "kind": "blog",
            "title": "Stoves",
            "body": "Boil water fast.",
        },
    )
    assert run(tmp_path, "ingest", "brands", str(brands)).returncode == 0
    assert run(tmp_path, "ingest", "assets", str(assets)).returncode == 0

    found = run(tmp_path, "search", "pack it out", "--brand", "b1", "--json")
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)["items"][0]["node_id"] == "Asset:a1"

    rebuilt = run(tmp_path, "reindex", "--recreate")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "indexed 2 texts; 0 pending" in rebuilt.stdout  # the brand has no guidelines text
    assert_one_line_error(
        run(tmp_path, "search", "x", "--mode", "dense"), 1, "MARKETGRAPH_EMBEDDINGS"
    )


def test_lineage_says_why_it_stopped(tmp_path: Path) -> None:
    brands = write_jsonl(tmp_path / "brands.jsonl", {"id": "b1", "name": "Trailhead"})
    campaigns = write_jsonl(
        tmp_path / "campaigns.jsonl",
        *({"id": f"c{i}", "brand_id": "b1", "name": f"C{i}"} for i in range(5)),
    )
    assert run(tmp_path, "ingest", "brands", str(brands)).returncode == 0
    assert run(tmp_path, "ingest", "campaigns", str(campaigns)).returncode == 0

    cut = run(tmp_path, "lineage", "b1", "--direction", "down", "--limit", "3")
    assert cut.returncode == 0, cut.stderr
    assert "truncated: the node limit (--limit) was reached" in cut.stdout
    shown = run(tmp_path, "lineage", "b1", "--direction", "down", "--limit", "3", "--json")
    body = json.loads(shown.stdout)
    assert body["truncated"] is True and body["truncated_reason"] == "nodes"
    assert len(body["nodes"]) == 3
    whole = run(tmp_path, "lineage", "b1", "--direction", "down", "--json")
    assert json.loads(whole.stdout)["truncated_reason"] is None
