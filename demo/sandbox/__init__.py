"""The sandbox market: a simulated brand market with the demo generator's true curves.

:class:`SandboxMarket` simulates daily outcomes of the lines set by :class:`SandboxAdapter`
actions; :func:`simulate_and_ingest` feeds them through the normal ingest pipeline and
links each outcome to the executions behind it.
"""

from demo.sandbox.adapter import SandboxAdapter
from demo.sandbox.feed import SandboxRun, simulate_and_ingest
from demo.sandbox.market import (
    SandboxMarket,
    Shock,
    SimulatedRow,
    asset_effect,
    demo_brand_ids,
    demo_markets,
)
from demo.sandbox.truth import MarketTruth, PairTruth, Seasonality, demo_truth

__all__ = [
    "MarketTruth",
    "PairTruth",
    "SandboxAdapter",
    "SandboxMarket",
    "SandboxRun",
    "Seasonality",
    "Shock",
    "SimulatedRow",
    "asset_effect",
    "demo_brand_ids",
    "demo_markets",
    "demo_truth",
    "simulate_and_ingest",
]
