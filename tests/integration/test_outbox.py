"""The webhook outbox on both backends, against a real HTTP receiver on a loopback port."""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from agents.channels import (
    Action,
    InvalidActionError,
    OutboxEntryNotFoundError,
    OutboxStateError,
    Target,
    find_receipt,
)
from agents.channels.outbox import (
    ChannelHook,
    DeliveryReport,
    OutboxWorker,
    WebhookAdapter,
    WebhookConfig,
    list_entries,
    retry_entry,
    verify_signature,
)
from graph.base import GraphStore
from graph.models import NodeRef
from graph.schema import Label
from tests.integration.execution_helpers import load_catalogue, receiver, wait_for
from tests.integration.reopen import connection_env, reopen

BIN = Path(sys.executable).parent / "marketgraph"
SECRET = "s3cret-for-tests"
CHANNELS = ("ch-google-search", "ch-meta", "ch-email", "ch-display")
AUD = "aud-trailhead-returning"


def config(url: str, **settings: float) -> WebhookConfig:
    values = {
        "max_attempts": 5,
        "base_delay_seconds": 0.2,
        "max_delay_seconds": 1.0,
        "timeout_seconds": 2.0,
        "lease_seconds": 4.0,
        **settings,
    }
    hooks = {"*": ChannelHook(url=url, secret=SECRET)}
    return WebhookConfig(channels=hooks, **values)  # type: ignore[arg-type]


def budget(key: str, amount: float, channel: str = CHANNELS[0]) -> Action:
    return Action(
        kind="set_budget",
        target=Target(channel_id=channel, audience_id=AUD),
        params={"daily_budget": amount},
        idempotency_key=key,
    )


def drain(worker: OutboxWorker, done: Callable[[], bool], timeout: float = 30.0) -> DeliveryReport:
    """Run delivery passes until ``done()``; returns the summed report."""
    total = DeliveryReport()

    def step() -> bool:
        report = worker.deliver_pending()
        for field in ("delivered", "retrying", "failed", "lost"):
            setattr(total, field, getattr(total, field) + getattr(report, field))
        return done()

    assert wait_for(step, timeout=timeout), f"not done after {timeout}s: {total}"
    return total


@pytest.fixture
def catalogued(graph_store: GraphStore) -> GraphStore:
    load_catalogue(graph_store)
    return graph_store


def execution(store: GraphStore, execution_id: str) -> dict[str, object]:
    return store.require_node(NodeRef(label=Label.EXECUTION, id=execution_id)).properties


def test_a_failing_delivery_is_retried_with_back_off_until_it_lands(catalogued: GraphStore) -> None:
    flaky = "plan-1/line-1"
    with receiver(answer=lambda key, n: 503 if key == flaky and n <= 2 else 200) as hook:
        cfg = config(hook.url)
        adapter = WebhookAdapter(catalogued, cfg)
        first = adapter.apply(budget(flaky, 100.0))
        receipt = adapter.apply(budget("plan-1/line-1b", 200.0))
        assert receipt.status == "pending" and receipt.undo is not None
        assert receipt.undo.params == {"daily_budget": 100.0}  # undo: back to the budget before
        worker = OutboxWorker(catalogued, cfg)

        drain(worker, lambda: not list_entries(catalogued))
        worker.close()

    keys = hook.keys()
    assert Counter(keys) == {first.idempotency_key: 3, receipt.idempotency_key: 1}
    mine = [r for r in hook.requests if r.key == first.idempotency_key]
    assert len({r.body for r in mine}) == 1  # every attempt sends the same bytes
    assert [r.headers["x-marketgraph-attempt"] for r in mine] == ["1", "2", "3"]
    for r in hook.requests:
        stamp, signature = (
            r.headers["x-marketgraph-timestamp"],
            r.headers["x-marketgraph-signature"],
        )
        assert verify_signature(SECRET, r.body, stamp, signature)
    gaps = [b.at - a.at for a, b in itertools.pairwise(mine)]
    assert gaps[0] >= 0.1 and gaps[1] >= 0.2  # half of base·2^(n-1) at least
    body = json.loads(mine[0].body)
    assert body["action"]["params"] == {"daily_budget": 100.0}
    assert body["line"]["revision"] == 1
    assert hook.effects == {first.idempotency_key: 1, receipt.idempotency_key: 1}
    stored = execution(catalogued, first.execution_id)
    assert (stored["status"], stored["attempts"]) == ("delivered", 3)
    assert stored["external_ref"] == f"ext-{hook.requests.index(mine[-1]) + 1}"  # its answer
    delivered = find_receipt(catalogued, first.idempotency_key)
    assert delivered is not None and delivered.status == "delivered"
    with pytest.raises(OutboxStateError, match="delivered"):
        retry_entry(catalogued, first.execution_id)


