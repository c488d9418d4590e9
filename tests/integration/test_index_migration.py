"""A data dir written by an older version (qdrant-client local mode in ``qdrant/``) moves to
Qdrant Edge: rebuilt from the graph on start, with one log line, or by ``reindex --recreate``."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from api.services import open_services
from api.settings import Settings
from graph.embedded import EmbeddedGraphStore
from ingest import Part, SourceInfo, ingest
from migrations import apply_pending
from retrieval.host import IndexHost
from retrieval.qdrant import QdrantTextIndex, open_qdrant_client
from retrieval.sparse import Bm25Encoder

BIN = Path(sys.executable).parent / "marketgraph"
RECORDS = {
    "brands": [{"id": "b1", "name": "Trailhead", "voice": "Plain and warm."}],
    "assets": [
        {"id": f"a{i}", "brand_id": "b1", "kind": "email", "title": title}
        for i, title in enumerate(
            ["Wombat walking boots", "Gaiters for muddy spring trails", "Rain shells on sale"]
        )
    ],
}
TEXTS = 4  # the three assets and the brand's voice


def old_data_dir(data_dir: Path) -> Path:
    """A graph with texts, and the index an older version kept in local mode beside it."""
    graph = EmbeddedGraphStore(data_dir / "graph.sqlite")
    try:
        apply_pending(graph)
        parts = [
            Part(
                kind=kind,
                source=SourceInfo(name=f"{kind}.jsonl", sha256=kind * 8, size=1),
                rows=enumerate(rows, start=1),
            )
            for kind, rows in RECORDS.items()
        ]
        ingest(graph, parts)
    finally:
        graph.close()
    old = QdrantTextIndex(
        open_qdrant_client(None, None, data_dir / "qdrant"), encoder=Bm25Encoder()
    )
    old.close()
    assert (data_dir / "qdrant" / "collection").is_dir()
    return data_dir / "qdrant"


def test_the_server_rebuilds_a_local_mode_index_on_start(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    old = old_data_dir(tmp_path)
    settings = Settings(data_dir=tmp_path)  # type: ignore[call-arg]
    with caplog.at_level(logging.INFO, logger="marketgraph"):
        services = open_services(settings, host=IndexHost(tmp_path))
    try:
        said = [r.getMessage() for r in caplog.records if "local mode" in r.getMessage()]
        assert len(said) == 1 and "rebuilt 4 texts from the graph" in said[0], said
        assert not old.exists()
        assert services.index.info().points == TEXTS
        hits = services.retriever.search("wombat boots", k=1, expand=False).items
        assert hits[0].node_id == "Asset:a0"
    finally:
        services.close()
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="marketgraph"):
        open_services(settings, host=IndexHost(tmp_path)).close()
    assert not [r for r in caplog.records if "local mode" in r.getMessage()]  # once


def _cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MARKETGRAPH_")}
    env.update(MARKETGRAPH_DATA_DIR=str(data_dir), COLUMNS="200")
    return subprocess.run(
        [str(BIN), *args], env=env, cwd=data_dir, capture_output=True, text=True, timeout=300
    )


def test_reindex_recreate_replaces_a_local_mode_index(tmp_path: Path) -> None:
    old = old_data_dir(tmp_path)
    result = _cli(tmp_path, "reindex", "--recreate")
    assert result.returncode == 0, result.stderr
    assert f"indexed {TEXTS} texts" in result.stdout
    assert not old.exists() and (tmp_path / "qdrant-edge" / "marketgraph.json").exists()
    found = _cli(tmp_path, "search", "gaiters", "--json")
    assert json.loads(found.stdout)["items"][0]["node_id"] == "Asset:a1"


def test_a_command_that_opens_the_index_first_migrates_it(tmp_path: Path) -> None:
    old = old_data_dir(tmp_path)
    found = _cli(tmp_path, "search", "rain shells", "--json")
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)["items"][0]["node_id"] == "Asset:a2"
    lines = [line for line in found.stderr.splitlines() if "local mode" in line]
    assert len(lines) == 1 and "rebuilt 4 texts" in lines[0], found.stderr
    assert not old.exists()
