"""A service killed between approval and execution, and killed again mid-execution, resumes
where it stopped and repeats nothing: real processes die (``os._exit``) on a real store.

1. The plan is approved here. A worker process hands it over to execution and dies before
   anything runs it.
2. A second worker process starts on the approved, executing plan and dies right after its
   third budget action was applied: those actions are recorded, the task still says it
   is running, under a lease of that dead worker.
3. A third worker, here, finds the task once the lease has run out, takes it over and
   finishes: every line's budget was applied exactly once, the three from the dead worker
   are not applied again, and the step is recorded by one decision.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from agents.channels import ActionKind
from agents.channels.router import ChannelRouter
from agents.orchestrator import ApprovalPolicy, Orchestrator
from agents.planner.models import PlanRequest
from agents.planner.storage import load_plan
from agents.tasks.budget import BudgetAgent
from demo import dataset_parts, generate
from demo.sandbox import SandboxMarket
from graph.base import GraphStore
from graph.embedded import EmbeddedGraphStore
from graph.models import NodeRef
from graph.schema import Label, RelType
from ingest import ingest
from tests.conftest import ROOT
from tests.integration.crash_worker import BRAND, KILLED, LEASE_SECONDS


def _spec(store: GraphStore, tmp_path: Path) -> str:
    if isinstance(store, EmbeddedGraphStore):
        return f"embedded:{store.path}"
    return f"neo4j:{store._uri}"  # type: ignore[attr-defined]


def _worker(spec: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "tests.integration.crash_worker", spec, *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        env=env,
    )


def _task(store: GraphStore, plan_id: str, key: str) -> dict[str, object]:
    node = store.get_node(NodeRef(label=Label.TASK, id=f"{plan_id}.{key}"))
    assert node is not None
    return node.properties


def test_a_killed_service_resumes_without_repeating_a_step(
    graph_store: GraphStore, tmp_path: Path
) -> None:
    ingest(graph_store, dataset_parts(generate(seed=7, outcome_rows=3000)))
    market = SandboxMarket.from_demo(graph_store, seed=7, brand_id=BRAND)
    router = ChannelRouter(graph_store, {BRAND: market})
    here = Orchestrator(
        graph_store,
        policy=ApprovalPolicy(),
        agents={"budget": BudgetAgent(router)},
        lease_seconds=LEASE_SECONDS,
    )
    start = datetime.now(UTC).date()  # the workers run on the system clock: it starts now
    end = start + timedelta(days=13)
    request = PlanRequest.model_validate(
        {"brand_id": BRAND, "budget": 20_000, "start_date": start, "end_date": end}
    )
    plan = here.create_plan(request, "pat")
    here.decide_plan(plan.id, "approved", "sam", "approver", "go")
    assert len(plan.lines) >= 5
    spec = _spec(graph_store, tmp_path)

    # 1. handed over, then the process dies before any worker runs it
    first = _worker(spec, plan.id, "execute")
    assert first.returncode == KILLED, first.stderr
    assert load_plan(graph_store, plan.id).status == "executing"
    assert _task(graph_store, plan.id, "budget-setup")["status"] == "pending"
    assert graph_store.count(Label.EXECUTION) == 0

    # 2. a worker starts on it and dies right after its third budget action
    second = _worker(spec, plan.id, "die-after", "3")
    assert second.returncode == KILLED, second.stderr
    setup = _task(graph_store, plan.id, "budget-setup")
    assert setup["status"] == "running" and setup["attempts"] == 1
    assert graph_store.count(Label.EXECUTION) == 3
    before = {n.id: n.properties["applied_at"] for n in graph_store.list_nodes(Label.EXECUTION)}

    # 3. while the dead worker's lease holds nobody takes the task; then this one does
    lease_until = datetime.fromisoformat(str(setup["lease_until"]))
    if datetime.now(UTC) < lease_until - timedelta(seconds=0.5):
        here.run_until_idle()
        assert _task(graph_store, plan.id, "budget-setup")["status"] == "running"
    time.sleep(max(0.0, (lease_until - datetime.now(UTC)).total_seconds()) + 0.5)
    here.run_until_idle()
    setup = _task(graph_store, plan.id, "budget-setup")
    assert setup["status"] == "done" and setup["attempts"] == 2, setup

    executions = graph_store.list_nodes(Label.EXECUTION, limit=1000)
    keys = [str(n.properties["idempotency_key"]) for n in executions]
    assert len(keys) == len(set(keys)) == len(plan.lines)  # each line once, none twice
    for node in executions:
        if node.id in before:  # the dead worker's actions were not applied again
            assert node.properties["applied_at"] == before[node.id]
        assert node.properties["kind"] == ActionKind.SET_BUDGET.value
    days = Decimal(14)
    for line in plan.lines:
        budget = market_budget(market, line.channel_id, line.audience_id)
        assert budget == pytest.approx(float((line.budget / days).quantize(Decimal("0.01"))))
    decisions = [
        n
        for n in graph_store.list_nodes(Label.DECISION, limit=1000)
        if n.properties["kind"] == "apply_budget"
    ]
    assert len(decisions) == 1
    produced = graph_store.incident_edges([decisions[0].ref], 1000, {RelType.PRODUCED: "out"})
    assert {e.dst.id for e in produced} == {n.id for n in executions}


def market_budget(market: SandboxMarket, channel_id: str, audience_id: str) -> float:
    from demo.sandbox import SandboxAdapter

    return SandboxAdapter(market).budget_of(channel_id, audience_id)
