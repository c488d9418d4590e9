"""Drift alerts as the curve fit reads them, on both backends: where the validation agent
said a line's level moved (see ``agents.curves.settings``: ``alert_z``), and the curve
cache refitting when a new alert is raised."""

from __future__ import annotations

from datetime import date

import pytest

from agents.curves import ChangeHint, change_hints
from agents.planner.cache import fingerprint
from graph.base import GraphStore
from graph.models import GraphBatch, Node
from graph.schema import Label

pytestmark = pytest.mark.integration


def _alert(alert_id: str, **props: object) -> Node:
    base: dict[str, object] = {
        "id": alert_id,
        "kind": "drift",
        "status": "open",
        "brand_id": "brand-x",
        "plan_id": "plan-1",
        "channel_id": "ch-search",
        "audience_id": "aud-all",
        "message": "revenue fell",
        "started_on": "2026-11-20",
        "detected_on": "2026-11-23",
        "ratio": 0.55,
    }
    base.update(props)
    return Node(label=Label.ALERT, id=alert_id, properties=base)


def test_drift_alerts_of_the_brand_are_read_per_pair(graph_store: GraphStore) -> None:
    graph_store.write(
        GraphBatch(
            nodes=[
                _alert("alert-1"),
                _alert("alert-2", audience_id="aud-new", started_on="2026-11-28", ratio=1.7),
                _alert("alert-3", kind="kpi"),  # not a drift: no word on a level
                _alert("alert-4", brand_id="brand-y"),  # another brand's
                _alert("alert-5", started_on="not a date"),  # unreadable: left out
            ]
        )
    )

    hints = change_hints(graph_store, "brand-x")

    assert hints == {
        ("ch-search", "aud-all"): [ChangeHint(started_on=date(2026, 11, 20), ratio=0.55)],
        ("ch-search", "aud-new"): [ChangeHint(started_on=date(2026, 11, 28), ratio=1.7)],
    }
    assert set(change_hints(graph_store, "brand-y")) == {("ch-search", "aud-all")}


def test_a_new_alert_makes_the_cache_refit(graph_store: GraphStore) -> None:
    before = fingerprint(graph_store, "brand-x")
    assert fingerprint(graph_store, "brand-x") == before
    graph_store.write(GraphBatch(nodes=[_alert("alert-1")]))
    assert fingerprint(graph_store, "brand-x") != before
    assert fingerprint(graph_store, "brand-y") == fingerprint(graph_store, "brand-z")
