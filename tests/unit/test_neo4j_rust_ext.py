"""The Neo4j driver encodes and decodes Bolt messages with its Rust extension.

``neo4j-rust-ext`` is a drop-in: when it is missing or does not load, the driver falls
back to its pure-Python encoder without a word, and a bulk write packs its rows several
times slower. The names checked are the driver's own (``neo4j._codec.packstream.v1``
imports the extension's ``pack`` and ``unpack`` and sets them to None when it cannot).
"""

from __future__ import annotations

import importlib.util

from neo4j._codec.packstream import v1


def test_the_rust_extension_is_installed() -> None:
    assert importlib.util.find_spec("neo4j._rust") is not None


def test_the_driver_packs_and_unpacks_with_it() -> None:
    pack, unpack = getattr(v1, "_rust_pack", None), getattr(v1, "_rust_unpack", None)
    assert pack is not None
    assert unpack is not None
    assert type(pack).__name__ == "builtin_function_or_method"  # compiled, not Python
