"""A simulated market: daily outcomes of the lines the sandbox adapter has set.

For each channel × audience pair and day, with S the pair's total spend (all its lines):
    E[revenue] = hill(S) * season(date) * shock(channel, date),
split over the pair's rows by spend share and scaled by each row's asset (its conversion
multiplier), times a lognormal daily noise of the pair (sigma from the truth) and a small
one of the row. Impressions ~ Poisson(spend / CPM), clicks ~ Binomial(impressions, CTR ×
the asset's click multiplier), conversions ~ Poisson(revenue / AOV). A line spends 90-100 %
of its daily budget; a paused line or one without budget spends nothing and has no row.
An experiment splits its line's spend between the variant assets by its shares.

Randomness is drawn per day from (seed, market, date), so the same state gives the same
rows whether the days are simulated in one call or several, and the pair-level draws do
not depend on the budgets (common random numbers: two budgets compare cleanly).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

import numpy as np

from agents.channels.lines import LineState, read_lines
from agents.curves.hill import hill
from demo.sandbox.adapter import SandboxAdapter
from demo.sandbox.truth import MarketTruth, demo_truth
from demo.text import BRAND_COPY
from graph.base import GraphStore
from graph.models import NodeRef, sha256_hex
from graph.schema import Label

Record = dict[str, Any]
PACING = (0.9, 1.0)  # share of the daily budget a line spends, uniform
ROW_SIGMA = 0.1  # lognormal sigma of a row's own revenue noise
IMPRESSION_SIGMA, CTR_SIGMA = 0.12, 0.15
ASSET_CTR_SIGMA, ASSET_CVR_SIGMA = 0.3, 0.2  # spread of assets' true click and conversion rates


@dataclass(frozen=True)
class Shock:
    """A regime change: ``channel_id``'s curve scaled by ``factor`` from ``start`` on."""

    channel_id: str
    factor: float
    start: date
    end: date | None = None  # inclusive; None: for good

    def covers(self, day: date) -> bool:
        return day >= self.start and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class SimulatedRow:
    """A canonical outcome record and the executions that produced it (budget, asset)."""

    record: Record
    executions: tuple[str, ...]


