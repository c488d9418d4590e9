"""The ``marketgraph`` command as a real process on a data dir, for tests that run it beside
a server (the API key is an admin key the server is started with)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent / "marketgraph"
ADMIN = "beside-admin-key-1"
WARNINGS = ("index unavailable", "already accessed", "held by another", "queued for a retry")


def env_for(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MARKETGRAPH_")}
    env.update(
        MARKETGRAPH_DATA_DIR=str(data_dir),
        MARKETGRAPH_API_KEYS=f"{ADMIN}:admin",
        MARKETGRAPH_LOG_FORMAT="text",
        COLUMNS="200",
    )
    return env


def cli(data_dir: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN), *args],
        env=env_for(data_dir),
        cwd=data_dir,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def no_index_warnings(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 0, result.stdout + result.stderr
    said = (result.stdout + result.stderr).lower()
    assert not [w for w in WARNINGS if w in said], result.stderr
