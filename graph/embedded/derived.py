"""Edges an outcome keeps in its own row: OF bits and the FROM edge of its first run.

An ingest writes an OF edge from each outcome to the campaign, channel, audience and asset
its columns name, and a FROM edge to the ingest run: five edges per row, millions a
year. The outcome row holds them instead: one bit of ``of_mask`` per OF edge (an edge
with properties, or one to another node than its column names, is a row of
``outcome_edges``), and ``from_run`` / ``from_props`` for the FROM edge of the first run
that wrote it (later runs' FROM edges are rows). An edge is never kept both ways, so the
store reads the union. Everything here runs inside the write transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import graph.embedded.queries as q
from graph.embedded.jsontext import dumps, encode, loads
from graph.models import Edge, EdgeRows, Node, NodeRef
from graph.schema import Label, RelType

_OUTCOME = Label.OUTCOME
_RUN = Label.INGEST_RUN
# Which of an outcome's reference columns each OF target label is, and its bit.
OF_SLOTS: dict[Label, tuple[int, int]] = {
    label: (slot, bit) for slot, (label, (_, bit)) in enumerate(q.OF_COLUMNS.items())
}
REF_COLUMNS = tuple(column for column, _ in q.OF_COLUMNS.values())
StoredRow = tuple[str, str, str, str, str, str]  # an outcome_edges row


@dataclass(slots=True)
class _Row:
    """An outcome's derived edges as this batch leaves them (and as it found them)."""

    refs: tuple[Any, ...]  # campaign, channel, audience, asset: the row's columns
    mask: int
    run: str | None
    run_props: str | None
    existed: bool
    old_mask: int = 0
    old_run: str | None = None
    old_run_props: str | None = None

    def derived(self) -> tuple[int, str | None, str | None]:
        return self.mask, self.run, self.run_props

    def changed(self) -> bool:
        return (self.mask, self.run, self.run_props) != (
            self.old_mask,
            self.old_run,
            self.old_run_props,
        )


def derivable(rows: EdgeRows) -> bool:
    """Edges a row of ``outcomes`` can hold (which of them it does depends on the row)."""
    return rows.src_label is _OUTCOME and (
        (rows.type is RelType.OF and rows.dst_label in OF_SLOTS)
        or (rows.type is RelType.FROM and rows.dst_label is _RUN)
    )


def read_state(db: sqlite3.Connection, ids: Iterable[str]) -> dict[str, _Row]:
    """The derived edges of those of ``ids`` that are stored."""
    out: dict[str, _Row] = {}
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), 50_000):
        chunk = encode(unique[start : start + 50_000])
        for oid, cmp, chn, aud, ast, mask, run, run_props in db.execute(q.OUTCOME_STATE, (chunk,)):
            mask = int(mask)
            out[oid] = _Row((cmp, chn, aud, ast), mask, run, run_props, True, mask, run, run_props)
    return out


