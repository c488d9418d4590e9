"""Each use-case KPI against values worked out by hand on a small fixture, on both backends
(the fixture and its hand computation: tests/integration/usecase_fixture.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from graph.base import GraphStore
from graph.errors import NodeNotFoundError
from graph.models import GraphBatch, Node, NodeRef
from graph.schema import Label, RelType
from reports import (
    RoutingConfigError,
    content_calendar,
    creative_tests,
    handoff_health,
    lead_sla,
    parse_config,
    record_handoff_alerts,
    record_sla_alerts,
    route_leads,
)
from reports.base import Kpi
from reports.errors import BadWindowError
from tests.integration import usecase_fixture as fx

AS_OF = datetime(2026, 3, 4, tzinfo=UTC)


@pytest.fixture
def store(graph_store: GraphStore) -> GraphStore:
    fx.load(graph_store)
    return graph_store


def kpis(items: list[Kpi]) -> dict[str, Kpi]:
    return {k.name: k for k in items}


# -- lead SLA --------------------------------------------------------------------------------
def test_sla_kpis_match_the_hand_computation(store: GraphStore) -> None:
    report = lead_sla(store, brand_id="b1", as_of=AS_OF, sla_minutes=60)
    k = kpis(report.kpis)

    assert k["leads"].value == 5 and k["leads"].lineage.node_ids == [
        f"Lead:L{i}" for i in range(1, 6)
    ]  # LX belongs to b2
    # answered: 30, 120, 10 minutes -> median 30; p90 = 30 + 0.8 · (120 - 30) = 102
    assert k["lead_response_time_median"].value == 30 and k["lead_response_time_median"].n == 3
    assert k["lead_response_time_p90"].value == pytest.approx(102)
    # 3 of 5 answered; Wilson 95 %: [0.2307, 0.8824]
    rate = k["response_rate"]
    assert rate.value == 0.6 and rate.low == pytest.approx(0.2307, abs=1e-4)
    assert rate.high == pytest.approx(0.8824, abs=1e-4)
    # due: L1-L4 (L5 is 30 minutes old); met: L1, L3
    sla = k["sla_compliance"]
    assert sla.value == 0.5 and sla.n == 4
    assert sorted(sla.lineage.node_ids) == ["Lead:L1", "Lead:L2", "Lead:L3", "Lead:L4"]
    assert k["open_sla_breaches"].value == 1
    assert k["open_sla_breaches"].lineage.node_ids == ["Lead:L4"]
    assert k["conversion_rate"].value == 0.2  # L1 won
    assert k["unassigned_open_leads"].lineage.node_ids == ["Lead:L5"]

    owners = {g.key: g for g in report.by_owner}
    assert owners["Ann"].median_response_minutes == 75 and owners["Ann"].sla_compliance == 0.5
    assert owners["Bob"].sla_compliance == 0.5 and owners["Bob"].open_breaches == 1
    assert owners["(unassigned)"].sla_compliance is None
    assert {g.key for g in report.by_channel} == {"ch-search", "ch-social"}
    (open_, late) = report.breaches
    assert (open_.lead_id, open_.status, open_.overdue_minutes) == ("L4", "open", 180)
    assert (late.lead_id, late.status, late.overdue_minutes) == ("L2", "late", 60)


def test_sla_as_of_the_past_ignores_later_answers(store: GraphStore) -> None:
    before = lead_sla(store, brand_id="b1", as_of=datetime(2026, 3, 2, 11, 30, tzinfo=UTC))
    k = kpis(before.kpis)
    # at 11:30 on 03-02 only L1 and L2 exist; L2 (10:00, answered at 12:00) is an open breach
    assert k["leads"].value == 2 and k["open_sla_breaches"].lineage.node_ids == ["Lead:L2"]
    everyone = lead_sla(store, as_of=AS_OF)
    assert kpis(everyone.kpis)["leads"].value == 6
    with pytest.raises(NodeNotFoundError):
        lead_sla(store, brand_id="nope")
    with pytest.raises(BadWindowError):
        lead_sla(store, sla_minutes=0)


def test_sla_alerts_are_decisions_and_not_repeated(store: GraphStore) -> None:
    report = lead_sla(store, brand_id="b1", as_of=AS_OF)

    first = record_sla_alerts(store, report)

    (alert,) = first.alerts
    assert alert.id == "alert-sla-L4" and alert.new and alert.severity == "warning"
    assert "3.0 h past its 60-minute SLA" in alert.message and alert.subject == "Lead:L4"
    assert first.decision_id is not None
    decision = store.require_node(NodeRef(Label.DECISION, first.decision_id)).properties
    assert (decision["kind"], decision["agent"]) == ("sla_alert", "sla-monitor")
    edges = store.incident_edges([NodeRef(Label.DECISION, first.decision_id)], 50)
    assert {(e.type, str(e.dst)) for e in edges} >= {
        (RelType.PRODUCED, "Alert:alert-sla-L4"),
        (RelType.BASED_ON, "Lead:L4"),
        (RelType.MADE_BY, "Agent:sla-monitor"),
    }
    again = record_sla_alerts(store, report)
    assert again.decision_id is None and not again.alerts[0].new
    assert store.count(Label.ALERT) == 1 and store.count(Label.DECISION) == 1


# -- routing ---------------------------------------------------------------------------------
RULES = {
    "rules": [{"name": "social", "channel_ids": ["ch-social"], "owners": ["Bob", "Cat"]}],
    "default_owners": ["Ann"],
    "capacity": {"Ann": 5, "Bob": 1, "Cat": 1},
}


def add_leads(store: GraphStore, *leads: tuple[str, str, str]) -> None:
    nodes = []
    for lead_id, channel, campaign in leads:
        props = {
            "id": lead_id,
            "created_at": fx.z("03-03", "22:00"),
            "campaign_id": campaign,
            "channel_id": channel,
            "stage": "new",
        }
        nodes.append(Node(Label.LEAD, lead_id, props))
    store.write(GraphBatch(nodes=nodes))


def test_routing_by_rules_and_capacity_records_decisions(store: GraphStore) -> None:
    # L7 (search) matches no rule -> Ann by default; L8 and L5 (social): Bob holds 2 open
    # leads (L3, L4) of 1, Cat 0 of 1 -> the older of them, L8 (22:00), goes to Cat and L5
    # (23:30) finds both full.
    add_leads(store, ("L7", "ch-search", "c1"), ("L8", "ch-social", "c2"))
    config = parse_config(RULES)

    dry = route_leads(store, config, brand_id="b1", as_of=AS_OF, dry_run=True)
    assert store.count(Label.DECISION) == 0 and dry.assigned[0].decision_id is None

    result = route_leads(store, config, brand_id="b1", as_of=AS_OF)

    assert [(a.lead_id, a.owner, a.rule) for a in result.assigned] == [
        ("L7", "Ann", "default"),
        ("L8", "Cat", "social"),
    ]
    (left,) = result.unrouted
    assert left.lead_id == "L5" and "all full (Bob 2/1, Cat 1/1)" in left.reason
    load = {x.owner: (x.open_before, x.open_after) for x in result.load}
    assert load == {"Ann": (0, 1), "Bob": (2, 2), "Cat": (0, 1)}
    assert store.require_node(NodeRef(Label.LEAD, "L8")).properties["owner"] == "Cat"
    assert store.count(Label.DECISION) == 2 and store.count(Label.TASK) == 2
    cat = result.assigned[1]
    decision = store.require_node(NodeRef(Label.DECISION, str(cat.decision_id))).properties
    assert (decision["kind"], decision["agent"]) == ("lead_routing", "lead-router")
    assert "Cat held 0 of 1 open leads" in decision["rationale"]
    up = store.get_lineage(NodeRef(Label.TASK, str(cat.task_id)), "up", depth=2)
    reached = {str(n.ref) for n in up.nodes}
    assert {
        f"Decision:{cat.decision_id}",
        f"RoutingPolicy:{result.policy_id}",
        "Lead:L8",
    } <= reached
    policy = store.require_node(NodeRef(Label.ROUTING_POLICY, result.policy_id)).properties
    assert policy["rules"] == ["social"] and policy["owners"] == ["Ann", "Bob", "Cat"]
    assert cat.due_at == datetime(2026, 3, 3, 23, tzinfo=UTC)  # created 22:00 + 60 min

    again = route_leads(store, config, brand_id="b1", as_of=AS_OF)
    assert again.assigned == [] and store.count(Label.DECISION) == 2


def test_routing_config_errors_say_where(store: GraphStore) -> None:
    with pytest.raises(RoutingConfigError, match=r"owner 'Dan' \(social\) has no capacity"):
        parse_config({**RULES, "rules": [{"name": "social", "owners": ["Dan"]}]})
    with pytest.raises(RoutingConfigError, match=r"rules.0.owners: List should have at least 1"):
        parse_config({**RULES, "rules": [{"name": "social", "owners": []}]})
    with pytest.raises(RoutingConfigError, match=r"rules.0.channel: Extra inputs"):
        parse_config({**RULES, "rules": [{"name": "s", "owners": ["Bob"], "channel": "x"}]})
    typo = parse_config(
        {**RULES, "rules": [{"name": "social", "channel_ids": ["ch-socail"], "owners": ["Bob"]}]}
    )
    with pytest.raises(
        RoutingConfigError, match=r"rule 'social': channel.*ch-socail not in the graph"
    ):
        route_leads(store, typo, brand_id="b1")
    picked = route_leads(store, parse_config(RULES), lead_ids=["L1", "L9"], as_of=AS_OF)
    assert [u.reason for u in picked.unrouted] == [
        "already owned by Ann",
        "not a lead of this brand and window",
    ]


# -- content calendar ------------------------------------------------------------------------
def test_content_calendar_matches_the_hand_computation(store: GraphStore) -> None:
    report = content_calendar(
        store,
        brand_id="b1",
        start=date(2026, 3, 1),
        end=date(2026, 4, 10),
        gap_days=21,
        as_of=datetime(2026, 4, 10, 12, tzinfo=UTC),
    )
    k = kpis(report.kpis)
    # published: a1-a6, v1, v2 (a7 is a guideline, a8 scheduled); 41 days = 5.857 weeks
    assert k["assets_published"].value == 8
    assert k["asset_throughput"].value == pytest.approx(8 / (41 / 7), abs=1e-6)
    assert k["assets_scheduled"].lineage.node_ids == ["Asset:a8"]
    # a5 (03-11) is a1 (03-01) in German: 10 days
    assert k["localisation_lead_time_median"].value == pytest.approx(10)
    assert k["localisation_lead_time_median"].n == 1
    assert sorted(k["localisation_lead_time_median"].lineage.node_ids) == ["Asset:a1", "Asset:a5"]

    gaps = {(g.business_unit, g.channel): g for g in report.gaps}
    assert set(gaps) == {("Apparel", "ch-email"), ("Camping", "ch-email"), ("Camping", "ch-social")}
    apparel = gaps[("Apparel", "ch-email")]
    assert (apparel.after_asset, apparel.before_asset, apparel.days) == ("a5", "a3", 25)
    assert (apparel.start, apparel.end) == (date(2026, 3, 12), date(2026, 4, 4))
    assert gaps[("Camping", "ch-email")].days == 33  # a4 (03-08) to the window's end
    assert gaps[("Camping", "ch-social")].days == 40  # a6 went live when c2 started (03-01)
    (collision,) = report.collisions
    assert (collision.day, collision.channel) == (date(2026, 3, 8), "ch-email")
    assert collision.business_units == ["Apparel", "Camping"] and collision.asset_ids == [
        "a2",
        "a4",
    ]
    cadence = {(c.business_unit, c.channel): c for c in report.cadence}
    apparel_cadence = cadence[("Apparel", "ch-email")]
    assert apparel_cadence.items == 4 and apparel_cadence.median_interval_days == 7  # 7, 3, 25
    assert cadence[("Camping", "ch-social")].items == 3  # a6, v1, v2: channel from outcomes
    assert sum(w.items for w in report.throughput) == 8


# -- creative tests --------------------------------------------------------------------------
def test_creative_test_lift_interval_and_cost_per_result(store: GraphStore) -> None:
    report = creative_tests(
        store,
        brand_id="b1",
        start=date(2026, 3, 1),
        end=date(2026, 4, 10),
        as_of=datetime(2026, 4, 10, tzinfo=UTC),
    )
    (test,) = report.tests
    assert test.id == "c2|ch-social|aud1" and test.status == "completed"
    assert (test.start, test.end) == (date(2026, 3, 2), date(2026, 3, 3))  # days both ran
    control, variant = test.variants
    # test days 03-02 and 03-03: control 10 conversions / 2000 impressions, v2 26 / 2000
    assert control.asset_id == "v1" and control.control and control.rate == 0.005
    assert variant.rate == 0.013 and variant.lift == pytest.approx(1.6)
    # exp(ln 2.6 ± 1.959964 · sqrt(1/26 - 1/2000 + 1/10 - 1/2000)) - 1
    assert variant.lift_low == pytest.approx(0.25714, abs=1e-4)
    assert variant.lift_high == pytest.approx(4.37729, abs=1e-4)
    assert variant.p_adjusted == pytest.approx(0.00996, abs=1e-4)
    assert control.cost_per_result == 20 and variant.cost_per_result == pytest.approx(200 / 26)
    assert test.conclusive and test.winner == "v2"
    k = kpis(report.kpis)
    assert k["creative_tests"].value == 1
    assert k["cost_per_result"].value == pytest.approx(400 / 36)
    assert k["experiment_throughput"].value == pytest.approx(1 / (41 / 30.4375))
    assert set(k["creative_tests"].lineage.node_ids) == {"Campaign:c2", "Asset:v1", "Asset:v2"}

    clicks = creative_tests(store, brand_id="b1", metric="cvr", as_of=AS_OF)
    (by_click,) = clicks.tests
    assert by_click.variants[1].lift == pytest.approx((26 / 120) / (10 / 100) - 1)
    assert by_click.status == "running"  # data on 03-03, as of 03-04


# -- handoff ---------------------------------------------------------------------------------
def handoff_leads(store: GraphStore) -> None:
    """ch-search: 30-minute answers before 03-04, 120-minute ones after; ch-social: 30 always.
    Two baseline search leads won 48 hours after they came in."""
    nodes = []
    for i in range(20):
        for channel, campaign in (("ch-search", "c1"), ("ch-social", "c2")):
            recent = i >= 10
            created = datetime(2026, 3, 5 if recent else 1, 8, tzinfo=UTC) + timedelta(hours=i)
            minutes = 120 if recent and channel == "ch-search" else 30
            props = {
                "id": f"H-{channel}-{i}",
                "created_at": created.isoformat(),
                "campaign_id": campaign,
                "channel_id": channel,
                "owner": "Ann",
                "first_response_at": (created + timedelta(minutes=minutes)).isoformat(),
            }
            if channel == "ch-search" and i < 2:
                props["converted_at"] = (created + timedelta(hours=48)).isoformat()
                props["stage"] = "won"
            nodes.append(Node(Label.LEAD, props["id"], props))
    store.write(GraphBatch(nodes=nodes))


def test_handoff_flags_the_source_that_slowed_down(graph_store: GraphStore) -> None:
    fx.load(graph_store)
    graph_store.delete_nodes([NodeRef(Label.LEAD, f"L{i}") for i in range(1, 6)])
    handoff_leads(graph_store)

    report = handoff_health(
        graph_store,
        brand_id="b1",
        end=date(2026, 3, 31),
        recent_days=28,  # recent: 03-04..03-31; baseline: the 90 days to 03-03
        baseline_days=90,
        as_of=datetime(2026, 4, 1, tzinfo=UTC),
    )

    sources = {s.source: s for s in report.sources}
    search, social = sources["ch-search"], sources["ch-social"]
    assert (search.recent.median_response_minutes, search.baseline.median_response_minutes) == (
        120,
        30,
    )
    assert (search.recent.breach_share, search.baseline.breach_share) == (1.0, 0.0)
    assert search.degraded and all(t.significant for t in search.tests)
    # z = (1 - 0) / sqrt(0.5 · 0.5 · (1/10 + 1/10)) = 4.472 -> one-sided p = 3.87e-6
    breach = next(t for t in search.tests if t.test == "breach_share")
    assert breach.p_value == pytest.approx(3.872e-6, rel=1e-3)
    assert breach.p_adjusted is not None and breach.p_adjusted <= 4 * breach.p_value
    assert social.tested and not social.degraded
    won = next(s for s in search.stages if s.stage == "won")
    assert (won.reached, won.median_hours, won.share) == (2, 48, 0.1)
    assert kpis(report.kpis)["degraded_sources"].value == 1

    recorded = record_handoff_alerts(graph_store, report)
    (alert,) = recorded.alerts
    assert alert.id == "alert-handoff-ch-search-2026-03-31" and alert.subject == "Channel:ch-search"
    assert alert.severity == "critical" and "120 min vs 30" in alert.message
    assert record_handoff_alerts(graph_store, report).decision_id is None
