"""``marketgraph research``, run as a user would: a real process on a real data dir, with a
web-search service configured by its environment variable (a real local HTTP server)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.integration.research_data import BRAND, RISING_HOOK, records, write_folder
from tests.integration.test_cli import assert_one_line_error
from tests.integration.web_server import WEB, Handler, web_server

BIN = Path(sys.executable).parent / "marketgraph"


def run(data_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MARKETGRAPH_")}
    clean.update(MARKETGRAPH_DATA_DIR=str(data_dir), COLUMNS="200", **env)
    return subprocess.run(
        [str(BIN), *args], env=clean, capture_output=True, text=True, timeout=300, cwd=data_dir
    )


def test_research_from_the_command_line(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "export", records())
    assert run(tmp_path, "ingest", "all", str(folder)).returncode == 0
    topic = "waterproof hiking boots"

    with web_server() as web:
        env = {"MARKETGRAPH_RESEARCH_WEB_URL": f"{web}/search?q={{query}}"}
        shown = run(
            tmp_path, "research", topic, "--brand", BRAND, "--window-days", "60", "--json", **env
        )
        assert shown.returncode == 0, shown.stderr
        assert Handler.seen == [topic]
    brief = json.loads(shown.stdout)
    assert brief["competitor_angles"][0]["competitor_names"] == ["Rival Co"]
    assert RISING_HOOK in {h["label"] for h in brief["trending_hooks"]}
    assert [f["url"] for f in brief["external"]] == [w["url"] for w in WEB]
    assert brief["external"][0]["source"]["node_id"].startswith("Source:ext-")

    text = run(
        tmp_path, "research", topic, "--brand", BRAND, "--window-days", "60", "--no-external"
    )
    assert text.returncode == 0, text.stderr
    for heading in ("Competitor angles", "Trending hooks", "Suggested angles", "Rival Co"):
        assert heading in text.stdout
    assert "cites Asset:" in text.stdout

    lineage = run(tmp_path, "lineage", f"ResearchBrief:{brief['id']}", "--all", "--json")
    assert lineage.returncode == 0, lineage.stderr
    nodes = {n["node_id"] for n in json.loads(lineage.stdout)["nodes"]}
    assert f"Decision:{brief['decision_id']}" in nodes and f"Brief:{brief['brief_id']}" in nodes


def test_research_errors_are_one_line(tmp_path: Path) -> None:
    assert_one_line_error(
        run(tmp_path, "research", "boots", "--brand", "nope"), 1, "no Brand node", "nope"
    )
    assert_one_line_error(
        run(tmp_path, "research", "boots", "--brand", BRAND, "--window-days", "5"),
        2,
        "--window-days",
    )
    assert_one_line_error(
        run(tmp_path, "research", "boots", "--brand", BRAND, "--metric", "clicks"), 2, "--metric"
    )
    no_query = {"MARKETGRAPH_RESEARCH_WEB_URL": "http://127.0.0.1:9/search"}
    assert_one_line_error(
        run(tmp_path, "research", "boots", "--brand", BRAND, **no_query),
        2,
        "RESEARCH_WEB_URL",
        "{query}",
    )
