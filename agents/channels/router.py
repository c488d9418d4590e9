"""Which adapter carries out an action on a channel: a webhook, or a simulated market.

A channel with a webhook in the configuration goes to the :class:`WebhookAdapter` (a team
connecting its real platforms); otherwise a brand with a simulated market (the demo's
sandbox, plugged in by the composition root when configured) goes to that market's
adapter. A channel with neither cannot be executed on, and says so.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from agents.channels.adapter import ChannelAdapter
from agents.channels.outbox import WebhookAdapter, WebhookConfig
from graph.base import GraphStore


class Market(Protocol):
    """A brand's simulated market (the demo's sandbox market is one)."""

    def adapter(self) -> ChannelAdapter:
        """The adapter that applies actions to the market's lines."""
        ...


class NoAdapterError(LookupError):
    """Nothing is configured to carry out actions on this channel of this brand."""

    def __init__(self, brand_id: str, channel_id: str) -> None:
        self.brand_id = brand_id
        self.channel_id = channel_id
        super().__init__(
            f"no adapter for {channel_id} of {brand_id}: configure a webhook for the channel "
            "(MARKETGRAPH_WEBHOOKS_FILE) or run the brand on the sandbox market"
        )


@dataclass
class ChannelRouter:
    """Adapters by brand and channel (webhooks first, then the brand's simulated market)."""

    store: GraphStore
    markets: Mapping[str, Market] = field(default_factory=dict)
    webhooks: WebhookConfig | None = None
    # Makes a brand's simulated market on first use (None: the brand has none).
    market_factory: Callable[[str], Market | None] | None = None
    # The clock that stamps what the adapters write (the orchestrator's, from the
    # composition root); None leaves the adapters on the machine's clock.
    now: Callable[[], datetime] | None = None
    _made: dict[str, Market | None] = field(default_factory=dict, init=False)
    _sandboxes: dict[str, ChannelAdapter] = field(default_factory=dict, init=False)

    def adapter(self, brand_id: str, channel_id: str) -> ChannelAdapter:
        return self._clocked(self._adapter(brand_id, channel_id))

    def _adapter(self, brand_id: str, channel_id: str) -> ChannelAdapter:
        if self.webhooks is not None and self.webhooks.hook_for(channel_id) is not None:
            return WebhookAdapter(self.store, self.webhooks)
        market = self.market(brand_id)
        if market is None:
            raise NoAdapterError(brand_id, channel_id)
        if brand_id not in self._sandboxes:
            self._sandboxes[brand_id] = market.adapter()
        return self._sandboxes[brand_id]

    def _clocked(self, adapter: ChannelAdapter) -> ChannelAdapter:
        if self.now is not None:
            adapter.now = self.now
        return adapter

    def market(self, brand_id: str) -> Market | None:
        if brand_id in self.markets:
            return self.markets[brand_id]
        if self.market_factory is None:
            return None
        if brand_id not in self._made:
            self._made[brand_id] = self.market_factory(brand_id)
        return self._made[brand_id]
