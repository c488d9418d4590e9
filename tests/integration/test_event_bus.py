"""The event bus on both backends: once per key, retries with back-off, visible failures,
expired leases taken over, and two workers never handling one event twice."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from agents.orchestrator import Event, EventBus, UnknownEventError
from agents.orchestrator.events import MAX_ATTEMPTS
from graph.base import GraphStore
from graph.models import NodeRef
from graph.schema import Label

T0 = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)


def test_an_event_is_published_once_per_key_and_handled_once(graph_store: GraphStore) -> None:
    bus = EventBus(graph_store, "w1")
    seen: list[str] = []
    bus.subscribe("plan_ready", lambda e: seen.append(e.key))
    assert bus.publish(Event("plan_ready", "p1", subject="Plan:p1"), T0)
    assert not bus.publish(Event("plan_ready", "p1", subject="Plan:p1"), T0)
    assert bus.publish(Event("plan_ready", "p2"), T0)
    assert bus.process_pending(T0) == 2
    assert bus.process_pending(T0) == 0
    assert seen == ["p1", "p2"]
    node = graph_store.get_node(NodeRef(label=Label.EVENT, id=Event("plan_ready", "p1").id))
    assert node is not None and node.properties["status"] == "handled"
    with pytest.raises(UnknownEventError):
        Event("plan_exploded", "x")


def test_a_failing_handler_is_retried_with_back_off_then_stays_failed(
    graph_store: GraphStore,
) -> None:
    bus = EventBus(graph_store, "w1")
    calls: list[int] = []

    def boom(event: Event) -> None:
        calls.append(1)
        raise RuntimeError("the channel said no")

    bus.subscribe("kpi_breached", boom)
    bus.publish(Event("kpi_breached", "k1"), T0)
    now = T0
    assert bus.process_pending(now) == 1
    assert bus.process_pending(now) == 0  # backing off: not due yet
    for _ in range(MAX_ATTEMPTS - 1):
        now += timedelta(hours=1)
        assert bus.process_pending(now) == 1
    now += timedelta(hours=1)
    assert bus.process_pending(now) == 0
    assert len(calls) == MAX_ATTEMPTS
    node = graph_store.get_node(NodeRef(label=Label.EVENT, id=Event("kpi_breached", "k1").id))
    assert node is not None
    assert node.properties["status"] == "failed"
    assert "the channel said no" in str(node.properties["last_error"])
    assert bus.counts()["failed"] == 1


def test_a_dead_workers_lease_expires_and_another_takes_over(graph_store: GraphStore) -> None:
    dead = EventBus(graph_store, "dead", lease_seconds=60)
    dead.publish(Event("outcomes_ingested", "run1"), T0)
    claimed = dead._claim(dead._due(T0, 10)[0], T0)  # claimed, then the process "dies"
    assert claimed is not None
    alive = EventBus(graph_store, "alive", lease_seconds=60)
    seen: list[str] = []
    alive.subscribe("outcomes_ingested", lambda e: seen.append(e.key))
    assert alive.process_pending(T0 + timedelta(seconds=30)) == 0  # the lease still holds
    assert alive.process_pending(T0 + timedelta(seconds=61)) == 1
    assert seen == ["run1"]


def test_two_workers_handle_each_event_once(graph_store: GraphStore) -> None:
    handled: list[str] = []
    lock = threading.Lock()

    def record(event: Event) -> None:
        with lock:
            handled.append(event.key)

    buses = [EventBus(graph_store, f"w{i}") for i in range(2)]
    for bus in buses:
        bus.subscribe("task_finished", record)
    for i in range(12):
        buses[0].publish(Event("task_finished", f"t{i}"), T0)
    threads = [threading.Thread(target=b.process_pending, args=(T0,)) for b in buses]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(handled) == sorted(f"t{i}" for i in range(12))
