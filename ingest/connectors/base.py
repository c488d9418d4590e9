"""The connector contract: a platform export in, canonical records (DATA.md) out.

A connector only translates. It never writes: its records go through the same
:func:`ingest.pipeline.ingest` as canonical files, so validation, all-or-nothing,
provenance (the export's file name and sha256) and idempotency are the same. What it
needs from the graph (does campaign ``X`` exist, what does lead ``Y`` look like) it asks
through the read-only :class:`Lookup`.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Any, ClassVar, Protocol

from graph.models import Node, NodeRef
from graph.schema import Label
from ingest.errors import Rejection
from ingest.readers import RawRow, SourceInfo


class Lookup(Protocol):
    """The read-only part of the graph a connector may consult (a GraphStore is one)."""

    def existing_ids(self, label: Label, ids: Iterable[str]) -> set[str]: ...

    def get_nodes(self, refs: Sequence[NodeRef]) -> list[Node]: ...


@dataclass(frozen=True)
class Export:
    """What was exported: one file, or the files of a folder (Markdown CMS dumps)."""

    name: str
    files: tuple[tuple[str, bytes], ...]

    @classmethod
    def single(cls, name: str, data: bytes) -> Export:
        return cls(name=name, files=((name, data),))

    @property
    def data(self) -> bytes:
        """The content of a one-file export."""
        return self.files[0][1]

    def source(self) -> SourceInfo:
        """Provenance: the export's name, and a sha256 over every file's name and bytes."""
        if len(self.files) == 1 and self.files[0][0] == self.name:
            data = self.files[0][1]
            return SourceInfo(self.name, hashlib.sha256(data).hexdigest(), len(data))
        digest = hashlib.sha256()
        for path, data in sorted(self.files):
            digest.update(path.encode() + b"\0" + hashlib.sha256(data).digest())
        return SourceInfo(self.name, digest.hexdigest(), sum(len(d) for _, d in self.files))


@dataclass(frozen=True)
class Context:
    """How references are resolved for one export (see docs/connectors.md)."""

    brand_id: str
    currency: str  # the brand's currency: money in any other one is refused
    lookup: Lookup
    channel_id: str | None = None  # use this existing channel instead of the platform's own
    timezone: tzinfo | None = None  # for timestamps written without an offset


@dataclass
class Output:
    """Raw canonical records per kind, each with its line in the export, plus notes."""

    rows: dict[str, list[RawRow]] = field(default_factory=lambda: defaultdict(list))
    notes: list[str] = field(default_factory=list)

    def add(self, kind: str, line: int, record: dict[str, Any] | Rejection) -> None:
        self.rows[kind].append((line, record))

    def reject(self, kind: str, line: int, reason: str) -> None:
        self.rows[kind].append((line, Rejection(line, reason)))


@dataclass(frozen=True)
class Probe:
    """What a first look at an export tells before any brand is known."""

    currency: str | None = None  # the currency the export states (a header, a cell)


class Connector(ABC):
    """One platform export format."""

    name: ClassVar[str]  # as in ``marketgraph ingest --from NAME``
    title: ClassVar[str]
    # Whether an export is a folder of files (only the Markdown CMS dump).
    folder: ClassVar[bool] = False

    def probe(self, export: Export) -> Probe:
        """Check the export's shape (raising ColumnsError for a bad header) and say what
        it states about itself; called before the brand is resolved."""
        return Probe()

    @abstractmethod
    def convert(self, export: Export, ctx: Context) -> Output:
        """Map the export to canonical records; a bad row becomes a Rejection, a bad
        header a :class:`~ingest.connectors.errors.ColumnsError`."""
