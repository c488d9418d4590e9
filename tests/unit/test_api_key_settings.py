"""``MARKETGRAPH_API_KEYS``: roles, and brands after ``@``, with each mistake named."""

from __future__ import annotations

import pytest

from api.settings import ConfiguredKey, parse_api_keys


def test_keys_with_and_without_brands() -> None:
    keys = parse_api_keys("k1-abcdef:viewer, k2-abcdef:analyst@brand-b;brand-a ,")
    assert keys == {
        "k1-abcdef": ConfiguredKey(role="viewer"),
        "k2-abcdef": ConfiguredKey(role="analyst", brands=("brand-a", "brand-b")),
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("nokey", "entry 1 must look like KEY:ROLE"),
        ("good-abc:viewer,k:boss", "entry 2 has role 'boss'"),
        ("k-abcdef:viewer@", "entry 1 has '@' but no brand id"),
        ("k-abcdef:viewer@ ; ", "entry 1 has '@' but no brand id"),
        ("changeme:admin", "placeholder key"),
    ],
)
def test_bad_entries_are_named(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_api_keys(text)
