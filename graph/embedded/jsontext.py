"""Properties as the embedded backend stores them: compact JSON text.

orjson encodes and decodes them (a tenth of the standard library's time on an ingest's
hundreds of thousands of small objects). Where it would answer differently, the standard
library does the work, so what is stored and read is what ``json`` made before: orjson
writes ``null`` for NaN and infinities (stored properties hold no ``None``, so a ``null``
in its output sends the value to ``json``), refuses integers beyond 64 bits, keys that are
not strings, strings with lone surrogates, and hands datetimes and subclasses of the
primitive types back (``json`` raises or encodes them as it always did). Reading, it
refuses the ``NaN`` and ``Infinity`` that ``json`` wrote, and such numbers.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

_ENCODE = json.JSONEncoder(separators=(",", ":")).encode
_OPTIONS = (
    orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
    | orjson.OPT_PASSTHROUGH_SUBCLASS
)


def dumps(props: dict[str, Any]) -> str:
    """Properties as stored (compact JSON; ``{}`` for none)."""
    return encode(props) if props else "{}"


def encode(value: Any) -> str:
    """Any value made of JSON's types as compact JSON text (ids for ``json_each`` too)."""
    try:
        data = orjson.dumps(value, option=_OPTIONS)
    except TypeError:  # orjson.JSONEncodeError: a value orjson leaves to json
        return _ENCODE(value)
    if b"null" in data:  # perhaps a NaN or an infinity, which json writes as such
        return _ENCODE(value)
    return data.decode()


def loads(text: str | bytes) -> Any:
    """Stored JSON text as Python values."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)
