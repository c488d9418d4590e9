"""JSON Lines are read with orjson where it reads them exactly as the json module does.

The reference below is the plain loop the reader used to be: ``json.loads`` per line.
Values are compared by ``repr`` (so an int read as a float, ``-0.0`` against ``0.0`` or a
NaN all count as differences) and rejections by their reason.
"""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from ingest.errors import Rejection
from ingest.readers import read_rows


def reference(data: bytes) -> list[tuple[int, Any]]:
    out: list[tuple[int, Any]] = []
    for number, line in enumerate(data.decode("utf-8-sig").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as e:
            out.append((number, f"not valid JSON ({e.msg} at column {e.colno})"))
            continue
        out.append((number, value if isinstance(value, dict) else "expected a JSON object"))
    return out


def shown(rows: list[tuple[int, Any]]) -> list[tuple[int, str]]:
    """Each row's record as its repr, or the reason it was refused (the reference gives
    reasons as plain strings)."""
    out = []
    for n, v in rows:
        reason = v.reason if isinstance(v, Rejection) else v if isinstance(v, str) else None
        out.append((n, reason if reason is not None else repr(v)))
    return out


TRICKY = [
    '{"spend": 12.5, "clicks": 3}',
    '{"a": 1e400, "b": -1e400}',  # json: infinities; orjson refuses them
    '{"a": NaN, "b": Infinity}',  # json only
    '{"a": "\\ud800"}',  # a lone surrogate: json only
    '{"a": 1, "a": 2}',  # the last one wins in both
    '{"a": -0.0, "b": -0, "c": 1e-400, "d": -1e-400}',
    '{"a": 1.7976931348623157e308, "b": 5e-324, "c": 0.1, "d": 1E5}',
    '{"a": 999999999999999999, "b": -999999999999999999}',  # 18 digits: orjson reads it
    '{"a": "x", "b": [1, {"c": null}], "d": true}',
    '{"a": 1} x',  # extra data: json's wording
    '{"a": "\x01"}',  # a control character in a string: json's wording
    "[1, 2]",
    '"text"',
    "{not json",
    "   ",
]


def test_tricky_lines_read_as_json_reads_them() -> None:
    data = "\n".join(TRICKY).encode()
    assert shown(list(read_rows(data, "jsonl", "t.jsonl"))) == shown(reference(data))


@pytest.mark.parametrize(
    "big",
    [
        "123456789012345678901234567890",
        "-9223372036854775809",  # one below the 64-bit range: orjson would make it a float
        "18446744073709551616",  # one above
        "18446744073709551615",  # 64-bit ints are read by json as well (19 digits or more)
        "-9223372036854775808",
    ],
)
def test_integers_beyond_64_bits_stay_integers(big: str) -> None:
    data = f'{{"spend": 1.5}}\n{{"n": {big}}}\n'.encode()
    rows = list(read_rows(data, "jsonl"))
    assert shown(rows) == shown(reference(data))
    assert rows[1][1] == {"n": int(big)}
    assert type(rows[1][1]["n"]) is int


def test_random_numbers_read_as_json_reads_them() -> None:
    rng = random.Random(5)
    lines = []
    for _ in range(2000):
        f = rng.uniform(-1e6, 1e6) * 10 ** rng.randint(-30, 30)
        lines.append(json.dumps({"f": f, "g": repr(f), "i": rng.randint(-(10**17), 10**17)}))
        lines.append(f'{{"e": {rng.randint(1, 999)}e{rng.randint(-340, 340)}}}')
    data = "\n".join(lines).encode()
    assert shown(list(read_rows(data, "jsonl"))) == shown(reference(data))


def test_a_bom_and_crlf_lines_are_read_as_before() -> None:
    data = b'\xef\xbb\xbf{"a": 1}\r\n\r\n{"b": 2.50}\r\n'
    assert shown(list(read_rows(data, "jsonl"))) == shown(reference(data))


def test_a_long_integer_sends_only_its_own_line_to_json() -> None:
    data = b'{"n": 12345678901234567890123}\n{"a": NaN}\n{"spend": 0.1}\n{"a": 1} x\n'
    rows = list(read_rows(data, "jsonl"))
    assert shown(rows) == shown(reference(data))
    assert type(rows[0][1]["n"]) is int  # type: ignore[index]
