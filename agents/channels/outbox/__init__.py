"""The webhook outbox: actions written to the graph first, delivered by HTTP POST after.

:class:`WebhookAdapter` queues each action as an ``OutboxEntry`` in the same transaction as
its Execution; :class:`OutboxWorker` delivers due entries with retries, exponential
back-off with jitter and leases (safe with several workers); failed entries stay listed
(:func:`list_entries`) until :func:`retry_entry`. Bodies are signed (HMAC-SHA256,
:func:`verify_signature`) and carry an ``Idempotency-Key`` header for receivers to dedupe.
"""

from agents.channels.outbox.adapter import WebhookAdapter
from agents.channels.outbox.config import (
    ChannelHook,
    WebhookConfig,
    load_webhook_config,
    parse_webhook_config,
)
from agents.channels.outbox.entries import (
    STATUSES,
    EntryStatus,
    OutboxEntry,
    get_entry,
    list_entries,
    retry_entry,
)
from agents.channels.outbox.signing import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    sign,
    verify_signature,
)
from agents.channels.outbox.worker import (
    DeliveryReport,
    OutboxWorker,
    backoff_delay,
    deliver_forever,
)

__all__ = [
    "SIGNATURE_HEADER",
    "STATUSES",
    "TIMESTAMP_HEADER",
    "ChannelHook",
    "DeliveryReport",
    "EntryStatus",
    "OutboxEntry",
    "OutboxWorker",
    "WebhookAdapter",
    "WebhookConfig",
    "backoff_delay",
    "deliver_forever",
    "get_entry",
    "list_entries",
    "load_webhook_config",
    "parse_webhook_config",
    "retry_entry",
    "sign",
    "verify_signature",
]
