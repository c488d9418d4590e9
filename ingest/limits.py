"""Every limit on what callers send, in one place (README, "Governance: limits").

:class:`Limits` holds the limits an operator may tune (``MARKETGRAPH_LIMITS__NAME``, read
by ``api.settings``); the record limits below it are fixed, since they are part of what a
canonical record is (DATA.md). Each limit, when crossed, is a 4xx that names the limit and
the value found, and nothing is written.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Final

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from ingest.errors import LimitExceededError

MIB: Final = 1024 * 1024


class Limits(BaseModel):
    """Limits of requests and ingest input; the defaults suit a team's exports."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    ingest_body_bytes: int = Field(
        default=64 * MIB, ge=1024, description="body of POST /v1/ingest/… (records, exports)"
    )
    body_bytes: int = Field(default=1 * MIB, ge=1024, description="body of any other request")
    zip_bytes: int = Field(
        default=256 * MIB, ge=1024, description="the files of a zip export, decompressed"
    )
    zip_files: int = Field(default=20_000, ge=1, description="files in a zip or folder export")
    json_depth: int = Field(
        default=32, ge=4, le=500, description="nesting of a JSON body, record or export"
    )
    rejections_reported: int = Field(
        default=100, ge=1, description="rejected records listed in an answer (the rest counted)"
    )
    rejections_kept: int = Field(
        default=10_000,
        ge=1,
        description="rejections kept for the rejects file; a refused batch stops counting here",
    )


DEFAULT_LIMITS: Final = Limits()

# -- fixed record limits (ingest/records.py) -----------------------------------------------
TEXT_CHARS: Final = 10_000  # any text field of a record: a name, a title, an unknown field
LONG_TEXT_CHARS: Final = 1_000_000  # texts meant to be long: an asset's body, guidelines
LIST_ITEMS: Final = 10_000  # ids in a list field (channel_ids…)
RECORD_FIELDS: Final = 200  # fields of one record, unknown ones included
MAX_AMOUNT: Final = 1e15  # money and counts: sums of a billion rows stay finite
FIRST_DAY: Final = date(1970, 1, 1)  # dates and timestamps of records lie in this window
LAST_DAY: Final = date(2100, 12, 31)

# -- JSON nesting ---------------------------------------------------------------------------
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = bytes.maketrans(b"[{]}", b"\x02\x02\x00\x00")
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[{]}")


def deeper_than(data: bytes | str, limit: int) -> bool:
    """Whether ``data`` (JSON text) nests deeper than ``limit`` brackets.

    Brackets inside strings do not count. Cheap for ordinary text: only input holding
    more than ``limit`` brackets is scanned, and that scan runs in C (regex and numpy).
    """
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return False
    stripped = _STRING.sub(b'""', raw).translate(_BRACKETS, _NOT_BRACKETS)
    steps = np.frombuffer(stripped, dtype=np.uint8).astype(np.int64) - 1
    return bool(steps.size) and int(np.cumsum(steps).max()) > limit


def check_json_depth(data: bytes | str, limit: int, where: str) -> None:
    """Raise :class:`LimitExceededError` when ``data`` nests deeper than ``limit``."""
    if deeper_than(data, limit):
        raise LimitExceededError("json_depth", limit, f"{where}: JSON nested deeper than {limit}")


def depth_reason(data: bytes | str, limit: int) -> str | None:
    """The reason a JSON record is refused for its nesting, or None."""
    if deeper_than(data, limit):
        return f"JSON nested deeper than {limit} levels (limit json_depth={limit})"
    return None
