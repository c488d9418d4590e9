"""The limits of ingest/limits.py: JSON nesting, zip exports, and where they are set."""

from __future__ import annotations

import io
import struct
import zipfile

import pytest

from api.settings import Settings
from ingest.connectors.files import export_from_zip
from ingest.errors import LimitExceededError, UnreadableInputError
from ingest.limits import DEFAULT_LIMITS, Limits, check_json_depth, deeper_than


@pytest.mark.parametrize(
    ("text", "limit", "deeper"),
    [
        ('{"a": [1, 2, {"b": 3}]}', 3, False),
        ('{"a": [1, 2, {"b": 3}]}', 2, True),
        ('{"a": "[[[[[[[[[[[[[[[[[["}', 2, False),  # brackets in a string do not count
        ('{"a": "\\"[[[[[[[[[[[["}', 2, False),  # nor after an escaped quote
        ("[" * 33 + "]" * 33, 32, True),
        ("[" * 32 + "]" * 32, 32, False),
        ("[]" * 10_000, 1, False),  # many brackets, shallow
        ("", 1, False),
    ],
)
def test_nesting_is_counted_outside_strings(text: str, limit: int, deeper: bool) -> None:
    assert deeper_than(text, limit) is deeper
    assert deeper_than(text.encode(), limit) is deeper


def test_a_deep_document_names_the_limit() -> None:
    with pytest.raises(LimitExceededError, match=r"events.json: .*\(limit json_depth=32\)"):
        check_json_depth("[" * 100_000, 32, "events.json")


def test_limits_are_set_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MARKETGRAPH_LIMITS__ZIP_BYTES", "2048")
    monkeypatch.setenv("MARKETGRAPH_LIMITS__REJECTIONS_REPORTED", "7")
    limits = Settings().limits  # type: ignore[call-arg]
    assert (limits.zip_bytes, limits.rejections_reported) == (2048, 7)
    assert limits.ingest_body_bytes == DEFAULT_LIMITS.ingest_body_bytes
    monkeypatch.setenv("MARKETGRAPH_LIMITS__JSON_DEPTH", "1")
    with pytest.raises(ValueError, match="json_depth"):
        Settings()  # type: ignore[call-arg]


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_a_zip_is_read_within_its_limits() -> None:
    small = Limits(zip_bytes=64 * 1024, zip_files=3)
    export = export_from_zip("ok.zip", _zip({"a.md": b"# A", ".hidden/b.md": b"x"}), small)
    assert [name for name, _ in export.files] == ["a.md"]
    with pytest.raises(LimitExceededError, match=r"limit zip_files=3") as many:
        export_from_zip("many.zip", _zip({f"{i}.md": b"x" for i in range(4)}), small)
    assert many.value.too_large and many.value.found == 4
    with pytest.raises(LimitExceededError, match=r"limit zip_bytes=65536"):
        export_from_zip("bomb.zip", _zip({"bomb.md": b"\0" * (1024 * 1024)}), small)


def test_a_zip_whose_sizes_lie_is_refused_not_inflated() -> None:
    """The central directory says 10 bytes; the member inflates to a megabyte."""
    data = bytearray(_zip({"bomb.md": b"\0" * (1024 * 1024)}))
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.find(signature) + offset
        data[at : at + 4] = struct.pack("<I", 10)
    with pytest.raises(UnreadableInputError, match="corrupt"):
        export_from_zip("liar.zip", bytes(data), Limits(zip_bytes=64 * 1024))
