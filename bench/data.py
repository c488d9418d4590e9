"""The benchmark data: the seeded demo data set, cut to exactly N outcome rows.

Dimension records (brands, channels, audiences, campaigns, assets) go in through the ingest
pipeline, untimed. Outcome rows are streamed from the generator in chunks, so a million rows
never sit in memory as records all at once.
"""

from __future__ import annotations

import itertools
import json
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from demo import DemoDataset, generate
from graph.models import Edge, Node, NodeRef, clean_properties
from ingest import RECORD_TYPES, Part, describe

Record = dict[str, Any]

# Kinds loaded (untimed) before outcomes: everything an outcome row points at.
DIMENSION_KINDS: tuple[str, ...] = ("brands", "channels", "audiences", "campaigns", "assets")
OUTCOMES = "outcomes"


@dataclass
class BenchData:
    """The demo data set of one seed, with its outcome rows cut to ``rows``."""

    seed: int
    rows: int
    dataset: DemoDataset

    @property
    def campaign_ids(self) -> list[str]:
        return [str(r["id"]) for r in self.dataset.records("campaigns")]

    def dimension_parts(self) -> list[Part]:
        """One ingest part per dimension kind (as ``demo.dataset_parts`` builds them)."""
        return [records_part(kind, list(self.dataset.records(kind))) for kind in DIMENSION_KINDS]

    def outcome_records(self) -> Iterator[Record]:
        """The first ``rows`` outcome records, streamed."""
        return itertools.islice(self.dataset.records(OUTCOMES), self.rows)

    def outcome_chunks(self, size: int) -> Iterator[list[Record]]:
        """The outcome records in lists of at most ``size``."""
        records = self.outcome_records()
        while chunk := list(itertools.islice(records, size)):
            yield chunk

    def sample_outcome_ids(self, k: int, seed: int) -> list[str]:
        """Node ids of ``k`` outcome rows picked at random (seeded), in random order."""
        rng = random.Random(seed)
        wanted = rng.sample(range(self.rows), min(k, self.rows))
        order = {index: n for n, index in enumerate(wanted)}
        found: dict[int, str] = {}
        for index, record in enumerate(self.outcome_records()):
            if index in order:
                found[order[index]] = outcome_node_id(record)
        return [found[n] for n in range(len(wanted))]


def build(seed: int, rows: int) -> BenchData:
    """Generate the demo data set scaled to at least ``rows`` outcome rows, cut to ``rows``."""
    if rows < 1:
        raise ValueError("rows must be positive")
    dataset = generate(seed=seed, outcome_rows=rows)
    available = dataset.counts()[OUTCOMES]
    return BenchData(seed=seed, rows=min(rows, available), dataset=dataset)


def records_part(kind: str, records: Sequence[Record], name: str | None = None) -> Part:
    """An ingest part of ``records`` (the source hash is that of their JSON Lines)."""
    payload = "\n".join(json.dumps(r, sort_keys=True) for r in records).encode()
    info = describe(name or f"bench:{kind}.jsonl", payload)
    return Part(kind=kind, source=info, rows=list(enumerate(records, start=1)))


def outcome_node_id(raw: Record) -> str:
    """The node id the pipeline gives an outcome row (its natural key)."""
    return RECORD_TYPES[OUTCOMES].model_validate(raw).node_id()


def outcome_graph(raw: Record) -> tuple[Node, list[Edge]]:
    """The Outcome node and its OF edges exactly as the ingest pipeline writes them
    (without the FROM edge to the ingest run, which only the pipeline adds)."""
    record = RECORD_TYPES[OUTCOMES].model_validate(raw)
    data: Record = record.model_dump(mode="json", exclude_none=True)
    for ref in record.references:
        if ref.many:
            data.pop(ref.field, None)
    node_id = record.node_id()
    data["id"] = node_id
    me = NodeRef(label=record.label, id=node_id)
    edges: list[Edge] = []
    for ref in record.references:
        value = getattr(record, ref.field)
        if value is None:
            continue
        for target in value if ref.many else [value]:
            other = NodeRef(label=ref.label, id=str(target))
            src, dst = (me, other) if ref.outgoing else (other, me)
            edges.append(Edge(src=src, type=ref.rel, dst=dst, properties={}))
    return Node(label=record.label, id=node_id, properties=clean_properties(data)), edges
