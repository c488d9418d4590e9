"""API keys and roles: who may call what.

Keys come from ``MARKETGRAPH_API_KEYS`` or from the key file in the data dir, where only
their sha256 is kept. With neither, an admin key is generated on first start and shown
once.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from api.settings import ROLES, Role

# What each role may do; an endpoint names the capability it needs.
Capability = str
GRANTS: dict[Role, frozenset[Capability]] = {
    "viewer": frozenset({"read"}),
    "analyst": frozenset({"read", "ingest", "research"}),
    "planner": frozenset({"read", "ingest", "research", "plan"}),
    "approver": frozenset({"read", "approve"}),
    "admin": frozenset({"read", "ingest", "research", "plan", "approve", "admin"}),
}
# The role API.md names for each capability (used in 403 messages).
MINIMUM_ROLE: dict[Capability, Role] = {
    "read": "viewer",
    "ingest": "analyst",
    "research": "analyst",
    "plan": "planner",
    "approve": "approver",
    "admin": "admin",
}


@dataclass(frozen=True)
class Principal:
    """The caller behind a key."""

    name: str
    role: Role

    def may(self, capability: Capability) -> bool:
        return capability in GRANTS[self.role]


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class KeyRing:
    """Resolves presented keys to principals."""

    def __init__(self, configured: dict[str, Role], key_file: Path) -> None:
        self._configured = {
            _digest(k): (f"env-key-{i}", r) for i, (k, r) in enumerate(configured.items(), 1)
        }
        self._file = key_file
        self._stored: dict[str, tuple[str, Role]] = {}
        self._stamp: float | None = None

    def _reload(self) -> None:
        try:
            stamp = self._file.stat().st_mtime
        except FileNotFoundError:
            self._stored, self._stamp = {}, None
            return
        if stamp == self._stamp:
            return
        entries = json.loads(self._file.read_text(encoding="utf-8"))
        self._stored = {
            e["sha256"]: (e["name"], e["role"]) for e in entries if not e.get("revoked")
        }
        self._stamp = stamp

    def authenticate(self, key: str) -> Principal | None:
        digest = _digest(key)
        self._reload()
        for table in (self._configured, self._stored):
            for known, (name, role) in table.items():
                if hmac.compare_digest(known, digest):
                    return Principal(name=name, role=role)
        return None

    def is_empty(self) -> bool:
        self._reload()
        return not self._configured and not self._stored


def create_key(key_file: Path, role: Role, name: str) -> str:
    """Create a key, store its hash in ``key_file`` and return the key (shown once)."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; roles are {', '.join(ROLES)}")
    key = "mg_" + secrets.token_urlsafe(32)
    entries = json.loads(key_file.read_text(encoding="utf-8")) if key_file.exists() else []
    entries.append(
        {
            "name": name,
            "role": role,
            "sha256": _digest(key),
            "created_at": datetime.now(UTC).isoformat(),
        }
    )
    key_file.parent.mkdir(parents=True, exist_ok=True)
    tmp = key_file.with_suffix(".tmp")
    tmp.write_text(json.dumps(entries, indent=2), encoding="utf-8")
    os.chmod(tmp, 0o600)
    tmp.replace(key_file)
    return key
