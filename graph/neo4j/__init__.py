"""The Neo4j backend: the graph contract over Bolt with the official driver."""

from graph.neo4j.store import Neo4jGraphStore

__all__ = ["Neo4jGraphStore"]
