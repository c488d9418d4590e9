"""``MARKETGRAPH_API_KEYS``: roles, and brands after ``@``, with each mistake named."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from api.settings import ConfiguredKey, Settings, parse_api_keys


def test_keys_with_and_without_brands() -> None:
    keys = parse_api_keys("k1-abcdef-ghijklm:viewer, k2-abcdef-ghijklm:analyst@brand-b;brand-a ,")
    assert keys == {
        "k1-abcdef-ghijklm": ConfiguredKey(role="viewer"),
        "k2-abcdef-ghijklm": ConfiguredKey(role="analyst", brands=("brand-a", "brand-b")),
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("nokey", "entry 1 must look like KEY:ROLE"),
        ("good-abc-defghijkl:viewer,k:boss", "entry 2 has role 'boss'"),
        ("k-abcdef-ghijklmno:viewer@", "entry 1 has '@' but no brand id"),
        ("k-abcdef-ghijklmno:viewer@ ; ", "entry 1 has '@' but no brand id"),
        ("changeme:admin", "entry 1 uses a placeholder key"),
        ("good-abc-defghijkl:viewer,short-key-123:admin", "entry 2 has a key of 13 characters"),
    ],
)
def test_bad_entries_are_named(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=f"MARKETGRAPH_API_KEYS {message}"):
        parse_api_keys(text)


def test_a_short_key_stops_the_settings_and_is_not_repeated() -> None:
    with pytest.raises(ValidationError) as caught:
        Settings(api_keys="sixteen-chars-ok:admin,tiny-key:viewer")  # type: ignore[call-arg]
    message = caught.value.errors()[0]["msg"]  # the line the command prints
    assert "MARKETGRAPH_API_KEYS entry 2" in message and "at least 16" in message
    assert "tiny-key" not in message  # the key itself is never repeated