class DerivedEdges:
    """What one batch does to the outcome rows it writes and the edges they hold."""

    def __init__(self, db: sqlite3.Connection, nodes: Sequence[Node], rows: Sequence[EdgeRows]):
        ids = [n.id for n in nodes]
        for r in rows:
            if derivable(r):
                ids.extend(r.src_ids)
        self.state = read_state(db, ids)
        self.stored: list[StoredRow] = []  # edges that become rows of outcome_edges
        self.unstored: list[tuple[str, str, str, str]] = []  # rows a derived edge replaces
        self.written: dict[str, None] = {}  # outcome rows the batch writes whole
        for node in nodes:
            self._rewrite(node)
        for r in rows:
            if r.type is RelType.FROM:
                self._from(r)
            else:
                self._of(r)

    def _rewrite(self, node: Node) -> None:
        """A rewritten row keeps its FROM; an OF bit whose column changes becomes a row."""
        p = node.properties
        refs = (p.get("campaign_id"), p.get("channel_id"), p.get("audience_id"), p.get("asset_id"))
        self.written[node.id] = None
        row = self.state.get(node.id)
        if row is None:
            self.state[node.id] = _Row(refs, 0, None, None, False)
            return
        if row.mask:
            for label, (slot, bit) in OF_SLOTS.items():
                old = row.refs[slot]
                if row.mask & bit and old is not None and old != refs[slot]:
                    self.stored.append((_OUTCOME.value, node.id, "OF", label.value, old, "{}"))
                    row.mask &= ~bit
        row.refs = refs

    def _of(self, rows: EdgeRows) -> None:
        slot, bit = OF_SLOTS[rows.dst_label]
        label, state = rows.dst_label.value, self.state
        props = rows.properties
        for i, (oid, dst) in enumerate(zip(rows.src_ids, rows.dst_ids, strict=True)):
            row = state[oid]
            p = props[i] if props is not None else None
            if row.refs[slot] == dst:
                if not p:  # the plain edge its own column names: one bit
                    if row.existed and not row.old_mask & bit:
                        self.unstored.append((oid, "OF", label, dst))
                    row.mask |= bit
                    continue
                row.mask &= ~bit
            self.stored.append((_OUTCOME.value, oid, "OF", label, dst, dumps(p or {})))

    def _from(self, rows: EdgeRows) -> None:
        state, props = self.state, rows.properties
        for i, (oid, run) in enumerate(zip(rows.src_ids, rows.dst_ids, strict=True)):
            row = state[oid]
            text = dumps(props[i]) if props is not None else "{}"
            if row.run is None or row.run == run:
                if row.existed and row.old_run is None:
                    self.unstored.append((oid, "FROM", _RUN.value, run))
                row.run, row.run_props = run, text
            else:
                self.stored.append((_OUTCOME.value, oid, "FROM", _RUN.value, run, text))

    def write(self, db: sqlite3.Connection, outcome_rows: list[tuple[Any, ...]]) -> None:
        """Write the batch's outcome rows (``outcome_rows``: their columns up to ``props``,
        in the order of the nodes given) with their derived edges, and the rest."""
        state = self.state
        full = [
            (*r, state[r[0]].mask, state[r[0]].run, state[r[0]].run_props) for r in outcome_rows
        ]
        if full:
            db.executemany(q.UPSERT_OUTCOME, full)
        touched = [  # rows the batch does not rewrite, whose derived edges it changes
            (row.mask, row.run, row.run_props, oid)
            for oid, row in state.items()
            if oid not in self.written and row.existed and row.changed()
        ]
        if touched:
            db.executemany(q.SET_DERIVED, touched)
        if self.stored:
            db.executemany(q.UPSERT_OUTCOME_EDGE, self.stored)
        if self.unstored:  # a derived edge that was a row before (rare): drop the row
            db.executemany(q.DELETE_STORED_OUTCOME_EDGE, self.unstored)


# -- reads ----------------------------------------------------------------------------------
Found = tuple[tuple[str, str, str], Edge]  # (sort key, edge)


def edges_of_outcome(db: sqlite3.Connection, ref: NodeRef, of: bool, frm: bool) -> list[Found]:
    """The derived OF (``of``) and FROM (``frm``) edges out of one outcome."""
    row = db.execute(q.OUTCOME_DERIVED, (ref.id,)).fetchone()
    if row is None:
        return []
    *refs, mask, run, run_props = row
    found: list[Found] = []
    if of:
        for label, (slot, bit) in OF_SLOTS.items():
            value = refs[slot]
            if mask & bit and value is not None:
                edge = Edge(src=ref, type=RelType.OF, dst=NodeRef(label=label, id=value))
                found.append(((RelType.OF.value, label.value, value), edge))
    if frm and run is not None:
        props = loads(run_props) if run_props else {}
        edge = Edge(src=ref, type=RelType.FROM, dst=NodeRef(label=_RUN, id=run), properties=props)
        found.append(((RelType.FROM.value, _RUN.value, run), edge))
    return found


def edges_into(db: sqlite3.Connection, ref: NodeRef, limit: int) -> list[Found]:
    """Derived edges into ``ref``: OF from outcomes naming it, FROM from outcomes of a run."""
    src = _OUTCOME.value
    if ref.label in OF_SLOTS:
        of = RelType.OF
        rows = db.execute(q.outcomes_of(ref.label), (ref.id, limit)).fetchall()
        return [
            ((of.value, src, oid), Edge(src=NodeRef(label=_OUTCOME, id=oid), type=of, dst=ref))
            for (oid,) in rows
        ]
    if ref.label is _RUN:
        frm = RelType.FROM
        found: list[Found] = []
        for oid, run_props in db.execute(q.OUTCOMES_FROM_RUN, (ref.id, limit)):
            props = loads(run_props) if run_props else {}
            edge = Edge(src=NodeRef(label=_OUTCOME, id=oid), type=frm, dst=ref, properties=props)
            found.append(((frm.value, src, oid), edge))
        return found
    return []


def upgrade(db: sqlite3.Connection) -> None:
    """Give an outcomes table written before FROM edges were derived its new columns."""
    present = {row[0] for row in db.execute(q.OUTCOME_COLUMN_NAMES)}
    for column, statement in q.ADDED_OUTCOME_COLUMNS:
        if column not in present:
            db.execute(statement)
    for statement in q.ADDED_OUTCOME_INDEXES:
        db.execute(statement)
