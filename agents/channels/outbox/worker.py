"""The delivery worker: claim due outbox entries, POST them, record what happened.

Each entry goes through three steps, each a compare-and-set on the entry's revision:
claim (``delivering``, a lease until now + ``lease_seconds``, one more attempt), send, and
record (``delivered``; or ``pending`` again after a back-off; or ``failed``). A crash after
the claim leaves the lease to expire, and the next worker sends again with the same
``Idempotency-Key`` header; a worker whose lease was taken over cannot record its result.
Delivery is therefore at least once, and with receivers that drop a key they have seen
(as they must), effectively once. Two workers running at once never send an entry twice
while a lease holds: only one claim of a revision succeeds.

Retryable: network errors, timeouts, 408, 425, 429 and 5xx (``Retry-After`` is honoured up
to the maximum delay). Any other 4xx means the receiver refuses the body: the entry is
``failed`` at once. Either way a failed entry stays in the outbox and is listed.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from agents.channels.outbox.config import WebhookConfig
from agents.channels.outbox.entries import HISTORY, OutboxEntry, list_entries
from agents.channels.outbox.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from graph.base import GraphStore
from graph.models import GraphBatch, Node
from graph.schema import Label

log = logging.getLogger("marketgraph.outbox")
RETRYABLE = frozenset({408, 425, 429})
USER_AGENT = "marketgraph-outbox/0.1"


@dataclass
class DeliveryReport:
    """What one ``deliver_pending`` pass did."""

    delivered: int = 0
    retrying: int = 0  # failed this time, will be tried again
    failed: int = 0  # out of attempts (or refused): stays in the outbox as failed
    lost: int = 0  # claimed by another worker first, or lease taken over mid-send

    @property
    def attempted(self) -> int:
        return self.delivered + self.retrying + self.failed


@dataclass(frozen=True)
class _Result:
    ok: bool
    retryable: bool
    status: int | None = None
    error: str | None = None
    retry_after: float | None = None
    external_ref: str | None = None


class OutboxWorker:
    """Delivers due outbox entries by HTTP POST to each channel's configured URL."""

    def __init__(
        self,
        store: GraphStore,
        config: WebhookConfig,
        *,
        worker_id: str | None = None,
        client: httpx.Client | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.store = store
        self.config = config
        self.worker_id = worker_id or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self._client = client or httpx.Client(timeout=config.timeout_seconds)
        self._owns_client = client is None
        self._rng = rng or random.Random()

    def close(self) -> None:
        if self._owns_client:
            self._client.close()

    def deliver_pending(self, limit: int = 100) -> DeliveryReport:
        """One pass: deliver up to ``limit`` due entries, oldest first."""
        report = DeliveryReport()
        now = _now()
        entries = list_entries(self.store)
        # Delivered entries a crash left behind (recorded, not yet removed): remove them.
        leftovers = [e.ref for e in entries if e.status == "delivered"]
        if leftovers:
            self.store.delete_nodes(leftovers)
        due = [e for e in entries if e.due(now)]
        due.sort(key=lambda e: (e.next_attempt_at, e.created_at, e.id))
        for entry in due[:limit]:
            claimed = self._claim(entry)
            if claimed is None:
                report.lost += 1
                continue
            outcome = self._send(claimed)
            self._record(claimed, outcome, report)
        return report

    def backoff(self, attempt: int) -> float:
        """Seconds to wait after failed attempt ``attempt`` (see :func:`backoff_delay`)."""
        return backoff_delay(self.config, attempt, self._rng)

    # -- the three steps ---------------------------------------------------------------------
    def _claim(self, entry: OutboxEntry) -> OutboxEntry | None:
        lease = _now() + timedelta(seconds=self.config.lease_seconds)
        claimed = entry.changed(
            status="delivering",
            attempts=entry.attempts + 1,
            lease_owner=self.worker_id,
            lease_until=lease,
        )
        ok = self.store.write_if(GraphBatch(nodes=[claimed.node()]), [entry.guard()])
        return claimed if ok else None

    def _send(self, entry: OutboxEntry) -> _Result:
        hook = self.config.hook_for(entry.channel_id)
        if hook is None:
            error = (
                f"no webhook URL configured for channel {entry.channel_id!r} ({self.config.source})"
            )
            return _Result(ok=False, retryable=True, error=error)
        body = entry.payload.encode()
        headers = {
            **hook.headers,
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "Idempotency-Key": entry.idempotency_key,
            "X-MarketGraph-Execution": entry.id,
            "X-MarketGraph-Attempt": str(entry.attempts),
        }
        if hook.secret:
            stamp = int(time.time())
            headers[TIMESTAMP_HEADER] = str(stamp)
            headers[SIGNATURE_HEADER] = sign(hook.secret, stamp, body)
        try:
            response = self._client.post(hook.url, content=body, headers=headers)
        except httpx.HTTPError as e:
            return _Result(ok=False, retryable=True, error=f"{type(e).__name__}: {e}"[:500])
        code = response.status_code
        if 200 <= code < 300:
            return _Result(ok=True, retryable=False, status=code, external_ref=_reference(response))
        retryable = code in RETRYABLE or code >= 500
        error = f"HTTP {code}: {response.text[:300]}"
        return _Result(False, retryable, code, error, _retry_after(response))

    def _record(self, entry: OutboxEntry, result: _Result, report: DeliveryReport) -> None:
        now = _now()
        attempt = {"at": now.isoformat(), "attempt": entry.attempts, "worker": self.worker_id}
        attempt |= {k: v for k, v in (("status", result.status), ("error", result.error)) if v}
        history = [*entry.history, attempt][-HISTORY:]
        common: dict[str, Any] = {
            "history": history,
            "lease_owner": None,
            "lease_until": None,
            "last_status": result.status,
        }
        if result.ok:
            done = entry.changed(status="delivered", delivered_at=now, last_error=None, **common)
            execution = {"status": "delivered", "delivered_at": now.isoformat()}
            if result.external_ref:
                execution["external_ref"] = result.external_ref
            kind = "delivered"
        elif result.retryable and entry.attempts < entry.max_attempts:
            wait = max(self.backoff(entry.attempts), result.retry_after or 0.0)
            wait = min(wait, self.config.max_delay_seconds)
            later = now + timedelta(seconds=wait)
            done = entry.changed(
                status="pending", next_attempt_at=later, last_error=result.error, **common
            )
            execution, kind = {}, "retrying"
        else:
            done = entry.changed(status="failed", last_error=result.error, **common)
            execution = {"status": "failed", "last_error": result.error or ""}
            kind = "failed"
            log.warning(
                "outbox entry %s failed after %d attempts: %s",
                entry.id,
                entry.attempts,
                result.error,
            )
        nodes = [done.node()]
        if execution:
            nodes.extend(self._execution_update(entry, {**execution, "attempts": entry.attempts}))
        if not self.store.write_if(GraphBatch(nodes=nodes), [entry.guard()]):
            log.warning("outbox entry %s: lease lost to another worker; result dropped", entry.id)
            report.lost += 1
            return
        setattr(report, kind, getattr(report, kind) + 1)
        if kind == "delivered":
            self.store.delete_nodes([entry.ref])

    def _execution_update(self, entry: OutboxEntry, changes: dict[str, Any]) -> list[Node]:
        node = self.store.get_node(entry.execution_ref)
        if node is None:
            return []
        return [Node(label=Label.EXECUTION, id=node.id, properties={**node.properties, **changes})]


def backoff_delay(config: WebhookConfig, attempt: int, rng: random.Random) -> float:
    """Seconds to wait after failed attempt ``attempt``: d = base·2^(n-1) capped at the
    maximum, then half of d fixed and half uniform jitter (so between d/2 and d)."""
    exponent = min(max(attempt - 1, 0), 60)
    delay = min(config.max_delay_seconds, config.base_delay_seconds * 2**exponent)
    return float(delay / 2 + rng.uniform(0, delay / 2))


def deliver_forever(
    worker: OutboxWorker, interval: float = 5.0, stop: threading.Event | None = None
) -> None:
    """Call ``deliver_pending`` every ``interval`` seconds until ``stop`` is set."""
    stop = stop or threading.Event()
    while not stop.is_set():
        try:
            report = worker.deliver_pending()
            if report.attempted or report.lost:
                log.info("outbox: %s", report)
        except Exception:  # keep delivering; the cause is logged
            log.exception("outbox delivery pass failed")
        stop.wait(interval)


def _reference(response: httpx.Response) -> str | None:
    """The receiver's reference for what it did: ``external_ref`` or ``id`` in a JSON body."""
    try:
        body = response.json()
    except ValueError:
        return None
    if isinstance(body, dict):
        for key in ("external_ref", "id"):
            if isinstance(body.get(key), str | int):
                return str(body[key])[:200]
    return None


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        return max(float(value), 0.0) if value is not None else None
    except ValueError:
        return None


def _now() -> datetime:
    return datetime.now(UTC)
