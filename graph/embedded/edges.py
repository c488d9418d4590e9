"""Incident edges of the embedded backend: rows of SQLite, the networkx mirror and the
edges an outcome row keeps itself (OF bits, its first FROM), merged in the order the
contract gives."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

import networkx as nx

import graph.embedded.derived as derived
import graph.embedded.queries as q
from graph.base import Directions
from graph.embedded.jsontext import loads
from graph.models import Edge, NodeRef
from graph.schema import Label, RelType

_OUTCOME = Label.OUTCOME
Key = tuple[str, str]  # (label, id): a node of the networkx graph
_Found = tuple[tuple[str, str, str], Edge]  # (sort key, edge)


class Wanted:
    """Which relationship types to follow out of and into a node (all, when not given)."""

    def __init__(self, directions: Directions | None) -> None:
        every = [r.value for r in RelType]
        if directions is None:
            self._out, self._in = set(every), set(every)
        else:
            self._out = {r.value for r, d in directions.items() if d == "out"}
            self._in = {r.value for r, d in directions.items() if d == "in"}
        self.out_json = json.dumps(sorted(self._out))
        self.in_json = json.dumps(sorted(self._in))

    def out_ok(self, rel: str) -> bool:
        return rel in self._out

    def in_ok(self, rel: str) -> bool:
        return rel in self._in


def _derived(db: sqlite3.Connection, ref: NodeRef, limit: int, wanted: Wanted) -> list[_Found]:
    """Edges an outcome row holds rather than a row of ``outcome_edges`` (see
    :mod:`graph.embedded.derived`): OF bits and the FROM edge of its first run."""
    of, frm = RelType.OF, RelType.FROM
    if ref.label is _OUTCOME:
        return derived.edges_of_outcome(db, ref, wanted.out_ok(of), wanted.out_ok(frm))
    if wanted.in_ok(frm if ref.label is Label.INGEST_RUN else of):
        return derived.edges_into(db, ref, limit)
    return []


def incident(
    db: sqlite3.Connection, graph: nx.MultiDiGraph[Key], ref: NodeRef, limit: int, wanted: Wanted
) -> list[Edge]:
    """Edges of ``ref`` that ``wanted`` asks for, at most ``limit``, ordered as the contract
    says (type, the other end's label and id)."""
    key = (ref.label.value, ref.id)
    found = _derived(db, ref, limit, wanted)
    label = ref.label.value
    for row in db.execute(q.OUTCOME_EDGES_FROM, (label, ref.id, wanted.out_json, limit)):
        found.append(((row[2], row[3], row[4]), _edge(row)))
    for row in db.execute(q.OUTCOME_EDGES_TO, (label, ref.id, wanted.in_json, limit)):
        found.append(((row[2], row[0], row[1]), _edge(row)))
    if key in graph:
        for _, dst, rel, data in graph.out_edges(key, keys=True, data=True):
            if wanted.out_ok(rel):
                found.append(((rel, *dst), _edge((*key, rel, *dst, data["props"]))))
        for src, _, rel, data in graph.in_edges(key, keys=True, data=True):
            if wanted.in_ok(rel) and src != key:  # a self-loop was listed as outgoing
                found.append(((rel, *src), _edge((*src, rel, *key, data["props"]))))
    found.sort(key=lambda item: item[0])
    return [edge for _, edge in found[:limit]]


def _edge(row: tuple[Any, ...]) -> Edge:
    sl, si, rel, dl, di, props = row
    return Edge(
        src=NodeRef(label=Label(sl), id=si),
        type=RelType(rel),
        dst=NodeRef(label=Label(dl), id=di),
        properties=loads(props) if isinstance(props, str) else dict(props),
    )