def test_a_delivery_that_keeps_failing_stays_visible_and_can_be_retried(
    catalogued: GraphStore,
) -> None:
    broken = threading.Event()
    broken.set()
    with receiver(answer=lambda key, n: 500 if broken.is_set() else 200) as hook:
        cfg = config(hook.url, max_attempts=3)
        receipt = WebhookAdapter(catalogued, cfg).apply(budget("k-fail", 50.0))
        worker = OutboxWorker(catalogued, cfg)

        drain(worker, lambda: bool(list_entries(catalogued, "failed")))
        assert worker.deliver_pending().attempted == 0  # a failed entry is not sent again …
        [failed] = list_entries(catalogued, "failed")  # … and it is listed
        assert (failed.id, failed.attempts) == (receipt.execution_id, 3)
        assert failed.last_error is not None and "HTTP 500" in failed.last_error
        assert [h["status"] for h in failed.history] == [500, 500, 500]
        assert execution(catalogued, receipt.execution_id)["status"] == "failed"
        assert len(hook.requests) == 3

        broken.clear()
        again = retry_entry(catalogued, "k-fail")  # by hand, by its idempotency key
        assert (again.status, again.attempts, again.manual_retries) == ("pending", 0, 1)
        assert again.history[-1]["event"] == "retried by hand from failed"
        assert execution(catalogued, receipt.execution_id)["status"] == "pending"
        drain(worker, lambda: not list_entries(catalogued))
        worker.close()

    assert len(hook.requests) == 4 and set(hook.keys()) == {"k-fail"}
    stored = execution(catalogued, receipt.execution_id)
    assert (stored["status"], stored["attempts"]) == ("delivered", 1)
    with pytest.raises(OutboxEntryNotFoundError, match="nope"):
        retry_entry(catalogued, "nope")


def test_a_refusal_fails_at_once(catalogued: GraphStore) -> None:
    with receiver(answer=lambda key, n: 422) as hook:
        cfg = config(hook.url)
        WebhookAdapter(catalogued, cfg).apply(budget("k-refused", 5.0))
        worker = OutboxWorker(catalogued, cfg)
        report = worker.deliver_pending()
        worker.close()

    assert (report.failed, len(hook.requests)) == (1, 1)
    [entry] = list_entries(catalogued, "failed")
    assert entry.last_status == 422


def test_a_channel_without_a_webhook_is_refused_before_anything_is_queued(
    catalogued: GraphStore,
) -> None:
    cfg = WebhookConfig(channels={"ch-email": ChannelHook(url="http://127.0.0.1:9/x")})
    with pytest.raises(InvalidActionError, match=r'channels\."ch-meta"'):
        WebhookAdapter(catalogued, cfg).apply(budget("k", 5.0, channel="ch-meta"))
    assert catalogued.count(Label.EXECUTION) == catalogued.count(Label.OUTBOX_ENTRY) == 0


def test_two_workers_at_once_send_each_entry_once(
    catalogued: GraphStore, request: pytest.FixtureRequest
) -> None:
    with receiver() as hook:
        cfg = config(hook.url, lease_seconds=30.0)
        adapter = WebhookAdapter(catalogued, cfg)
        keys = [f"plan-2/{i}" for i in range(16)]
        for i, key in enumerate(keys):
            adapter.apply(budget(key, 10.0 + i, channel=CHANNELS[i % len(CHANNELS)]))
        stores = [reopen(catalogued, request) for _ in range(2)]
        workers = [OutboxWorker(s, cfg, worker_id=f"w{i}") for i, s in enumerate(stores)]
        reports: list[DeliveryReport] = []
        start = threading.Barrier(2)

        def run(worker: OutboxWorker) -> None:
            start.wait()
            reports.append(drain(worker, lambda: not list_entries(worker.store)))

        threads = [threading.Thread(target=run, args=(w,)) for w in workers]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        for w, s in zip(workers, stores, strict=True):
            w.close()
            s.close()

    assert Counter(hook.keys()) == dict.fromkeys(keys, 1)
    assert sum(r.delivered for r in reports) == len(keys)


def test_a_worker_killed_mid_delivery_is_taken_over_and_the_receiver_applies_once(
    catalogued: GraphStore, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    with receiver(hold=True) as hook:
        webhooks = tmp_path / "webhooks.toml"
        webhooks.write_text(
            "timeout_seconds = 6\nlease_seconds = 8\nbase_delay_seconds = 0.2\n"
            f'[channels."*"]\nurl = "{hook.url}"\nsecret_env = "HOOK_SECRET"\n'
        )
        receipt = WebhookAdapter(catalogued, config(hook.url)).apply(budget("k-crash", 70.0))
        env = {k: v for k, v in os.environ.items() if not k.startswith("MARKETGRAPH_")}
        env |= connection_env(catalogued, request)
        env |= {"MARKETGRAPH_WEBHOOKS_FILE": str(webhooks), "HOOK_SECRET": SECRET}
        env.setdefault("MARKETGRAPH_DATA_DIR", str(tmp_path / "data"))
        worker_process = subprocess.Popen(
            [str(BIN), "outbox", "deliver"], env=env, cwd=tmp_path, stderr=subprocess.PIPE
        )
        try:
            sent = hook.received.wait(timeout=120)
        finally:
            worker_process.send_signal(signal.SIGKILL)  # dies after the receiver applied it
            _, stderr = worker_process.communicate(timeout=30)
        assert sent, f"the worker process sent nothing: {stderr.decode()}"
        [claimed] = list_entries(catalogued)
        assert claimed.status == "delivering" and str(worker_process.pid) in (
            claimed.lease_owner or ""
        )
        assert hook.effects == {"k-crash": 1}
        assert hook.hold is not None
        hook.hold.set()

        # Another worker takes over once the dead worker's lease has run out.
        worker = OutboxWorker(catalogued, config(hook.url), worker_id="rescuer")
        assert worker.deliver_pending().attempted == 0  # the lease still holds
        drain(worker, lambda: not list_entries(catalogued), timeout=60)
        worker.close()

    assert hook.keys() == ["k-crash", "k-crash"]  # sent twice, with the same key …
    assert hook.effects == {"k-crash": 1}  # … and applied once by the receiver
    stored = execution(catalogued, receipt.execution_id)
    assert (stored["status"], stored["attempts"]) == ("delivered", 2)
