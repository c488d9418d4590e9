"""A worker process that dies for real at a chosen moment (the crash-and-resume tests).

``python -m tests.integration.crash_worker STORE PLAN_ID MODE [N]`` opens the store
(``embedded:/path/graph.sqlite`` or ``neo4j:bolt://…``) and an orchestrator whose budget
agent applies actions on the demo sandbox market, then:

- ``execute``: hands the approved plan to execution and dies before any worker ticks;
- ``die-after N``: works, and dies (``os._exit``) right after the N-th action is applied,
  before the agent returns: the action is recorded, its task still says running.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from agents.channels import Action, ActionReceipt, ChannelAdapter, LineState
from agents.channels.router import ChannelRouter
from agents.orchestrator import Orchestrator
from agents.tasks.budget import BudgetAgent
from demo.sandbox import SandboxMarket
from graph.base import GraphStore

BRAND = "brand-trailhead"
LEASE_SECONDS = 4.0
KILLED = 137


def open_store(spec: str) -> GraphStore:
    kind, _, where = spec.partition(":")
    if kind == "embedded":
        from graph.embedded import EmbeddedGraphStore

        return EmbeddedGraphStore(Path(where))
    from graph.neo4j import Neo4jGraphStore

    return Neo4jGraphStore(where)


class DyingRouter(ChannelRouter):
    """A router whose adapters kill the process after the N-th newly applied action."""

    def __init__(self, store: GraphStore, market: SandboxMarket, after: int) -> None:
        super().__init__(store, {BRAND: market})
        self.after = after
        self.applied = 0

    def adapter(self, brand_id: str, channel_id: str) -> ChannelAdapter:
        return _Dying(super().adapter(brand_id, channel_id), self)  # type: ignore[return-value]


class _Dying:
    """The real adapter, and a process death right after it applied the N-th action."""

    def __init__(self, inner: ChannelAdapter, router: DyingRouter) -> None:
        self.inner = inner
        self.router = router
        self.name = inner.name

    def apply(self, action: Action) -> ActionReceipt:
        receipt = self.inner.apply(action)
        if not receipt.duplicate:
            self.router.applied += 1
            if self.router.applied >= self.router.after:
                os._exit(KILLED)  # a real death: no cleanup, no finally blocks
        return receipt

    def state(self) -> list[LineState]:
        return self.inner.state()


def orchestrator(store: GraphStore, router: ChannelRouter) -> Orchestrator:
    return Orchestrator(store, agents={"budget": BudgetAgent(router)}, lease_seconds=LEASE_SECONDS)


def main(argv: list[str]) -> int:
    spec, plan_id, mode = argv[:3]
    store = open_store(spec)
    market = SandboxMarket.from_demo(store, seed=7, brand_id=BRAND)
    if mode == "execute":
        orchestrator(store, ChannelRouter(store, {BRAND: market})).execute(plan_id, "ops")
        os._exit(KILLED)  # handed over, and gone before any worker looked at it
    if mode == "die-after":
        router = DyingRouter(store, market, int(argv[3]))
        orchestrator(store, router).run_until_idle()
        return 3  # it should have died
    raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
