"""`marketgraph keys`: keys limited to brands, listed without their secret, revoked at once;
and a revoked key no longer opens the API of a running service."""

from __future__ import annotations

import json
from pathlib import Path

from api.auth import KeyRing
from tests.integration.test_cli import assert_one_line_error, run


def test_keys_are_created_limited_listed_and_revoked(tmp_path: Path) -> None:
    made = run(
        tmp_path, "keys", "create", "--role", "analyst", "--name", "agency",
        "--brand", "brand-trailhead", "--brand", "brand-emberoak",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    key = made.stdout.strip()
    ring = KeyRing({}, tmp_path / "api-keys.json")
    principal = ring.authenticate(key)
    assert principal is not None and principal.role == "analyst"
    assert principal.brands == frozenset({"brand-trailhead", "brand-emberoak"})
    other = run(tmp_path, "keys", "create", "--role", "viewer", "--name", "dashboard")
    assert other.returncode == 0

    listed = run(tmp_path, "keys", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert [(r["name"], r["role"], r["brands"]) for r in rows] == [
        ("agency", "analyst", ["brand-emberoak", "brand-trailhead"]),
        ("dashboard", "viewer", None),
    ]
    assert key not in listed.stdout and all(r["revoked_at"] is None for r in rows)
    assert key not in (tmp_path / "api-keys.json").read_text()  # only its hash is kept

    revoked = run(tmp_path, "keys", "revoke", "agency")
    assert revoked.returncode == 0, revoked.stderr
    assert rows[0]["id"] in revoked.stdout
    assert ring.authenticate(key) is None  # the running ring sees the file change
    rows = json.loads(run(tmp_path, "keys", "list", "--json").stdout)
    assert rows[0]["revoked_at"] is not None and rows[1]["revoked_at"] is None
    assert_one_line_error(run(tmp_path, "keys", "revoke", "agency"), 1, "no live key")
    plain = run(tmp_path, "keys", "list")
    assert "all brands" in plain.stdout and "revoked" in plain.stdout


def test_bad_key_requests_are_one_line(tmp_path: Path) -> None:
    assert_one_line_error(
        run(tmp_path, "keys", "create", "--role", "boss", "--name", "x"), 2, "unknown role"
    )
    # a name is who approves: no two live keys share one (a revoked key's name is free)
    assert run(tmp_path, "keys", "create", "--role", "viewer", "--name", "twin").returncode == 0
    twin = run(tmp_path, "keys", "create", "--role", "approver", "--name", "twin")
    assert_one_line_error(twin, 2, "a live key is already named 'twin'")
    assert len(json.loads(run(tmp_path, "keys", "list", "--json").stdout)) == 1
    assert_one_line_error(
        run(tmp_path, "keys", "create", "--role", "admin", "--name", "env-key-1"), 2, "env-key-"
    )
    assert run(tmp_path, "keys", "revoke", "twin").returncode == 0
    assert run(tmp_path, "keys", "create", "--role", "viewer", "--name", "twin").returncode == 0
    assert (tmp_path / "api-keys.json").stat().st_mode & 0o777 == 0o600
