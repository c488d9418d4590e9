"""The embedded store's JSON: orjson's speed, the standard library's answers."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from typing import Any

import pytest

from graph.embedded.jsontext import dumps, encode, loads


@pytest.mark.parametrize(
    "props",
    [
        {"a": 1, "b": 2.5, "c": "x", "d": True, "e": [1, 2], "f": ["é", "日本"]},
        {"big": 2**70, "neg": -(2**64)},
        {"lone": "\ud800 surrogate"},
        {"nested": {"k": [1.0, -0.0, 1e300]}},
        {"list": [1, None]},
    ],
)
def test_what_is_stored_reads_back_as_json_would(props: dict[str, Any]) -> None:
    text = dumps(props)
    assert loads(text) == json.loads(text) == props
    assert loads(json.dumps(props)) == props  # rows the standard library wrote


def test_not_a_number_and_infinities_are_stored_as_json_writes_them() -> None:
    text = dumps({"x": math.nan, "y": math.inf, "z": -math.inf})
    assert text == '{"x":NaN,"y":Infinity,"z":-Infinity}'
    back = loads(text)
    assert math.isnan(back["x"]) and back["y"] == math.inf and back["z"] == -math.inf


def test_values_json_refuses_are_still_refused() -> None:
    with pytest.raises(TypeError):
        dumps({"when": datetime(2026, 1, 1, tzinfo=UTC)})
    with pytest.raises(TypeError):
        dumps({"s": {1, 2}})


def test_no_properties_is_an_empty_object_and_lists_encode() -> None:
    assert dumps({}) == "{}"
    assert loads(encode(["a", "b"])) == ["a", "b"]
    assert loads(encode({1: "x"})) == {"1": "x"}  # as json.dumps turns keys into strings
