"""API keys and roles: who may call what, and over which brands.

Keys come from ``MARKETGRAPH_API_KEYS`` or from the key file in the data dir, where only
their sha256 is kept. With neither, an admin key is generated on first start and shown
once. A key may be limited to some brands; then nothing of another brand is returned to
it (see :mod:`api.scope`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from api.settings import ROLES, ConfiguredKey, Role

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


ENV_KEY_PREFIX = "env-key-"  # keys from MARKETGRAPH_API_KEYS are named env-key-1, env-key-2…


class ApiKeyError(ValueError):
    """A key cannot be created or revoked as asked (unknown role, name, ambiguous id)."""


@dataclass(frozen=True)
class Principal:
    """The caller behind a key: a name, a role and, for a limited key, its brands."""

    name: str
    role: Role
    brands: frozenset[str] | None = None  # None: every brand
    key_id: str | None = None

    def may(self, capability: Capability) -> bool:
        return capability in GRANTS[self.role]

    def sees_brand(self, brand_id: str) -> bool:
        return self.brands is None or brand_id in self.brands


@dataclass(frozen=True)
class KeyInfo:
    """A stored key as ``marketgraph keys list`` shows it (never the key itself)."""

    id: str
    name: str
    role: Role
    brands: tuple[str, ...] | None
    created_at: str | None
    revoked_at: str | None
    source: str  # "file" or "environment"


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _key_id(digest: str) -> str:
    """A stable, public handle of a key: a prefix of its hash (safe to show and log)."""
    return f"key_{digest[:12]}"


def _brands(value: Any) -> frozenset[str] | None:
    if value is None:
        return None
    return frozenset(str(b) for b in value)


class KeyRing:
    """Resolves presented keys to principals (the key file is re-read when it changes)."""

    def __init__(self, configured: Mapping[str, ConfiguredKey], key_file: Path) -> None:
        self._configured: dict[str, Principal] = {}
        for i, (key, spec) in enumerate(configured.items(), 1):
            digest = _digest(key)
            self._configured[digest] = Principal(
                name=f"{ENV_KEY_PREFIX}{i}",
                role=spec.role,
                brands=frozenset(spec.brands) if spec.brands else None,
                key_id=_key_id(digest),
            )
        self._file = key_file
        self._stored: dict[str, Principal] = {}
        self._stamp: tuple[float, int] | None = None

    def _reload(self) -> None:
        try:
            stat = self._file.stat()
        except FileNotFoundError:
            self._stored, self._stamp = {}, None
            return
        stamp = (stat.st_mtime, stat.st_size)
        if stamp == self._stamp:
            return
        self._stored = {
            e["sha256"]: Principal(
                name=e["name"],
                role=e["role"],
                brands=_brands(e.get("brands")),
                key_id=e.get("id") or _key_id(e["sha256"]),
            )
            for e in _read_entries(self._file)
            if not _revoked(e)
        }
        self._stamp = stamp

    def authenticate(self, key: str) -> Principal | None:
        digest = _digest(key)
        self._reload()
        for table in (self._configured, self._stored):
            for known, principal in table.items():
                if hmac.compare_digest(known, digest):
                    return principal
        return None

    def is_empty(self) -> bool:
        self._reload()
        return not self._configured and not self._stored

    def list(self) -> list[KeyInfo]:
        """Every key, revoked ones included, those from the environment first."""
        infos = [
            KeyInfo(
                id=p.key_id or "",
                name=p.name,
                role=p.role,
                brands=tuple(sorted(p.brands)) if p.brands is not None else None,
                created_at=None,
                revoked_at=None,
                source="environment",
            )
            for p in self._configured.values()
        ]
        for e in _read_entries(self._file):
            brands = e.get("brands")
            infos.append(
                KeyInfo(
                    id=e.get("id") or _key_id(e["sha256"]),
                    name=e["name"],
                    role=e["role"],
                    brands=tuple(sorted(brands)) if brands is not None else None,
                    created_at=e.get("created_at"),
                    revoked_at=e.get("revoked_at")
                    or (e.get("created_at") if e.get("revoked") else None),
                    source="file",
                )
            )
        return infos


def _revoked(entry: dict[str, Any]) -> bool:
    return bool(entry.get("revoked_at") or entry.get("revoked"))


def _read_entries(key_file: Path) -> list[dict[str, Any]]:
    if not key_file.exists():
        return []
    entries: list[dict[str, Any]] = json.loads(key_file.read_text(encoding="utf-8"))
    return entries


def _write_entries(key_file: Path, entries: list[dict[str, Any]]) -> None:
    """Replace the key file atomically; it is readable by its owner alone from the start."""
    key_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = key_file.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(json.dumps(entries, indent=2))
    tmp.replace(key_file)


def create_key(key_file: Path, role: Role, name: str, brands: Iterable[str] | None = None) -> str:
    """Create a key, store its hash in ``key_file`` and return the key (shown once).

    ``brands`` limits the key to those brands (None: every brand). The name is who the
    key is (an approval records it with the key's id), so no two live keys share one.
    """
    if role not in ROLES:
        raise ApiKeyError(f"unknown role {role!r}; roles are {', '.join(ROLES)}")
    if not name.strip():
        raise ApiKeyError("a key needs a name saying who or what it is for")
    if name.strip().startswith(ENV_KEY_PREFIX):
        raise ApiKeyError(f"names starting {ENV_KEY_PREFIX!r} are the environment keys'")
    limited = sorted({b.strip() for b in brands if b.strip()}) if brands is not None else None
    if limited is not None and not limited:
        raise ApiKeyError("--brand was given without a brand id")
    key = "mg_" + secrets.token_urlsafe(32)
    digest = _digest(key)
    entries = _read_entries(key_file)
    taken = [e for e in entries if e["name"] == name.strip() and not _revoked(e)]
    if taken:
        held = taken[0].get("id") or _key_id(taken[0]["sha256"])
        raise ApiKeyError(
            f"a live key is already named {name.strip()!r} ({held}); names say who approves, "
            "so choose another, or revoke that key first"
        )
    entry: dict[str, Any] = {
        "id": _key_id(digest),
        "name": name.strip(),
        "role": role,
        "sha256": digest,
        "created_at": datetime.now(UTC).isoformat(),
    }
    if limited is not None:
        entry["brands"] = limited
    entries.append(entry)
    _write_entries(key_file, entries)
    return key


def revoke_key(key_file: Path, name_or_id: str) -> list[str]:
    """Revoke the key with this id, or the only live key with this name; returns the ids.

    Revoked keys stay in the file (with ``revoked_at``) so the record of who had access
    remains; they no longer authenticate.
    """
    entries = _read_entries(key_file)
    live = [e for e in entries if not _revoked(e)]
    by_id = [e for e in live if (e.get("id") or _key_id(e["sha256"])) == name_or_id]
    chosen = by_id or [e for e in live if e["name"] == name_or_id]
    if not chosen:
        raise ApiKeyError(
            f"no live key has the id or name {name_or_id!r} (keys from "
            "MARKETGRAPH_API_KEYS are revoked by removing them there)"
        )
    if len(chosen) > 1:
        ids = ", ".join(e.get("id") or _key_id(e["sha256"]) for e in chosen)
        raise ApiKeyError(
            f"{len(chosen)} live keys are named {name_or_id!r}: revoke one by id ({ids})"
        )
    now = datetime.now(UTC).isoformat()
    for e in chosen:
        e["id"] = e.get("id") or _key_id(e["sha256"])
        e["revoked_at"] = now
    _write_entries(key_file, entries)
    return [str(e["id"]) for e in chosen]
