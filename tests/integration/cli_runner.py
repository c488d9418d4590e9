"""Run ``marketgraph`` in-process (typer's CliRunner) against the store of a test, on either
backend: the command opens the same SQLite file, or the same Neo4j server, by settings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from api.cli import app
from api.settings import get_settings
from graph.base import GraphStore
from graph.embedded import EmbeddedGraphStore

Invoke = Callable[..., Result]


def cli_for(store: GraphStore, tmp_path: Path, request: pytest.FixtureRequest) -> Invoke:
    """A function running one command against ``store`` (its data dir: ``tmp_path``)."""
    env: dict[str, str | None] = {"MARKETGRAPH_DATA_DIR": str(tmp_path), "COLUMNS": "80"}
    if isinstance(store, EmbeddedGraphStore):
        env["MARKETGRAPH_NEO4J_URI"] = None  # the session's server is for the Neo4j half
    else:
        connection = request.getfixturevalue("neo4j_connection")
        env["MARKETGRAPH_NEO4J_URI"] = connection.uri
        for key, value in (
            ("USER", connection.user),
            ("PASSWORD", connection.password),
            ("DATABASE", connection.database),
        ):
            if value:
                env[f"MARKETGRAPH_NEO4J_{key}"] = value
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        get_settings.cache_clear()
        try:
            return runner.invoke(app, list(args), env=env, catch_exceptions=False)
        finally:
            get_settings.cache_clear()

    return invoke


def assert_usage_error(result: Result, *needles: str, code: int = 2) -> str:
    """One line on stderr naming what was wrong, and the exit status (2: usage)."""
    assert result.exit_code == code, result.stdout + result.stderr
    message = result.stderr.strip()
    assert message.startswith("error:") and "\n" not in message, message
    for needle in needles:
        assert needle in message, message
    return message
