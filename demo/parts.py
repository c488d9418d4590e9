"""A generated demo data set as ingest parts, one per kind, with a content hash each."""

from __future__ import annotations

import hashlib
import json

from demo.dataset import DemoDataset
from ingest import KINDS, Part
from ingest.readers import SourceInfo


def dataset_parts(dataset: DemoDataset) -> list[Part]:
    """Turn a generated demo data set into ingest parts, one per kind."""
    parts = []
    for kind in KINDS:
        digest = hashlib.sha256()
        size = 0
        for record in dataset.records(kind):
            line = json.dumps(record, sort_keys=True).encode() + b"\n"
            digest.update(line)
            size += len(line)
        info = SourceInfo(name=f"demo:{kind}.jsonl", sha256=digest.hexdigest(), size=size)
        parts.append(Part(kind=kind, source=info, rows=enumerate(dataset.records(kind), start=1)))
    return parts