class SandboxMarket:
    """One brand's simulated market; its line states live in the graph (``LineState``)."""

    def __init__(
        self,
        store: GraphStore,
        truth: MarketTruth,
        market_id: str | None = None,
        default_campaign_id: str | None = None,
    ) -> None:
        self.store = store
        self.truth = truth
        brand_key = truth.brand_id.removeprefix("brand-")
        self.market_id = market_id or f"{brand_key}-s{truth.seed}"
        self.adapter_name = f"sandbox:{self.market_id}"
        self.default_campaign_id = default_campaign_id or f"cmp-sandbox-{self.market_id}"
        self.shocks: list[Shock] = []
        # an asset's true (click, conversion) multipliers: drawn from its copy
        # (:meth:`asset_effect`) unless a test or a scenario sets its own
        self.asset_effects: Callable[[str | None], tuple[float, float]] = self.asset_effect
        self._salt = int(sha256_hex(self.adapter_name.encode())[:8], 16)
        self._pairs = sorted(truth.pairs)
        self._pair_index = {p: i for i, p in enumerate(self._pairs)}
        self._creatives: dict[str, str] = {}

    @classmethod
    def from_demo(
        cls,
        store: GraphStore,
        seed: int = 7,
        brand_id: str = "brand-trailhead",
        market_id: str | None = None,
        default_campaign_id: str | None = None,
    ) -> SandboxMarket:
        """The market of a demo brand: the curves the demo history of ``seed`` came from."""
        return cls(store, demo_truth(seed, brand_id), market_id, default_campaign_id)

    def adapter(self) -> SandboxAdapter:
        """The adapter that applies actions to this market's lines."""
        return SandboxAdapter(self)

    @property
    def brand_name(self) -> str:
        key = self.truth.brand_id.removeprefix("brand-")
        return next((b.name for b in BRAND_COPY if b.key == key), self.truth.brand_id)

    def shock(
        self,
        channel_id: str,
        factor: float = 0.5,
        from_date: date | None = None,
        until: date | None = None,
    ) -> Shock:
        """Scale ``channel_id``'s curve by ``factor`` from ``from_date`` (in this process)."""
        if not any(ch == channel_id for ch, _ in self._pairs):
            raise ValueError(f"the market {self.market_id} has no channel {channel_id!r}")
        if not factor >= 0:
            raise ValueError(f"a shock factor must be >= 0, got {factor!r}")
        shock = Shock(channel_id, float(factor), from_date or date.min, until)
        self.shocks.append(shock)
        return shock

    def lines(self) -> list[LineState]:
        """The market's lines as last set (read from the graph, so any process sees them)."""
        return read_lines(self.store, self.adapter_name)

    def expected_revenue(
        self, channel_id: str, audience_id: str, spend: float, on: date | None = None
    ) -> float:
        """True expected revenue of a pair's total daily ``spend`` (seasonal and shocked on
        ``on``; without it, the bare curve)."""
        t = self.truth.pairs[(channel_id, audience_id)]
        value = float(hill(spend, t.alpha, t.half_saturation, t.shape))
        if on is None:
            return value
        return value * float(self.truth.season.factors([on])[0]) * self._shock(channel_id, on)

    def simulate(self, start_date: date, days: int) -> list[Record]:
        """Canonical outcome records (DATA.md) of ``days`` days from ``start_date``.

        Rows of lines that name no campaign name the market's own campaign
        (:meth:`campaign_record`), which :func:`simulate_and_ingest` ingests with them.
        """
        return [row.record for row in self.simulate_rows(start_date, days)]

    def simulate_rows(self, start_date: date, days: int) -> list[SimulatedRow]:
        """Like :meth:`simulate`, with the executions behind each row (for RESULT_OF)."""
        if days < 0:
            raise ValueError(f"days must be >= 0, got {days}")
        lines = sorted(
            (ln for ln in self.lines() if ln.running),
            key=lambda ln: (ln.key.channel_id, ln.key.audience_id or "", ln.key.campaign_id or ""),
        )
        dates = [start_date + timedelta(days=i) for i in range(days)]
        seasons = self.truth.season.factors(dates) if dates else np.zeros(0)
        rows: list[SimulatedRow] = []
        for day, season in zip(dates, seasons.tolist(), strict=True):
            rows.extend(self._day(day, season, lines))
        return rows

    # -- one day -----------------------------------------------------------------------------
    def _day(self, day: date, season: float, lines: Sequence[LineState]) -> list[SimulatedRow]:
        t = self.truth
        n = len(self._pairs)
        rng = np.random.default_rng([t.seed, self._salt, day.toordinal()])
        pace = rng.uniform(*PACING, n)
        sigma = np.array([t.pairs[p].noise_sigma for p in self._pairs])
        pair_noise = np.exp(rng.normal(-0.5 * sigma**2, sigma))
        impression_noise = rng.lognormal(0.0, IMPRESSION_SIGMA, n)
        ctr_noise = rng.lognormal(0.0, CTR_SIGMA, n)

        cells = [cell for ln in lines for cell in self._cells(ln)]
        if not cells:
            return []
        pair = np.array(
            [self._pair_index[(c.line.key.channel_id, c.line.key.audience_id or "")] for c in cells]
        )
        spend = np.maximum(np.round(np.array([c.budget for c in cells]) * pace[pair], 2), 0.01)
        total = np.bincount(pair, weights=spend, minlength=n)
        truths = [t.pairs[self._pairs[i]] for i in pair.tolist()]
        alpha, half, shape = (
            np.array([getattr(x, f) for x in truths]) for f in ("alpha", "half_saturation", "shape")
        )
        shock = np.array([self._shock(x.channel_id, day) for x in truths])
        effects = [self.asset_effects(c.asset_id) for c in cells]
        cvr = np.array([e[1] for e in effects])
        ctr_mult = np.array([e[0] for e in effects])
        expected = hill(total[pair], alpha, half, shape) * spend / total[pair]
        expected *= season * shock * cvr
        row_noise = np.exp(rng.normal(-0.5 * ROW_SIGMA**2, ROW_SIGMA, len(cells)))
        revenue = np.round(expected * pair_noise[pair] * row_noise, 2)

        cpm = np.array([x.cpm for x in truths])
        impressions = rng.poisson(spend / cpm * 1000.0 * impression_noise[pair])
        ctr = np.clip(np.array([x.ctr for x in truths]) * ctr_mult * ctr_noise[pair], 0.0, 0.9)
        clicks = rng.binomial(impressions, ctr)
        conversions = np.minimum(rng.poisson(revenue / t.aov), clicks)
        leads = rng.poisson(revenue / t.value_per_lead) if t.leads else None
        iso = day.isoformat()
        out = []
        for i, c in enumerate(cells):
            key = c.line.key
            record: Record = {
                "date": iso,
                "campaign_id": key.campaign_id or self.default_campaign_id,
                "channel_id": key.channel_id,
                "audience_id": key.audience_id,
                "spend": float(spend[i]),
                "impressions": int(impressions[i]),
                "clicks": int(clicks[i]),
                "conversions": int(conversions[i]),
                "revenue": float(revenue[i]),
            }
            if c.asset_id is not None:
                record["asset_id"] = c.asset_id
            if leads is not None:
                record["leads"] = int(leads[i])
            out.append(SimulatedRow(record, c.executions))
        return out

    def _cells(self, line: LineState) -> list[_Cell]:
        """The rows a running line makes in a day: one, or one per experiment variant."""
        budget_exe = (line.budget_execution_id,) if line.budget_execution_id else ()
        run = line.experiment
        if run is None:
            asset_exe = (
                (line.asset_execution_id,) if line.asset_id and line.asset_execution_id else ()
            )
            return [_Cell(line, line.daily_budget, line.asset_id, budget_exe + asset_exe)]
        exe = (run.execution_id,) if run.execution_id else ()
        return [
            _Cell(line, line.daily_budget * share, variant, budget_exe + exe)
            for variant, share in zip(run.variants, run.split, strict=True)
        ]

    def asset_effect(self, asset_id: str | None) -> tuple[float, float]:
        """An asset's true (click, conversion) multipliers in this market: drawn from its
        creative (title and text, as the graph holds them), not its id, so the same copy
        drafted again under another plan's id performs the same (the id is random; the loop
        benchmark's runs would differ by it)."""
        if asset_id is None:
            return (1.0, 1.0)
        creative = self._creatives.get(asset_id)
        if creative is None:
            node = self.store.get_node(NodeRef(label=Label.ASSET, id=asset_id))
            props = node.properties if node is not None else {}
            text = props.get("body") or props.get("text")
            creative = f"{props.get('title') or ''}\n{text}" if text else asset_id
            self._creatives[asset_id] = creative
        return asset_effect(self.truth.seed, creative)

    def _shock(self, channel_id: str, day: date) -> float:
        factor = 1.0
        for s in self.shocks:
            if s.channel_id == channel_id and s.covers(day):
                factor *= s.factor
        return factor

    def campaign_record(self) -> Record:
        """The canonical record of the market's default campaign (lines that name none)."""
        lines = [ln for ln in self.lines() if ln.key.campaign_id is None]
        assets: set[str] = set()
        for ln in lines:
            if ln.asset_id:
                assets.add(ln.asset_id)
            if ln.experiment:
                assets.update(ln.experiment.variants)
        return {
            "id": self.default_campaign_id,
            "brand_id": self.truth.brand_id,
            "name": f"{self.brand_name} · sandbox market {self.market_id}",
            "objective": "revenue",
            "status": "active",
            "channel_ids": sorted({ln.key.channel_id for ln in lines}),
            "audience_ids": sorted({ln.key.audience_id for ln in lines if ln.key.audience_id}),
            "asset_ids": sorted(assets),
        }


