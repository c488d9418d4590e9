"""The sandbox adapter: actions on a :class:`SandboxMarket`'s lines, applied atomically.

The market's "platform state" is the lines' ``LineState`` nodes, so the side effect of an
action is the same conditional write that records its Execution: there is no window in
which a change happened but is not recorded, or the other way round.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from agents.channels.adapter import ChannelAdapter
from agents.channels.base import Action
from agents.channels.errors import InvalidActionError, UnknownTargetError
from agents.channels.journal import check_references
from agents.channels.lines import LineState

if TYPE_CHECKING:
    from demo.sandbox.market import SandboxMarket


class SandboxAdapter(ChannelAdapter):
    """Applies actions to the lines of one simulated market (status ``applied`` at once)."""

    status = "applied"

    def __init__(self, market: SandboxMarket) -> None:
        super().__init__(market.store)
        self.market = market
        self.name = market.adapter_name

    def _check(self, action: Action, before: LineState) -> None:
        t = action.target
        if t.audience_id is None:
            raise InvalidActionError(
                f"{action.kind} on {t.channel_id}: a sandbox line needs target.audience_id"
            )
        if (t.channel_id, t.audience_id) not in self.market.truth.pairs:
            raise UnknownTargetError(
                "line",
                [f"{t.channel_id} × {t.audience_id}"],
                f"in sandbox market {self.market.market_id}",
            )
        check_references(self.store, action)

    def _external_ref(self, action: Action, after: LineState) -> str | None:
        return f"{self.name}:{after.id}@{after.revision}"
