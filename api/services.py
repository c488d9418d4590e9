"""The composition root: settings in, stores and agents out. Nothing below api/ reads env."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from api.auth import KeyRing, create_key
from api.settings import Settings
from graph.base import GraphStore
from migrations import apply_pending

log = logging.getLogger("marketgraph")


@dataclass
class Services:
    """Long-lived clients, created once per process."""

    settings: Settings
    graph: GraphStore
    keys: KeyRing

    def close(self) -> None:
        self.graph.close()


def open_graph(settings: Settings) -> GraphStore:
    """The configured graph backend: Neo4j when a URI is set, else the embedded store."""
    if settings.neo4j_uri:
        from graph.neo4j import Neo4jGraphStore

        password = settings.neo4j_password.get_secret_value() if settings.neo4j_password else None
        return Neo4jGraphStore(
            settings.neo4j_uri,
            user=settings.neo4j_user,
            password=password,
            database=settings.neo4j_database,
        )
    from graph.embedded import EmbeddedGraphStore

    return EmbeddedGraphStore(settings.graph_path)


def open_services(settings: Settings, *, migrate: bool = True) -> Services:
    """Open the stores, apply pending migrations and load the key ring."""
    graph = open_graph(settings)
    try:
        if migrate:
            applied = apply_pending(graph)
            if applied:
                log.info("applied migrations: %s", ", ".join(applied))
    except BaseException:
        graph.close()
        raise
    keys = KeyRing(settings.configured_keys(), settings.keys_path)
    return Services(settings=settings, graph=graph, keys=keys)


def ensure_admin_key(services: Services) -> str | None:
    """With no key configured anywhere, create an admin key and return it (shown once)."""
    if not services.keys.is_empty():
        return None
    return create_key(services.settings.keys_path, "admin", "generated-admin")