@dataclass(frozen=True)
class _Cell:
    line: LineState
    budget: float
    asset_id: str | None
    executions: tuple[str, ...]


@cache
def asset_effect(seed: int, creative: str) -> tuple[float, float]:
    """A creative's true (click-rate, conversion-rate) multipliers in markets of ``seed``,
    mean 1 (``creative``: its copy, see :meth:`SandboxMarket.asset_effect`)."""
    rng = np.random.default_rng([seed, int(sha256_hex(creative.encode())[:12], 16)])
    ctr = float(np.exp(rng.normal(-0.5 * ASSET_CTR_SIGMA**2, ASSET_CTR_SIGMA)))
    cvr = float(np.exp(rng.normal(-0.5 * ASSET_CVR_SIGMA**2, ASSET_CVR_SIGMA)))
    return ctr, cvr


def demo_brand_ids() -> frozenset[str]:
    """The ids of the demo brands, the ones with a sandbox market."""
    return frozenset(f"brand-{b.key}" for b in BRAND_COPY)


def demo_markets(store: GraphStore, seed: int) -> Callable[[str], SandboxMarket | None]:
    """Sandbox markets for the demo brands (their true curves), none for any other brand."""
    brands = demo_brand_ids()

    def make(brand_id: str) -> SandboxMarket | None:
        if brand_id not in brands:
            return None
        return SandboxMarket.from_demo(store, seed=seed, brand_id=brand_id)

    return make
