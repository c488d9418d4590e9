"""The sandbox adapter on both backends: once per key (across restarts), undo, references."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from agents.channels import (
    Action,
    ActionReceipt,
    ExperimentConflictError,
    IdempotencyConflictError,
    InvalidActionError,
    LineKey,
    Target,
    UnknownTargetError,
)
from agents.channels.router import NoAdapterError
from api.services import assemble, open_index
from api.settings import Settings
from demo.sandbox import SandboxAdapter, SandboxMarket
from graph.base import GraphStore
from graph.models import GraphBatch, Node, NodeRef
from graph.schema import Label, RelType
from tests.integration.execution_helpers import load_catalogue
from tests.integration.reopen import reopen

CH, AUD = "ch-google-search", "aud-trailhead-returning"
LINE = LineKey(channel_id=CH, audience_id=AUD)
ASSETS = ("ast-trailhead-00001", "ast-trailhead-00002")


def budget(key: str, amount: float, channel: str = CH, audience: str = AUD, **extra: str) -> Action:
    return Action(
        kind="set_budget",
        target=Target(channel_id=channel, audience_id=audience),
        params={"daily_budget": amount},
        idempotency_key=key,
        **extra,
    )


def act(kind: str, key: str, **target: str) -> Action:
    return Action(
        kind=kind, target=Target(channel_id=CH, audience_id=AUD, **target), idempotency_key=key
    )


@pytest.fixture
def catalogued(graph_store: GraphStore) -> GraphStore:
    load_catalogue(graph_store)
    return graph_store


def sandbox(store: GraphStore) -> SandboxAdapter:
    return SandboxAdapter(SandboxMarket.from_demo(store, seed=7, brand_id="brand-trailhead"))


def test_a_key_is_applied_once_even_after_a_restart(
    catalogued: GraphStore, request: pytest.FixtureRequest
) -> None:
    first = sandbox(catalogued).apply(budget("plan-1/line-1", 120.0))
    catalogued.close()  # the service goes away …

    again = reopen(catalogued, request)  # … and a new process opens the same data
    try:
        adapter = sandbox(again)
        replay = adapter.apply(budget("plan-1/line-1", 120.0))

        assert replay.duplicate and not first.duplicate
        assert replay.model_dump(exclude={"duplicate"}) == first.model_dump(exclude={"duplicate"})
        assert again.count(Label.EXECUTION) == 1
        assert adapter.line(LINE).revision == 1  # the second apply changed nothing
        assert adapter.budget_of(CH, AUD) == 120.0  # the state came back from the graph
    finally:
        again.close()


def test_a_key_reused_for_another_action_is_refused(catalogued: GraphStore) -> None:
    adapter = sandbox(catalogued)
    adapter.apply(budget("k1", 100.0))

    with pytest.raises(IdempotencyConflictError, match="k1"):
        adapter.apply(budget("k1", 999.0))
    assert adapter.budget_of(CH, AUD) == 100.0


def test_undo_restores_the_previous_budget(catalogued: GraphStore) -> None:
    adapter = sandbox(catalogued)
    first = adapter.apply(budget("k1", 100.0))
    second = adapter.apply(budget("k2", 250.0))
    assert adapter.budget_of(CH, AUD) == 250.0

    assert second.undo is not None and first.undo is not None
    undone = adapter.apply(second.undo)
    assert adapter.budget_of(CH, AUD) == 100.0
    adapter.apply(second.undo)  # an undo is applied once too
    assert adapter.line(LINE).revision == 3

    adapter.apply(first.undo)
    assert adapter.budget_of(CH, AUD) == 0.0
    assert undone.undo is not None and undone.undo.params == {"daily_budget": 250.0}


def test_pause_resume_asset_and_experiment_each_undo(catalogued: GraphStore) -> None:
    adapter = sandbox(catalogued)
    adapter.apply(budget("b", 80.0))

    paused = adapter.apply(act("pause", "p"))
    assert adapter.line(LINE).paused and not adapter.line(LINE).running
    assert paused.undo is not None and paused.undo.kind == "resume"
    adapter.apply(paused.undo)
    assert not adapter.line(LINE).paused

    pushed = adapter.apply(act("push_asset", "a1", asset_id=ASSETS[0]))
    swapped = adapter.apply(act("push_asset", "a2", asset_id=ASSETS[1]))
    assert adapter.line(LINE).asset_id == ASSETS[1]
    assert swapped.undo is not None and pushed.undo is not None
    adapter.apply(swapped.undo)
    assert adapter.line(LINE).asset_id == ASSETS[0]
    adapter.apply(pushed.undo)
    assert adapter.line(LINE).asset_id is None

    start = Action(
        kind="start_experiment",
        target=Target(channel_id=CH, audience_id=AUD, experiment_id="exp-1"),
        params={"variants": list(ASSETS), "split": [3, 1]},
        idempotency_key="e1",
    )
    started = adapter.apply(start)
    running = adapter.line(LINE).experiment
    assert running is not None and running.split == (0.75, 0.25)
    with pytest.raises(ExperimentConflictError, match="exp-1"):
        adapter.apply(start.model_copy(update={"idempotency_key": "e2"}))
    assert started.undo is not None and started.undo.kind == "stop_experiment"
    stopped = adapter.apply(started.undo)
    assert adapter.line(LINE).experiment is None
    assert stopped.undo is not None
    restarted = adapter.apply(stopped.undo)  # undoing the stop starts the experiment again
    again = adapter.line(LINE).experiment
    assert again is not None and again.execution_id == restarted.execution_id
    assert (again.experiment_id, again.variants, again.split) == (
        running.experiment_id,
        running.variants,
        running.split,
    )


def test_bad_targets_are_refused_and_nothing_is_written(catalogued: GraphStore) -> None:
    adapter = sandbox(catalogued)
    executions = catalogued.count(Label.EXECUTION)

    with pytest.raises(UnknownTargetError, match="ch-nowhere"):
        adapter.apply(budget("x1", 10.0, channel="ch-nowhere"))
    with pytest.raises(UnknownTargetError, match="sandbox market trailhead-s7"):
        adapter.apply(budget("x2", 10.0, audience="aud-ledgerline-finance-leads"))
    with pytest.raises(UnknownTargetError, match="ast-none"):
        adapter.apply(act("push_asset", "x3", asset_id="ast-none"))
    with pytest.raises(InvalidActionError, match="audience_id"):
        adapter.apply(Action(kind="pause", target=Target(channel_id=CH), idempotency_key="x4"))
    with pytest.raises(InvalidActionError, match="exp-9"):
        adapter.apply(act("stop_experiment", "x5", experiment_id="exp-9"))
    with pytest.raises(UnknownTargetError, match="task-none"):
        adapter.apply(budget("x6", 10.0, task_id="task-none"))

    assert catalogued.count(Label.EXECUTION) == executions
    assert catalogued.count(Label.LINE_STATE) == 0


def test_an_execution_is_linked_to_its_task(catalogued: GraphStore) -> None:
    task = NodeRef(label=Label.TASK, id="task-1")
    catalogued.write(
        GraphBatch(nodes=[Node(label=Label.TASK, id=task.id, properties={"id": task.id})])
    )

    receipt = sandbox(catalogued).apply(budget("k1", 50.0, task_id=task.id, plan_id="plan-1"))

    edges = catalogued.incident_edges([task], 10)
    assert [(e.src.id, e.type) for e in edges] == [(receipt.execution_id, RelType.EXECUTES)]
    node = catalogued.require_node(NodeRef(label=Label.EXECUTION, id=receipt.execution_id))
    assert node.properties["plan_id"] == "plan-1"
    assert node.properties["status"] == "applied"


def test_a_run_killed_midway_and_run_again_applies_each_key_once(
    catalogued: GraphStore, request: pytest.FixtureRequest
) -> None:
    pairs = sorted(SandboxMarket.from_demo(catalogued).truth.pairs)[:12]
    actions = [budget(f"plan-7/{c}/{a}", 10.0 + i, c, a) for i, (c, a) in enumerate(pairs)]
    first = sandbox(catalogued)
    for action in actions[:5]:  # the process dies after five of twelve
        first.apply(action)
    catalogued.close()

    again = reopen(catalogued, request)
    try:
        adapter = sandbox(again)
        receipts = [adapter.apply(a) for a in actions]  # the restarted run starts over

        assert [r.duplicate for r in receipts] == [True] * 5 + [False] * 7
        assert again.count(Label.EXECUTION) == 12
        assert all(line.revision == 1 for line in adapter.state())
        assert {
            (ln.key.channel_id, ln.key.audience_id): ln.daily_budget for ln in adapter.state()
        } == {p: 10.0 + i for i, p in enumerate(pairs)}
    finally:
        again.close()


def test_concurrent_applies_of_one_key_make_one_execution(
    catalogued: GraphStore, request: pytest.FixtureRequest
) -> None:
    stores = [reopen(catalogued, request) for _ in range(4)]
    receipts: list[ActionReceipt] = []
    errors: list[BaseException] = []
    start = threading.Barrier(len(stores))

    def run(store: GraphStore, amount: float) -> None:
        try:
            start.wait()
            receipts.append(sandbox(store).apply(budget("same-key", 75.0)))
            # and a different key on the same line, racing on its revision
            sandbox(store).apply(budget(f"other-{amount}", amount))
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=run, args=(s, 10.0 * i)) for i, s in enumerate(stores)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    for s in stores:
        s.close()

    assert not errors, errors
    assert len({r.execution_id for r in receipts}) == 1
    assert sum(not r.duplicate for r in receipts) == 1
    line = sandbox(catalogued).line(LINE)
    assert line.revision == 1 + len(stores)  # every distinct key applied exactly once
    assert catalogued.count(Label.EXECUTION) == 1 + len(stores)


def test_the_sandbox_is_plugged_in_only_when_configured(
    embedded_store: GraphStore, tmp_path: Path
) -> None:
    off = Settings(data_dir=tmp_path)  # type: ignore[call-arg]
    assert off.sandbox is False  # the default: no simulated market behind any channel
    index = open_index(off)
    try:
        router = assemble(off, embedded_store, index).router
        assert router is not None and router.market("brand-trailhead") is None
        with pytest.raises(NoAdapterError, match="ch-email of brand-trailhead"):
            router.adapter("brand-trailhead", "ch-email")
        on = off.model_copy(update={"sandbox": True})
        router = assemble(on, embedded_store, index).router
        assert router is not None
        assert isinstance(router.market("brand-trailhead"), SandboxMarket)
        assert isinstance(router.adapter("brand-trailhead", "ch-email"), SandboxAdapter)
        assert router.market("brand-elsewhere") is None  # only the demo brands have one
    finally:
        index.close()
