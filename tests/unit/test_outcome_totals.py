"""OutcomeTotals.from_store builds what model_construct builds, faster (no validation)."""

from __future__ import annotations

from typing import Any

import pytest

from graph.models import OutcomeQuery, OutcomeTotals


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"channel_id": "ch", "rows": 3, "spend": 1.5, "revenue": 4.0},
        {"campaign_id": "c", "audience_id": None, "date": "2026-01-01", "rows": 1, "leads": 2.0},
    ],
)
def test_from_store_is_model_construct(fields: dict[str, Any]) -> None:
    fast, slow = OutcomeTotals.from_store(dict(fields)), OutcomeTotals.model_construct(**fields)

    assert fast == slow
    assert fast.__dict__ == slow.__dict__ and list(fast.__dict__) == list(slow.__dict__)
    assert fast.model_fields_set == slow.model_fields_set == set(fields)
    assert fast.model_dump(exclude_unset=True) == slow.model_dump(exclude_unset=True)


def test_from_store_does_not_share_state_between_groups() -> None:
    a = OutcomeTotals.from_store({"rows": 1})
    b = OutcomeTotals.from_store({"rows": 2})
    a.spend = 9.0

    assert (a.rows, b.rows, b.spend, OutcomeTotals.from_store({}).spend) == (1, 2, 0.0, 0.0)


def test_an_aggregate_names_only_known_metrics() -> None:
    assert OutcomeQuery(metrics=("leads", "spend", "leads")).summed() == ("spend", "leads")
    assert OutcomeQuery().summed() == OutcomeQuery(metrics=None).summed()
    assert len(OutcomeQuery().summed()) == 6
    with pytest.raises(ValueError, match="outcome metric"):
        OutcomeQuery(metrics=("profit",))
