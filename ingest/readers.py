"""Read JSON Lines and CSV into ``(line number, raw record)`` pairs."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

import orjson

from ingest.errors import Rejection, UnreadableInputError
from ingest.limits import DEFAULT_LIMITS, depth_reason

Format = Literal["jsonl", "csv"]
RawRow = tuple[int, dict[str, Any] | Rejection]


@dataclass(frozen=True)
class SourceInfo:
    """Where a batch came from: a name (file name or URI), its content hash and size."""

    name: str
    sha256: str
    size: int

    @property
    def node_id(self) -> str:
        return f"sha256:{self.sha256}"


def detect_format(name: str, content_type: str | None = None) -> Format:
    """Pick the format from a content type or a file suffix."""
    ctype = (content_type or "").split(";")[0].strip().lower()
    if ctype in ("text/csv", "application/csv"):
        return "csv"
    if ctype in ("application/x-ndjson", "application/jsonl", "application/json-lines"):
        return "jsonl"
    lowered = name.lower()
    if lowered.endswith(".csv"):
        return "csv"
    if lowered.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    raise UnreadableInputError(
        f"{name}: cannot tell the format; use a .jsonl or .csv file "
        "(or Content-Type application/x-ndjson or text/csv)"
    )


def describe(name: str, data: bytes) -> SourceInfo:
    return SourceInfo(name=name, sha256=hashlib.sha256(data).hexdigest(), size=len(data))


def read_rows(
    data: bytes, fmt: Format, name: str = "", max_depth: int = DEFAULT_LIMITS.json_depth
) -> Iterator[RawRow]:
    """Yield each record with its line number; a line that is not a record is a Rejection
    (so is a JSON line nested deeper than ``max_depth``)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise UnreadableInputError(
            f"{name or 'input'}: not UTF-8 text ({e.reason} at byte {e.start})"
        ) from e
    if fmt == "jsonl":
        yield from _jsonl(text, name, max_depth, _loader(data))
    else:
        yield from _csv(text, name)


# Every byte that is not an ASCII digit as a space, the digits as "0": a run of 19 zeros in
# the result may be a number that orjson reads otherwise than json does.
_DIGIT_RUNS: Final = bytes(48 if 48 <= b <= 57 else 32 for b in range(256))
_LONG_RUN: Final = b"0" * 19


def _loader(data: bytes) -> Callable[[str], Any]:
    """How to parse the lines of ``data``: as :func:`json.loads` does, faster.

    orjson reads a line as json does, but for integers outside 64 bits (orjson makes them
    floats; json keeps them whole), which take 19 digits or more. Where ``data`` holds no
    such run of digits (one pass in C over the bytes) every line goes to orjson; else each
    line is looked at first.
    """
    if _LONG_RUN not in data.translate(_DIGIT_RUNS):
        return _fast_loads
    return _careful_loads


def _fast_loads(line: str) -> Any:
    """orjson's parse of a line, or json's when orjson refuses it: json accepts what
    orjson does not (NaN, Infinity, 1e400, lone surrogates) and words the errors that
    the rejects report quotes."""
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError:
        return json.loads(line)


def _careful_loads(line: str) -> Any:
    """:func:`_fast_loads`, but json for a line with 19 digits in a row."""
    if _LONG_RUN in line.encode("utf-8", "surrogatepass").translate(_DIGIT_RUNS):
        return json.loads(line)
    return _fast_loads(line)


def _jsonl(
    text: str, name: str, max_depth: int, loads: Callable[[str], Any] = json.loads
) -> Iterator[RawRow]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        # Only a line with more brackets than the limit can nest deeper than it.
        if line.count("[") + line.count("{") > max_depth:
            deep = depth_reason(line, max_depth)
            if deep:
                yield number, Rejection(number, deep, name)
                continue
        try:
            value = loads(line)
        except json.JSONDecodeError as e:
            yield number, Rejection(number, f"not valid JSON ({e.msg} at column {e.colno})", name)
            continue
        if not isinstance(value, dict):
            yield number, Rejection(number, "expected a JSON object", name)
            continue
        yield number, value


def _csv(text: str, name: str) -> Iterator[RawRow]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as e:
        raise UnreadableInputError(f"{name or 'input'}: unreadable CSV header: {e}") from e
    header = [h.strip() for h in header]
    if not any(header) or len(set(header)) != len(header) or "" in header:
        raise UnreadableInputError(
            f"{name or 'input'}: the CSV header must name every column once, got {header}"
        )
    line = reader.line_num
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            yield reader.line_num, Rejection(reader.line_num, f"unreadable CSV row: {e}", name)
            continue
        start, line = line + 1, reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            reason = f"expected {len(header)} cells as in the header, found {len(row)}"
            yield start, Rejection(start, reason, name)
            continue
        yield start, {k: v for k, v in zip(header, row, strict=True) if v.strip() != ""}


def read_file(path: Path) -> tuple[SourceInfo, Format, bytes]:
    """Read a whole file; raises UnreadableInputError with the path when it can't."""
    fmt = detect_format(path.name)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise UnreadableInputError(f"{path}: {e.strerror or e}") from e
    return describe(path.name, data), fmt, data
