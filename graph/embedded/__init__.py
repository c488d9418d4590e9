"""The embedded backend: SQLite for durability, networkx for traversal."""

from graph.embedded.store import EmbeddedGraphStore

__all__ = ["EmbeddedGraphStore"]
