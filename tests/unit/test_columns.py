"""The bulk path of validation never disagrees with the pydantic model.

For any row, ``ingest.columns`` either leaves it to the model (None) or gives exactly the
node properties the model's path makes; a row the model rejects is never accepted.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from ingest.columns import BULK_VALIDATORS
from ingest.records import OutcomeRecord
from ingest.validation import record_properties

FIELDS = list(OutcomeRecord.model_fields)
GOOD = {
    "date": "2026-03-01",
    "campaign_id": "cmp-1",
    "channel_id": "ch-search",
    "spend": 12.5,
    "audience_id": "aud-1",
    "asset_id": "ast-1",
    "impressions": 1000,
    "clicks": 20,
    "conversions": 2,
    "revenue": 80.25,
    "leads": 0,
}

values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**60), max_value=2**60),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(
        ["", " ", "0", "-0", "12.50", "007", "1e3", "1_000", " 5", "5 ", "-3.2", "nan", "inf"]
    ),
    st.sampled_from(["2026-03-01", "2026-02-30", "2026-3-1", "2026-03-01T00:00:00", "x"]),
    st.sampled_from(["cmp-1", " cmp-1", "cmp-1 ", "a" * 256, "a" * 257, "ch\u00a0", "é"]),
    st.text(max_size=12),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
rows = st.fixed_dictionaries(
    {},
    optional={
        **{name: values for name in FIELDS},
        "utm": values,
        "id": values,
        "note": values,
    },
)


def model_path(raw: dict[str, Any]) -> dict[str, Any] | None:
    try:
        return record_properties(OutcomeRecord.model_validate(raw))
    except ValidationError:
        return None


def check(raw: dict[str, Any]) -> None:
    [bulk] = BULK_VALIDATORS["outcomes"]([raw])
    if bulk is None:
        return
    expected = model_path(raw)
    assert expected is not None, f"accepted a row the model rejects: {raw!r}"
    assert list(bulk.items()) == list(expected.items())  # same values, same order
    assert [type(v) for v in bulk.values()] == [type(v) for v in expected.values()]


@settings(max_examples=600, deadline=None)
@given(rows)
def test_any_row_is_left_to_the_model_or_made_the_same(raw: dict[str, Any]) -> None:
    check(raw)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(FIELDS), values)
def test_one_odd_field_in_a_good_row(name: str, value: Any) -> None:
    check({**GOOD, name: value})


@pytest.mark.parametrize(
    "raw",
    [
        GOOD,
        {k: GOOD[k] for k in ("date", "campaign_id", "channel_id", "spend")},
        {**GOOD, "spend": "12.50", "revenue": "-3.5", "campaign_id": 42},
        {**GOOD, "utm": "spring", "flag": True, "ratio": 0.5, "nothing": None},
    ],
)
def test_ordinary_rows_take_the_bulk_path(raw: dict[str, Any]) -> None:
    [bulk] = BULK_VALIDATORS["outcomes"]([raw])
    assert bulk is not None
    assert bulk == model_path(raw)


def test_columns_are_checked_row_by_row_in_a_batch() -> None:
    batch = [GOOD, {**GOOD, "spend": -1}, {**GOOD, "date": "2026-03-02"}]
    out = BULK_VALIDATORS["outcomes"](batch)
    assert out[1] is None
    assert out[0] is not None and out[0]["id"] == "2026-03-01|cmp-1|ch-search|aud-1|ast-1"
    assert out[2] is not None and out[2]["date"] == "2026-03-02"
