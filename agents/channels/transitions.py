"""What an action does to a line's state, and the undo that puts the state back.

Each kind changes one field, so each undo is one action of the same shape: ``set_budget``
back to the budget before, ``pause``/``resume`` back to the flag before, ``push_asset``
back to the asset before (or none), ``start_experiment`` undone by ``stop_experiment``
and the other way round. An undo is a compensating action: applied later, it restores
the field as it was before its action, whatever happened in between. Its key is derived
from the action's (``undo:KEY``), so applying an undo twice does nothing the second time.
"""

from __future__ import annotations

from agents.channels.base import Action, ActionKind, Target
from agents.channels.errors import ExperimentConflictError, InvalidActionError
from agents.channels.lines import ExperimentRun, LineState
from graph.models import sha256_hex


def transition(
    before: LineState, action: Action, execution_id: str, now: str
) -> tuple[LineState, Action]:
    """The line after ``action``, and the action that undoes it."""
    change: dict[str, object] = {"revision": before.revision + 1, "updated_at": now}
    target = action.target
    kind = action.kind
    if kind is ActionKind.SET_BUDGET:
        change |= {"daily_budget": action.daily_budget, "budget_execution_id": execution_id}
        undo = _undo(action, ActionKind.SET_BUDGET, params={"daily_budget": before.daily_budget})
    elif kind in (ActionKind.PAUSE, ActionKind.RESUME):
        change["paused"] = kind is ActionKind.PAUSE
        undo = _undo(action, ActionKind.PAUSE if before.paused else ActionKind.RESUME)
    elif kind is ActionKind.PUSH_ASSET:
        change |= {"asset_id": target.asset_id, "asset_execution_id": execution_id}
        undo = _undo(action, ActionKind.PUSH_ASSET, asset_id=before.asset_id)
    elif kind is ActionKind.START_EXPERIMENT:
        if before.experiment is not None:
            raise ExperimentConflictError(str(before.key), before.experiment.experiment_id)
        assert target.experiment_id is not None  # checked by Action
        change["experiment"] = ExperimentRun(
            experiment_id=target.experiment_id,
            variants=action.variants,
            split=action.split,
            execution_id=execution_id,
        )
        undo = _undo(action, ActionKind.STOP_EXPERIMENT)
    else:  # STOP_EXPERIMENT
        running = before.experiment
        if running is None or running.experiment_id != target.experiment_id:
            now_running = f"{running.experiment_id!r} runs" if running else "none runs"
            raise InvalidActionError(
                f"cannot stop experiment {target.experiment_id!r} on line {before.key}: "
                f"{now_running}"
            )
        change["experiment"] = None
        params = {"variants": list(running.variants), "split": list(running.split)}
        undo = _undo(action, ActionKind.START_EXPERIMENT, params=params)
    return before.model_copy(update=change), undo


def undo_key(key: str) -> str:
    """The key of an action's undo (hashed once it would grow past the 200-character limit)."""
    if len(key) <= 195:
        return f"undo:{key}"
    return f"undo:sha256:{sha256_hex(key.encode())}"


def _undo(
    action: Action,
    kind: ActionKind,
    params: dict[str, object] | None = None,
    asset_id: str | None = None,
) -> Action:
    t = action.target
    target = Target(
        channel_id=t.channel_id,
        audience_id=t.audience_id,
        campaign_id=t.campaign_id,
        asset_id=asset_id,
        experiment_id=t.experiment_id,
    )
    return Action(
        kind=kind,
        target=target,
        params=params or {},
        idempotency_key=undo_key(action.idempotency_key),
        plan_id=action.plan_id,
        task_id=action.task_id,
    )
