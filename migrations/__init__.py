"""Ordered, checksummed schema migrations (``NNNN_name.toml`` files in this folder).

Each file declares uniqueness constraints and indexes per label; both backends apply them
the same way. An applied migration is recorded in the graph as a ``Migration`` node with
the file's sha256, and a file changed after that is refused.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from pathlib import Path

from graph.base import GraphStore, Migration
from graph.errors import InvalidVocabularyError, MigrationChecksumError, MigrationError
from graph.schema import Label, validate_label, validate_property_name

MIGRATIONS_DIR = Path(__file__).parent
_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.toml$")


def load_migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """Read and check every migration file, in order of its number."""
    files = sorted(p for p in directory.iterdir() if p.suffix == ".toml")
    migrations: list[Migration] = []
    seen: set[str] = set()
    for path in files:
        match = _NAME.match(path.name)
        if not match:
            raise MigrationError(f"{path.name}: migration files are named NNNN_name.toml")
        if match.group(1) in seen:
            raise MigrationError(f"{path.name}: two migrations share the number {match.group(1)}")
        seen.add(match.group(1))
        migrations.append(_parse(path))
    return migrations


def _parse(path: Path) -> Migration:
    raw = path.read_bytes()
    try:
        spec = tomllib.loads(raw.decode())
        unique = [_unique_entry(entry) for entry in spec.get("unique", [])]
        indexes = [_index_entry(entry) for entry in spec.get("indexes", [])]
        description = str(spec.get("description", ""))
    except (tomllib.TOMLDecodeError, InvalidVocabularyError, ValueError, TypeError) as e:
        raise MigrationError(f"{path.name}: {e}") from e
    checksum = hashlib.sha256(raw).hexdigest()
    return Migration(path.stem, checksum, description, unique, indexes)


def _unique_entry(entry: object) -> tuple[Label, str]:
    if not (isinstance(entry, list) and len(entry) == 2 and all(isinstance(x, str) for x in entry)):
        raise ValueError(f"a unique entry is [label, property], got {entry!r}")
    return validate_label(entry[0]), validate_property_name(entry[1])


def _index_entry(entry: object) -> tuple[Label, tuple[str, ...]]:
    if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[1], list)):
        raise ValueError(f"an index entry is [label, [property, ...]], got {entry!r}")
    label, props = entry
    if not props or not all(isinstance(p, str) for p in props):
        raise ValueError(f"an index needs a non-empty list of property names, got {props!r}")
    return validate_label(str(label)), tuple(validate_property_name(p) for p in props)


def pending_migrations(
    store: GraphStore, migrations: list[Migration] | None = None
) -> list[Migration]:
    """Migrations not yet applied; raises if an applied one has changed since."""
    migrations = load_migrations() if migrations is None else migrations
    applied = store.applied_migrations()
    pending = []
    for migration in migrations:
        recorded = applied.get(migration.id)
        if recorded is None:
            pending.append(migration)
        elif recorded != migration.checksum:
            raise MigrationChecksumError(migration.id, recorded, migration.checksum)
    return pending


def apply_pending(store: GraphStore, migrations: list[Migration] | None = None) -> list[str]:
    """Apply the pending migrations in order; returns the ids applied (empty if none)."""
    done = []
    for migration in pending_migrations(store, migrations):
        store.apply_migration(migration)
        done.append(migration.id)
    return done


__all__ = ["MIGRATIONS_DIR", "apply_pending", "load_migrations", "pending_migrations"]
