"""Keeps the text index in step with the graph.

The graph is the system of record: a text is indexed after its node is committed. When
Qdrant refuses or cannot be reached, the work is written to the graph as ``IndexJob``
nodes (one per node, carrying the attempts and the last error) and retried later, so a
failed index write never loses or blocks the graph write, and the backlog is visible.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from graph.base import GraphStore
from graph.models import GraphBatch, Node, NodeRef
from graph.schema import Label, RelType
from retrieval.base import TextIndex
from retrieval.documents import INDEXED_LABELS, texts_of
from retrieval.errors import IndexUnavailableError

log = logging.getLogger("marketgraph.retrieval")
Progress = Callable[[str, int, int], None]
PAGE = 500


@dataclass(frozen=True, slots=True)
class IndexReport:
    """What an indexing call did: texts written, and nodes left waiting for a retry."""

    indexed: int
    pending: int


def asset_context(graph: GraphStore, assets: Sequence[NodeRef]) -> dict[NodeRef, str]:
    """For each asset, a line naming the campaigns that used it and their audiences."""
    if not assets:
        return {}
    used_by: dict[NodeRef, list[NodeRef]] = {}
    for edge in graph.incident_edges(assets, 50, directions={RelType.USES: "in"}):
        used_by.setdefault(edge.dst, []).append(edge.src)
    campaigns = sorted({c for refs in used_by.values() for c in refs}, key=str)
    targets: dict[NodeRef, list[NodeRef]] = {}
    for edge in graph.incident_edges(campaigns, 50, directions={RelType.TARGETS: "out"}):
        targets.setdefault(edge.src, []).append(edge.dst)
    audiences = sorted({a for refs in targets.values() for a in refs}, key=str)
    names = {
        n.ref: str(n.properties.get("name", n.id)) for n in graph.get_nodes(campaigns + audiences)
    }
    out: dict[NodeRef, str] = {}
    for asset, users in used_by.items():
        used = [names[c] for c in users if c in names]
        reached = sorted({names[a] for c in users for a in targets.get(c, []) if a in names})
        parts = [f"Used in: {'; '.join(used)}."] if used else []
        if reached:
            parts.append(f"Audiences: {'; '.join(reached)}.")
        if parts:
            out[asset] = " ".join(parts)
    return out


def _job_id(ref: NodeRef) -> str:
    return f"{ref.label.value}:{ref.id}"


class Indexer:
    """Writes the texts of graph nodes to the index, queueing what fails."""

    def __init__(self, graph: GraphStore, index: TextIndex) -> None:
        self.graph = graph
        self.index = index
        self._warned = False  # after a queued failure, the next ones are info until one works

    def index_nodes(self, nodes: Sequence[Node]) -> IndexReport:
        """Index (or re-index) these nodes' texts; on failure, queue them.

        An asset's text carries what the graph says about its use (the campaigns that used
        it and the audiences they targeted), so a changed campaign re-indexes its assets.
        """
        wanted = [n for n in nodes if n.label in INDEXED_LABELS]
        if not wanted:
            return IndexReport(0, 0)
        wanted += self._assets_of_campaigns(wanted)
        context = asset_context(self.graph, [n.ref for n in wanted if n.label is Label.ASSET])
        texts = [
            replace(t, text=f"{t.text}\n{context[t.ref]}") if t.ref in context else t
            for n in wanted
            for t in texts_of(n)
        ]
        refs = [n.ref for n in wanted]
        try:
            self.index.upsert(texts)
        except IndexUnavailableError as e:
            self._queue(refs, "upsert", str(e))
            return IndexReport(0, len(refs))
        self._clear(refs)
        return IndexReport(len(texts), 0)

    def _assets_of_campaigns(self, nodes: Sequence[Node]) -> list[Node]:
        campaigns = [n.ref for n in nodes if n.label is Label.CAMPAIGN]
        if not campaigns:
            return []
        uses = self.graph.incident_edges(campaigns, 1000, directions={RelType.USES: "out"})
        present = {n.ref for n in nodes}
        assets = list(dict.fromkeys(e.dst for e in uses if e.dst not in present))
        return self.graph.get_nodes(assets)

    def remove_nodes(self, refs: Sequence[NodeRef]) -> IndexReport:
        """Remove these nodes' points; on failure, queue the removal."""
        try:
            self.index.delete(refs)
        except IndexUnavailableError as e:
            self._queue(refs, "delete", str(e))
            return IndexReport(0, len(refs))
        self._clear(refs)
        return IndexReport(0, 0)

    def pending(self) -> int:
        """Nodes whose index work failed and waits for a retry."""
        return self.graph.count(Label.INDEX_JOB)

    def retry_pending(self, limit: int = 5000) -> IndexReport:
        """Retry queued work (oldest first by id); returns what is still pending after."""
        jobs = self.graph.list_nodes(Label.INDEX_JOB, limit=limit)
        if not jobs:
            return IndexReport(0, 0)
        upserts: list[NodeRef] = []
        deletes: list[NodeRef] = []
        for job in jobs:
            ref = NodeRef.parse(str(job.properties["node_id"]))
            (deletes if job.properties.get("op") == "delete" else upserts).append(ref)
        indexed = 0
        if deletes:
            self.remove_nodes(deletes)
        if upserts:
            existing = self.graph.get_nodes(upserts)
            gone = {r for r in upserts} - {n.ref for n in existing}
            indexed = self.index_nodes(existing).indexed
            if gone:  # the node was deleted meanwhile: its point must go too
                self.remove_nodes(sorted(gone, key=_job_id))
        return IndexReport(indexed, self.pending())

    def reindex_all(self, progress: Progress | None = None) -> IndexReport:
        """Rebuild every text from the graph (idempotent: points are replaced)."""
        total = sum(self.graph.count(label) for label in INDEXED_LABELS)
        done = indexed = 0
        for label in sorted(INDEXED_LABELS, key=lambda lab: lab.value):
            offset = 0
            while page := self.graph.list_nodes(label, limit=PAGE, offset=offset):
                report = self.index_nodes(page)
                if report.pending:
                    raise IndexUnavailableError(
                        f"the index refused writes after {done} of {total} nodes; "
                        f"{self.pending()} are queued for a retry"
                    )
                indexed += report.indexed
                offset += len(page)
                done += len(page)
                if progress:
                    progress("indexing", done, total)
        return IndexReport(indexed, self.pending())

    # -- the queue -------------------------------------------------------------------------
    def _queue(self, refs: Iterable[NodeRef], op: str, error: str) -> None:
        now = datetime.now(UTC).isoformat()
        refs = list(dict.fromkeys(refs))
        before = {
            n.id: int(n.properties.get("attempts", 0))
            for n in self.graph.get_nodes(
                [NodeRef(label=Label.INDEX_JOB, id=_job_id(r)) for r in refs]
            )
        }
        jobs = [
            Node(
                label=Label.INDEX_JOB,
                id=_job_id(r),
                properties={
                    "id": _job_id(r),
                    "node_id": _job_id(r),
                    "op": op,
                    "attempts": before.get(_job_id(r), 0) + 1,
                    "last_error": error[:500],
                    "updated_at": now,
                },
            )
            for r in refs
        ]
        self.graph.write(GraphBatch(nodes=jobs))
        if self._warned:
            log.info("index unavailable, %d node(s) queued for a retry", len(jobs))
            return
        self._warned = True
        log.warning(
            "index unavailable, %d node(s) queued for a retry (later batches are queued "
            "quietly; `marketgraph reindex --pending` retries): %s",
            len(jobs),
            error,
        )

    def _clear(self, refs: Iterable[NodeRef]) -> None:
        self._warned = False  # the index answered: its next failure is news again
        ids = [_job_id(r) for r in refs]
        queued = self.graph.existing_ids(Label.INDEX_JOB, ids)
        if queued:
            self.graph.delete_nodes([NodeRef(label=Label.INDEX_JOB, id=i) for i in queued])
