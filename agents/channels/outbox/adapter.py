"""The webhook adapter: each action is written to the outbox with its Execution, sent later.

``apply`` records the intent — the Execution (status ``pending``), the line's new state
and an ``OutboxEntry`` holding the exact body to send — in one conditional write, and
returns at once; :class:`OutboxWorker` delivers it. The line state is what we asked the
platform for, so undo is computed from the previous request even while a delivery is
still pending. The body carries the line's revision, so a receiver that sees an older
revision after a newer one (a retry overtaken by a later action) can ignore it.
"""

from __future__ import annotations

import json
from datetime import datetime

from agents.channels.adapter import ChannelAdapter
from agents.channels.base import Action
from agents.channels.errors import InvalidActionError
from agents.channels.journal import check_references
from agents.channels.lines import LineState
from agents.channels.outbox.config import WebhookConfig
from agents.channels.outbox.entries import OutboxEntry
from graph.base import GraphStore
from graph.models import Node


class WebhookAdapter(ChannelAdapter):
    """Applies actions by queueing them for HTTP delivery (status ``pending`` at first)."""

    status = "pending"

    def __init__(self, store: GraphStore, config: WebhookConfig, name: str = "webhook") -> None:
        super().__init__(store)
        self.config = config
        self.name = name

    def _check(self, action: Action, before: LineState) -> None:
        if self.config.hook_for(action.target.channel_id) is None:
            raise InvalidActionError(
                f"no webhook URL configured for channel {action.target.channel_id!r}: add "
                f'[channels."{action.target.channel_id}"] to {self.config.source}'
            )
        check_references(self.store, action)

    def _side_nodes(self, execution: Node, action: Action, after: LineState) -> list[Node]:
        p = execution.properties
        body = {
            "idempotency_key": action.idempotency_key,
            "execution_id": execution.id,
            "applied_at": p["applied_at"],
            "action": action.model_dump(mode="json"),
            "line": {
                "id": after.id,
                "channel_id": after.key.channel_id,
                "audience_id": after.key.audience_id,
                "campaign_id": after.key.campaign_id,
                "revision": after.revision,
            },
            "before": json.loads(p["before"]),
            "after": after.summary(),
            "undo": json.loads(p["undo"]) if "undo" in p else None,
        }
        created = datetime.fromisoformat(p["applied_at"])
        entry = OutboxEntry(
            id=execution.id,
            idempotency_key=action.idempotency_key,
            adapter=self.name,
            channel_id=action.target.channel_id,
            payload=json.dumps(body, sort_keys=True, separators=(",", ":")),
            max_attempts=self.config.max_attempts,
            next_attempt_at=created,
            created_at=created,
            updated_at=created,
        )
        return [entry.node()]
