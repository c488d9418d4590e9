"""Execution records: one node per idempotency key, written with the line's new state.

Applying an action (:meth:`agents.channels.adapter.ChannelAdapter.apply`) is one
conditional write of the ``Execution`` node (id derived from the key), the line's new
``LineState`` and whatever the adapter adds (the webhook adapter's outbox entry), on two
preconditions: no Execution with that id exists yet, and the line
is still at the revision the undo was computed from. So a crash leaves either nothing
(apply again) or everything (applying again returns the first receipt), two processes
applying the same key get one execution, and two actions racing on a line are ordered.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from agents.channels.base import Action, ActionKind, ActionReceipt
from agents.channels.errors import IdempotencyConflictError, UnknownTargetError
from agents.channels.lines import LineState
from graph.base import GraphStore
from graph.models import Node, NodeRef, clean_properties, sha256_hex
from graph.schema import Label


def execution_id(idempotency_key: str) -> str:
    """The Execution node id of a key: a retry after a crash finds the same node."""
    return "exe_" + sha256_hex(idempotency_key.encode())[:32]


def execution_ref(idempotency_key: str) -> NodeRef:
    return NodeRef(label=Label.EXECUTION, id=execution_id(idempotency_key))


def execution_node(
    action: Action, receipt: ActionReceipt, before: LineState, after: LineState
) -> Node:
    """The Execution node: the action, its receipt and the line before and after."""
    t = action.target
    props: dict[str, Any] = {
        "id": receipt.execution_id,
        "idempotency_key": action.idempotency_key,
        "adapter": receipt.adapter,
        "kind": action.kind.value,
        "status": receipt.status,
        "external_ref": receipt.external_ref,
        "action": action.model_dump_json(),
        "action_digest": action.digest(),
        "undo": receipt.undo.model_dump_json() if receipt.undo else None,
        "applied_at": receipt.applied_at.isoformat(),
        "line_id": receipt.line_id,
        "line_revision": receipt.line_revision,
        "channel_id": t.channel_id,
        "audience_id": t.audience_id,
        "campaign_id": t.campaign_id,
        "asset_id": t.asset_id,
        "experiment_id": t.experiment_id,
        "plan_id": action.plan_id,
        "task_id": action.task_id,
        "before": json.dumps(before.summary(), sort_keys=True),
        "after": json.dumps(after.summary(), sort_keys=True),
    }
    return Node(label=Label.EXECUTION, id=receipt.execution_id, properties=clean_properties(props))


def receipt_of(node: Node, duplicate: bool = False) -> ActionReceipt:
    """The receipt an Execution node records."""
    p = node.properties
    undo = p.get("undo")
    return ActionReceipt(
        execution_id=node.id,
        idempotency_key=str(p["idempotency_key"]),
        adapter=str(p["adapter"]),
        kind=ActionKind(str(p["kind"])),
        status=p["status"],
        external_ref=p.get("external_ref"),
        undo=Action.model_validate_json(undo) if undo else None,
        applied_at=datetime.fromisoformat(str(p["applied_at"])),
        line_id=str(p["line_id"]),
        line_revision=int(p["line_revision"]),
        duplicate=duplicate,
    )


def find_receipt(store: GraphStore, idempotency_key: str) -> ActionReceipt | None:
    """The receipt recorded for a key, or None."""
    node = store.get_node(execution_ref(idempotency_key))
    return None if node is None else receipt_of(node)


def replayed(node: Node, action: Action, adapter: str) -> ActionReceipt:
    """The first receipt of a key, if it was used for this same action on this adapter."""
    p = node.properties
    if p.get("adapter") != adapter:
        raise IdempotencyConflictError(
            action.idempotency_key, node.id, f"an action on adapter {p.get('adapter')!r}"
        )
    if p.get("action_digest") != action.digest():
        raise IdempotencyConflictError(
            action.idempotency_key, node.id, f"a different action ({p.get('action')})"
        )
    return receipt_of(node, duplicate=True)


def check_references(store: GraphStore, action: Action) -> None:
    """Raise UnknownTargetError for the first kind of id the action names that is not in
    the graph (all looked up in one read)."""
    t = action.target
    wanted: list[tuple[str, Label, list[str]]] = [
        ("channel", Label.CHANNEL, [t.channel_id]),
        ("audience", Label.AUDIENCE, [t.audience_id] if t.audience_id else []),
        ("campaign", Label.CAMPAIGN, [t.campaign_id] if t.campaign_id else []),
        ("task", Label.TASK, [action.task_id] if action.task_id else []),
    ]
    if action.kind is ActionKind.PUSH_ASSET and t.asset_id is not None:
        wanted.append(("asset", Label.ASSET, [t.asset_id]))
    if action.kind is ActionKind.START_EXPERIMENT:
        wanted.append(("asset", Label.ASSET, list(action.variants)))
    refs = [NodeRef(label=label, id=i) for _, label, ids in wanted for i in ids]
    existing = {n.ref for n in store.get_nodes(refs)}
    for what, label, ids in wanted:
        missing = sorted(i for i in set(ids) if NodeRef(label=label, id=i) not in existing)
        if missing:
            raise UnknownTargetError(what, missing)
