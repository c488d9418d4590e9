"""Files readable by their owner alone, and no secret in the log."""

from __future__ import annotations

import json
import logging
import os
import stat
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.auth import create_key
from api.settings import Settings
from graph.embedded import EmbeddedGraphStore
from tests.integration.hostile_world import NDJSON, OTHER, load_world
from tests.integration.http_server import serve


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_graph_keys_and_rejects_files_are_the_owners_alone(
    embedded_store: EmbeddedGraphStore, tmp_path: Path
) -> None:
    load_world(embedded_store)
    wide = tmp_path / "old.sqlite"
    wide.touch(mode=0o644)
    os.chmod(wide, 0o644)
    EmbeddedGraphStore(wide).close()  # an existing, wider file is tightened
    assert _mode(wide) == 0o600
    create_key(tmp_path / "api-keys.json", "viewer", "dashboard")
    keys = {"admin-key-files-0001": "admin", "analyst-files-key-01": "analyst@brand-own"}
    with serve(embedded_store, tmp_path, keys, run_worker=False) as client:
        body = "\n".join(
            json.dumps(r)
            for r in (
                {"id": "cmp-ok", "brand_id": "brand-own", "name": "Ok"},
                {"id": "cmp-no", "brand_id": OTHER, "name": "Not mine"},
            )
        )
        r = client.post(
            "/v1/ingest/campaigns",
            content=body,
            params={"skip_bad": "true"},
            headers={"Authorization": "Bearer analyst-files-key-01", **NDJSON},
        )
        assert r.status_code == 200 and r.json()["rejected_count"] == 1, r.text
    rejects = list((tmp_path / "rejects").glob("*.rejects.jsonl"))
    assert len(rejects) == 1 and _mode(rejects[0]) == 0o600
    assert _mode(tmp_path / "rejects") == 0o700
    assert _mode(tmp_path / "api-keys.json") == 0o600
    db = embedded_store.path
    for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        assert _mode(path) == 0o600, path


def test_the_generated_admin_key_is_never_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(data_dir=tmp_path, run_worker=False)  # type: ignore[call-arg]
    with caplog.at_level(logging.INFO), TestClient(create_app(settings)) as client:
        assert client.get("/healthz").status_code == 200
    logged = "\n".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert "generated an admin key" in logged
    assert "mg_" not in logged  # generated keys start mg_
    shown = tmp_path / "generated-admin-key.txt"
    if shown.exists():  # no terminal here: the key is in a file of the owner's alone
        key = shown.read_text().strip()
        assert key.startswith("mg_") and key not in logged and _mode(shown) == 0o600
        assert str(shown) in logged
    else:
        assert "the terminal" in logged
