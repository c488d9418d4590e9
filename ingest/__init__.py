"""Ingestion: canonical records (DATA.md) into the graph, with provenance."""

from ingest.errors import (
    IngestError,
    RecordsRejectedError,
    Rejection,
    UnknownKindError,
    UnreadableInputError,
)
from ingest.pipeline import IngestReport, Part, ingest
from ingest.readers import SourceInfo, describe, detect_format, read_file, read_rows
from ingest.records import KINDS, RECORD_TYPES

__all__ = [
    "KINDS",
    "RECORD_TYPES",
    "IngestError",
    "IngestReport",
    "Part",
    "RecordsRejectedError",
    "Rejection",
    "SourceInfo",
    "UnknownKindError",
    "UnreadableInputError",
    "describe",
    "detect_format",
    "ingest",
    "read_file",
    "read_rows",
]
