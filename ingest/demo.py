"""Seeded generator of a realistic marketing data set in the canonical records of DATA.md.

The true response curves and seasonality travel with the data, so benchmarks can score fits.
"""

# The model. Three brands (outdoor-gear D2C, B2B finance SaaS, coffee subscription) run
# campaigns between 2025-12-01 and 2026-11-30. For each channel x audience pair and day, with
# S the pair's total spend that day (all campaigns together):
#     E[revenue] = hill(S) * season[brand][date],
#     hill(S) = alpha * S**shape / (half_saturation**shape + S**shape).
# Each outcome row gets the share spend / S of it, times a per-(campaign, channel, audience)
# effect and a daily noise, both lognormal with mean 1 (sigmas in the truth). Conversions are
# Poisson(revenue / AOV), clicks Binomial(impressions, CTR), impressions Poisson(spend / CPM).
# Spend follows season**0.3-0.4 (budget pacing), so fit on revenue / season, not raw revenue.

from __future__ import annotations

import csv
import json
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from functools import cached_property
from pathlib import Path
from typing import Any, ClassVar, Literal

import numpy as np
import numpy.typing as npt

from ingest.demo_copy import (
    BRAND_COPY,
    AudienceSpec,
    CopyContext,
    Product,
    ReportStats,
    Theme,
    render_blog,
    render_creative,
    render_guideline,
    render_report,
)

Record = dict[str, Any]
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# fmt: off
KIND_ORDER: tuple[str, ...] = (
    "brands", "channels", "audiences", "campaigns", "assets", "outcomes", "leads",
)
FIELDS: dict[str, tuple[str, ...]] = {
    "brands": ("id", "name", "currency", "voice", "guidelines", "competitors", "baseline_roas"),
    "channels": ("id", "name", "kind", "platform"),
    "audiences": ("id", "name", "brand_id", "description", "size", "consent", "region"),
    "campaigns": (
        "id", "brand_id", "name", "objective", "business_unit", "start_date", "end_date",
        "budget", "status", "channel_ids", "audience_ids", "asset_ids",
    ),
    "assets": (
        "id", "brand_id", "kind", "title", "body", "url", "created_at", "campaign_ids", "language",
    ),
    "outcomes": (
        "date", "campaign_id", "channel_id", "spend", "audience_id", "asset_id", "impressions",
        "clicks", "conversions", "revenue", "leads",
    ),
    "leads": (
        "id", "created_at", "campaign_id", "channel_id", "owner", "first_response_at", "stage",
        "converted_at", "value",
    ),
}
# fmt: on
DATA_START = date(2025, 12, 1)
N_DAYS = 365
DATA_END = DATA_START + timedelta(days=N_DAYS - 1)
CAMPAIGN_SIGMA = 0.15  # lognormal sigma of the per-(campaign, channel, audience) effect
_DATES = [(DATA_START + timedelta(days=d)).isoformat() for d in range(N_DAYS)]
_CONSENT_KINDS = frozenset({"email", "sms"})


@dataclass(frozen=True)
class _Channel:
    id: str
    name: str
    kind: str
    platform: str
    k: float  # half-saturation daily spend at brand scale 1
    roas: float  # multiplier of the brand's ROAS at half saturation
    cpm: float
    ctr: float


# fmt: off
_CHANNELS = (  # id, name, kind, platform, half-saturation, ROAS multiplier, CPM, CTR
    _Channel("ch-email", "Email (Mailchimp)", "email", "Mailchimp", 45, 4.0, 1.2, 0.028),
    _Channel("ch-email-hubspot", "Email (HubSpot)", "email", "HubSpot", 40, 3.5, 1.8, 0.024),
    _Channel("ch-sms", "SMS (Klaviyo)", "sms", "Klaviyo", 35, 3.2, 11.0, 0.07),
    _Channel("ch-google-search", "Google Search", "paid_search", "Google Ads",
             900, 1.35, 50.0, 0.045),
    _Channel("ch-bing-search", "Microsoft Bing Search", "paid_search", "Microsoft Advertising",
             250, 1.25, 35.0, 0.04),
    _Channel("ch-meta", "Meta Ads (Facebook, Instagram)", "paid_social", "Meta",
             750, 1.0, 11.0, 0.011),
    _Channel("ch-tiktok", "TikTok Ads", "paid_social", "TikTok", 400, 0.8, 7.0, 0.008),
    _Channel("ch-linkedin", "LinkedIn Ads", "paid_social", "LinkedIn", 500, 1.1, 38.0, 0.006),
    _Channel("ch-instagram", "Instagram (organic)", "organic_social", "Instagram",
             110, 1.6, 4.0, 0.012),
    _Channel("ch-linkedin-organic", "LinkedIn (organic)", "organic_social", "LinkedIn",
             90, 1.5, 6.0, 0.01),
    _Channel("ch-display", "Google Display Network", "display", "Google Ads",
             450, 0.5, 3.5, 0.0035),
    _Channel("ch-youtube", "YouTube", "video", "Google Ads", 600, 0.6, 9.0, 0.004),
    _Channel("ch-web", "Website and SEO", "web", "Google Analytics 4", 160, 2.2, 25.0, 0.32),
    _Channel("ch-affiliate", "Affiliates (Impact)", "affiliate", "Impact", 300, 1.3, 6.0, 0.015),
    _Channel("ch-partnerstack", "Partner referrals (PartnerStack)", "affiliate", "PartnerStack",
             200, 1.4, 20.0, 0.02),
)
# fmt: on
_MEDIUM = {
    "email": "email",
    "sms": "sms",
    "paid_search": "cpc",
    "paid_social": "paid_social",
    "organic_social": "social",
    "display": "display",
    "video": "video",
    "web": "organic",
    "affiliate": "affiliate",
}
# ROAS, half-saturation and CTR multipliers per audience segment.
_SEGMENTS: dict[str, tuple[float, float, float]] = {
    "customer": (1.5, 0.5, 1.5),
    "vip": (1.7, 0.35, 1.7),
    "lapsed": (0.9, 0.6, 0.9),
    "trial": (1.6, 0.3, 1.6),
    "prospect": (0.75, 1.5, 0.9),
    "lookalike": (0.85, 1.2, 1.0),
    "business": (1.0, 0.6, 1.1),
}
_CHANNEL_TILT: dict[str, dict[str, float]] = {
    "awareness": {"video": 3.0, "display": 2.0, "paid_social": 1.5, "email": 0.4, "sms": 0.3},
    "revenue": {"paid_search": 1.5, "email": 1.5, "affiliate": 1.5, "sms": 1.3, "display": 0.6},
    "conversions": {"paid_social": 1.5, "paid_search": 1.3},
    "leads": {"paid_search": 2.0, "paid_social": 1.5, "email": 1.5, "web": 1.5, "video": 0.5},
}
_AUDIENCE_TILT: dict[str, dict[str, float]] = {
    "awareness": {"prospect": 3, "lookalike": 3, "business": 0.3, "trial": 0.3},
    "revenue": {"customer": 3, "vip": 2, "lapsed": 2, "business": 0.2, "prospect": 0.7},
    "conversions": {"lookalike": 2, "lapsed": 1.5, "trial": 3, "business": 0.3},
    "leads": {"business": 3, "prospect": 2, "trial": 2, "customer": 0.5, "vip": 0.1, "lapsed": 0.1},
}


@dataclass(frozen=True)
class _Model:
    """Numbers behind one brand: economics, channel mix, seasonality and sales team."""

    currency: str
    utc_offset: int
    roas: float  # typical ROAS at half saturation before channel and audience multipliers
    k_scale: float
    cpm_scale: float
    aov: float
    value_per_lead: float
    leads_everywhere: bool
    deal_value: float
    win_rate: float
    close_days: float
    channels: tuple[str, ...]
    campaigns: int
    objectives: dict[str, float]
    weekly: tuple[float, ...]
    yearly: tuple[float, int]  # amplitude, peak day of year
    events: tuple[tuple[date, float, float], ...]  # day, lift, width in days
    spend_follow: float  # spend moves with season**spend_follow
    owners: tuple[tuple[str, float], ...]  # owner, median minutes to first response


_MODELS: dict[str, _Model] = {
    "trailhead": _Model(
        currency="USD",
        utc_offset=-7,
        roas=3.4,
        k_scale=1.0,
        cpm_scale=1.0,
        aov=128.0,
        value_per_lead=2500.0,
        leads_everywhere=False,
        deal_value=2800.0,
        win_rate=0.25,
        close_days=9.0,
        channels=(
            "ch-email",
            "ch-sms",
            "ch-google-search",
            "ch-meta",
            "ch-tiktok",
            "ch-instagram",
            "ch-display",
            "ch-youtube",
            "ch-web",
            "ch-affiliate",
        ),
        campaigns=38,
        objectives={"revenue": 0.5, "conversions": 0.25, "awareness": 0.25},
        weekly=(0.92, 0.9, 0.93, 0.97, 1.05, 1.13, 1.1),
        yearly=(0.28, 165),
        events=(
            (date(2025, 12, 12), 0.35, 7.0),
            (date(2026, 5, 25), 0.4, 2.0),
            (date(2026, 11, 27), 0.9, 2.5),
        ),
        spend_follow=0.3,
        owners=(("Maya Ortiz", 45.0), ("Ben Carter", 120.0), ("Group Sales Desk", 300.0)),
    ),
    "ledgerline": _Model(
        currency="EUR",
        utc_offset=1,
        roas=2.3,
        k_scale=0.55,
        cpm_scale=1.3,
        aov=520.0,
        value_per_lead=1200.0,
        leads_everywhere=True,
        deal_value=7200.0,
        win_rate=0.12,
        close_days=34.0,
        channels=(
            "ch-email-hubspot",
            "ch-google-search",
            "ch-bing-search",
            "ch-linkedin",
            "ch-linkedin-organic",
            "ch-display",
            "ch-youtube",
            "ch-web",
            "ch-partnerstack",
        ),
        campaigns=34,
        objectives={"leads": 0.6, "conversions": 0.2, "awareness": 0.12, "revenue": 0.08},
        weekly=(1.12, 1.15, 1.13, 1.08, 0.97, 0.45, 0.4),
        yearly=(0.15, 30),
        events=(
            (date(2025, 12, 27), -0.55, 5.0),
            (date(2026, 3, 20), 0.15, 10.0),
            (date(2026, 8, 10), -0.3, 12.0),
        ),
        spend_follow=0.4,
        owners=(
            ("Priya Nair", 25.0),
            ("Jonas Eriksen", 55.0),
            ("Lena Vogel", 90.0),
            ("Tom Becker", 180.0),
            ("Sofia Marques", 240.0),
            ("Marcus Hill", 600.0),
        ),
    ),
    "emberoak": _Model(
        currency="GBP",
        utc_offset=0,
        roas=2.9,
        k_scale=0.4,
        cpm_scale=0.85,
        aov=34.0,
        value_per_lead=300.0,
        leads_everywhere=False,
        deal_value=1900.0,
        win_rate=0.2,
        close_days=14.0,
        channels=(
            "ch-email",
            "ch-sms",
            "ch-google-search",
            "ch-meta",
            "ch-tiktok",
            "ch-instagram",
            "ch-youtube",
            "ch-web",
            "ch-affiliate",
        ),
        campaigns=36,
        objectives={"revenue": 0.55, "conversions": 0.3, "awareness": 0.15},
        weekly=(1.1, 1.0, 0.98, 0.97, 0.95, 0.98, 1.02),
        yearly=(0.18, 350),
        events=(
            (date(2025, 12, 10), 0.6, 8.0),
            (date(2026, 3, 15), 0.35, 3.0),
            (date(2026, 6, 21), 0.3, 3.0),
            (date(2026, 10, 1), 0.25, 1.5),
            (date(2026, 11, 27), 0.7, 2.5),
        ),
        spend_follow=0.3,
        owners=(("Hannah Price", 60.0), ("Oliver Grant", 150.0), ("Office Team inbox", 420.0)),
    ),
}
_PERIODS = (  # report slug, label, first day, end day (exclusive), publication date
    ("2026-winter", "Winter 2025/26 (December to February)", 0, 90, date(2026, 3, 6)),
    ("2026-spring", "Spring 2026 (March to May)", 90, 182, date(2026, 6, 5)),
    ("2026-summer", "Summer 2026 (June to August)", 182, 274, date(2026, 9, 4)),
    ("2026-ttm", "the twelve months to 30 November 2026", 0, N_DAYS, date(2026, 11, 30)),
)


def hill(spend: npt.ArrayLike, alpha: float, half_saturation: float, shape: float) -> FloatArray:
    """Expected daily revenue of ``spend`` on a saturating (Hill) curve, before seasonality."""
    x = np.asarray(spend, dtype=np.float64) ** shape
    result: FloatArray = alpha * x / (half_saturation**shape + x)
    return result


@dataclass(eq=False)
class OutcomeTable:
    """Outcome rows as numpy columns; index columns point into the id lists."""

    day: IntArray  # days since DATA_START
    campaign: IntArray
    channel: IntArray
    audience: IntArray
    asset: IntArray
    spend: FloatArray
    impressions: IntArray
    clicks: IntArray
    conversions: IntArray
    revenue: FloatArray
    leads: IntArray
    season: FloatArray  # true seasonal factor of the row's brand and day (not a record field)
    campaign_ids: list[str]
    channel_ids: list[str]
    audience_ids: list[str]
    asset_ids: list[str]

    def __len__(self) -> int:
        return int(self.day.size)

    def rows(self, start: int = 0, stop: int | None = None) -> list[Record]:
        """Rows ``start:stop`` as canonical outcome records."""
        sl = slice(start, stop)
        cmp, chn, aud, ast = self.campaign_ids, self.channel_ids, self.audience_ids, self.asset_ids
        return [
            {
                "date": _DATES[d],
                "campaign_id": cmp[c],
                "channel_id": chn[h],
                "spend": sp,
                "audience_id": aud[a],
                "asset_id": ast[s],
                "impressions": im,
                "clicks": cl,
                "conversions": cv,
                "revenue": rv,
                "leads": ld,
            }
            for d, c, h, sp, a, s, im, cl, cv, rv, ld in zip(
                self.day[sl].tolist(),
                self.campaign[sl].tolist(),
                self.channel[sl].tolist(),
                self.spend[sl].tolist(),
                self.audience[sl].tolist(),
                self.asset[sl].tolist(),
                self.impressions[sl].tolist(),
                self.clicks[sl].tolist(),
                self.conversions[sl].tolist(),
                self.revenue[sl].tolist(),
                self.leads[sl].tolist(),
                strict=True,
            )
        ]


@dataclass(eq=False)
class DemoDataset:
    """One generated data set: records per kind plus the ground truth behind the outcomes.

    ``outcomes`` is built on first use; at a million rows use ``iter_outcomes`` or ``table``.
    """

    KIND_ORDER: ClassVar[tuple[str, ...]] = KIND_ORDER

    brands: list[Record]
    channels: list[Record]
    audiences: list[Record]
    campaigns: list[Record]
    assets: list[Record]
    leads: list[Record]
    table: OutcomeTable = field(repr=False)
    # (channel_id, audience_id) -> alpha (max expected daily revenue of the pair), half_saturation
    # (pair daily spend reaching alpha / 2), shape, noise_sigma, campaign_sigma,
    # roas_at_half_saturation
    truth: dict[tuple[str, str], dict[str, float]] = field(default_factory=dict, repr=False)
    # brand_id -> ISO date -> multiplicative seasonal factor on revenue
    seasonality: dict[str, dict[str, float]] = field(default_factory=dict, repr=False)

    @cached_property
    def outcomes(self) -> list[Record]:
        """Every outcome row as a canonical record, sorted by date."""
        return self.table.rows()

    def iter_outcomes(self, chunk_size: int = 50_000) -> Iterator[Record]:
        """Stream outcome records without keeping them all in memory."""
        for start in range(0, len(self.table), chunk_size):
            yield from self.table.rows(start, start + chunk_size)

    def records(self, kind: str) -> Iterator[Record]:
        """The records of one kind (outcomes streamed)."""
        if kind == "outcomes":
            return self.iter_outcomes()
        if kind not in KIND_ORDER:
            raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KIND_ORDER)}")
        rows: list[Record] = getattr(self, kind)
        return iter(rows)

    def counts(self) -> dict[str, int]:
        """Number of records per kind."""
        return {
            k: len(self.table) if k == "outcomes" else len(getattr(self, k)) for k in KIND_ORDER
        }

    def expected_revenue(
        self, channel_id: str, audience_id: str, spend: float, on: str | None = None
    ) -> float:
        """True expected revenue of a pair's total daily spend, seasonal on ISO date ``on``."""
        t = self.truth[(channel_id, audience_id)]
        season = 1.0
        if on is not None:
            brand_id = next(a["brand_id"] for a in self.audiences if a["id"] == audience_id)
            season = self.seasonality[brand_id][on]
        value = hill(spend, t["alpha"], t["half_saturation"], t["shape"])
        return float(value) * season

    def write(self, directory: Path, fmt: Literal["jsonl", "csv"] = "jsonl") -> dict[str, Path]:
        """Write one ``<kind>.<fmt>`` file per kind; CSV list cells are ``;``-separated."""
        if fmt not in ("jsonl", "csv"):
            raise ValueError(f"unknown format {fmt!r}; expected 'jsonl' or 'csv'")
        directory.mkdir(parents=True, exist_ok=True)
        paths: dict[str, Path] = {}
        for kind in KIND_ORDER:
            path = directory / f"{kind}.{fmt}"
            with path.open("w", encoding="utf-8", newline="") as fh:
                if fmt == "jsonl":
                    for rec in self.records(kind):
                        fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
                else:
                    writer = csv.writer(fh, lineterminator="\n")
                    cols = FIELDS[kind]
                    writer.writerow(cols)
                    writer.writerows([csv_cell(r.get(c)) for c in cols] for r in self.records(kind))
            paths[kind] = path
        return paths


def csv_cell(value: Any) -> str:
    """How a record value is written to a CSV cell (lists ``;``-joined, None empty)."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return str(value)


def generate(seed: int = 7, outcome_rows: int | None = None) -> DemoDataset:
    """Generate the demo data set; ``outcome_rows`` scales it to about that many outcome rows."""
    if outcome_rows is not None and outcome_rows < 1:
        raise ValueError("outcome_rows must be positive")
    return _Builder(seed).build(outcome_rows)


@dataclass
class _Plan:
    """A campaign before outcomes are simulated; ``pairs`` index ``_Builder.pairs``."""

    record: Record
    brand: int
    product: Product
    theme: Theme
    channels: list[int]
    pairs: list[int]
    levels: list[float]
    effects: list[float]
    start: int
    end: int
    run_days: int
    leads: bool
    assets: list[int] = field(default_factory=list)  # asset index per pair


def _season(m: _Model) -> FloatArray:
    days = np.arange(N_DAYS)
    weekly = np.asarray(m.weekly) / np.mean(m.weekly)
    doy = np.array([(DATA_START + timedelta(days=int(d))).timetuple().tm_yday for d in days])
    amp, peak = m.yearly
    factor = weekly[(DATA_START.weekday() + days) % 7] * (
        1.0 + amp * np.cos(2 * np.pi * (doy - peak) / 365.25)
    )
    for when, lift, width in m.events:
        centre = (when - DATA_START).days
        factor = factor * (1.0 + lift * np.exp(-0.5 * ((days - centre) / width) ** 2))
    result: FloatArray = np.round(np.clip(factor, 0.15, None), 4)
    return result


def _stamp(day: date, minutes: float, tz: timezone) -> str:
    moment = datetime.combine(day, time(), tz) + timedelta(minutes=minutes)
    return moment.isoformat(timespec="seconds")


def _working_hours(moment: datetime) -> datetime:
    """Move a sales reply that falls at night to 8 a.m. (same minute) the next morning."""
    if moment.hour >= 19:
        moment += timedelta(days=1)
    return moment.replace(hour=8) if moment.hour >= 19 or moment.hour < 8 else moment


class _Builder:
    """Holds the RNG streams and lookups while one data set is generated."""

    def __init__(self, seed: int) -> None:
        seqs = np.random.SeedSequence(seed).spawn(5)
        self.rng_truth, self.rng_plan, self.rng_sim, self.rng_leads = (
            np.random.default_rng(s) for s in seqs[:4]
        )
        self.text = random.Random(int(seqs[4].generate_state(1)[0]))
        self.models = [_MODELS[b.key] for b in BRAND_COPY]
        self.tz = [timezone(timedelta(hours=m.utc_offset)) for m in self.models]
        self.audiences: list[tuple[int, AudienceSpec]] = [
            (b, a) for b, brand in enumerate(BRAND_COPY) for a in brand.audiences
        ]
        self.audience_ids = [f"aud-{BRAND_COPY[b].key}-{a.key}" for b, a in self.audiences]
        self.brand_audiences = [
            [i for i, (b, _) in enumerate(self.audiences) if b == brand]
            for brand in range(len(BRAND_COPY))
        ]
        index = {c.id: i for i, c in enumerate(_CHANNELS)}
        self.brand_channels = [[index[c] for c in m.channels] for m in self.models]
        self.season = np.stack([_season(m) for m in self.models])
        follow = np.array([m.spend_follow for m in self.models])
        self.spend_season = self.season ** follow[:, None]
        self.plans: list[_Plan] = []
        self.names: dict[str, int] = {}  # campaign names and blog slugs seen, to keep them unique
        self.slugs: dict[str, int] = {}
        self.assets: list[Record] = []
        self.asset_count = [0] * len(BRAND_COPY)
        self.campaign_count = [0] * len(BRAND_COPY)
        self._draw_truth()

    def _draw_truth(self) -> None:
        rng = self.rng_truth
        self.pairs: list[tuple[int, int]] = []
        self.truth: dict[tuple[str, str], dict[str, float]] = {}
        params: list[tuple[float, ...]] = []
        for b, m in enumerate(self.models):
            for c in self.brand_channels[b]:
                ch = _CHANNELS[c]
                for a in self.brand_audiences[b]:
                    spec = self.audiences[a][1]
                    if ch.kind in _CONSENT_KINDS and spec.consent != "marketing":
                        continue
                    roas_m, k_m, ctr_m = _SEGMENTS[spec.segment]
                    k = round(ch.k * m.k_scale * k_m * rng.lognormal(0.0, 0.25), 2)
                    roas = m.roas * ch.roas * roas_m * rng.lognormal(0.0, 0.2)
                    alpha = round(2.0 * k * roas, 2)
                    shape = round(rng.uniform(0.6, 1.2), 3)
                    sigma = round(rng.uniform(0.18, 0.35), 3)
                    ctr = min(0.6, ch.ctr * ctr_m * rng.lognormal(0.0, 0.15))
                    cpm = ch.cpm * m.cpm_scale * rng.lognormal(0.0, 0.15)
                    self.pairs.append((c, a))
                    params.append((b, alpha, k, shape, sigma, ctr, cpm))
                    self.truth[(ch.id, self.audience_ids[a])] = {
                        "alpha": alpha,
                        "half_saturation": k,
                        "shape": shape,
                        "noise_sigma": sigma,
                        "campaign_sigma": CAMPAIGN_SIGMA,
                        "roas_at_half_saturation": round(alpha / (2.0 * k), 4),
                    }
        self.pair_index = {p: i for i, p in enumerate(self.pairs)}
        cols = np.array(params).T
        self.p_brand = cols[0].astype(np.int64)
        self.p_alpha, self.p_k, self.p_shape, self.p_sigma, self.p_ctr, self.p_cpm = cols[1:]

    def _pick(self, items: Sequence[int], weights: Sequence[float], k: int) -> list[int]:
        w = np.asarray(weights, dtype=np.float64)
        k = min(k, int(np.count_nonzero(w)))
        chosen = self.rng_plan.choice(len(items), size=k, replace=False, p=w / w.sum())
        return sorted(items[int(i)] for i in chosen)

    def _schedule(self) -> tuple[int, int, str, int]:
        """Start day, end day, status and number of days with outcomes of one campaign."""
        rng = self.rng_plan
        start = int(rng.integers(-40, N_DAYS - 30))
        end = start + int(rng.integers(30, 111)) - 1
        start = max(start, 0)
        end = max(end, start + 20)
        u = rng.random()
        if end >= N_DAYS - 1:
            end, status = N_DAYS - 1, "active" if u < 0.8 else "paused"
        else:
            status = "completed" if u < 0.95 else "cancelled"
        days = end - start + 1
        if status in ("paused", "cancelled"):
            days = max(7, int(days * rng.uniform(0.4, 0.85)))
        return start, end, status, days

    def _mix(self, b: int, objective: str) -> tuple[list[int], list[int], list[int]]:
        """Channels, audiences and channel x audience pairs of a campaign, consent respected."""
        rng = self.rng_plan
        ch_tilt, aud_tilt = _CHANNEL_TILT[objective], _AUDIENCE_TILT[objective]
        mine, pool = self.brand_channels[b], self.brand_audiences[b]
        n_channels = int(rng.choice([2, 3, 4], p=[0.35, 0.45, 0.2]))
        channels = self._pick(mine, [ch_tilt.get(_CHANNELS[c].kind, 1.0) for c in mine], n_channels)
        n_auds = int(rng.choice([1, 2, 3], p=[0.5, 0.38, 0.12]))
        segments = [self.audiences[a][1].segment for a in pool]
        auds = self._pick(pool, [aud_tilt.get(seg, 1.0) for seg in segments], n_auds)
        consented = [a for a in pool if self.audiences[a][1].consent == "marketing"]
        needs_consent = any(_CHANNELS[c].kind in _CONSENT_KINDS for c in channels)
        if needs_consent and not set(auds) & set(consented):
            auds = sorted([*auds, consented[int(rng.integers(len(consented)))]])
        pairs = [
            self.pair_index[(c, a)] for c in channels for a in auds if (c, a) in self.pair_index
        ]
        used = {self.pairs[p][1] for p in pairs}
        return channels, [a for a in auds if a in used], pairs

    def _plan(self, b: int) -> int:
        """Plan one campaign of brand ``b``; returns its number of outcome rows."""
        rng, m, brand = self.rng_plan, self.models[b], BRAND_COPY[b]
        units = list(brand.units)
        unit_weights = [0.35 if u == brand.lead_unit else 1.0 for u in units]
        unit = units[self._pick(range(len(units)), unit_weights, 1)[0]]
        if unit == brand.lead_unit:
            objective = "leads"
        else:
            names = list(m.objectives)
            objective = names[self._pick(range(len(names)), list(m.objectives.values()), 1)[0]]
        product = brand.units[unit][int(rng.integers(len(brand.units[unit])))]
        start, end, status, run_days = self._schedule()
        first = DATA_START + timedelta(days=start)
        themes = [t for t in brand.themes if first.month in t.months] or list(brand.themes)
        theme = themes[int(rng.integers(len(themes)))]
        channels, auds, pairs = self._mix(b, objective)
        scale = rng.lognormal(0.1, 0.45)
        levels = [float(self.p_k[p] * scale * rng.lognormal(0.0, 0.5)) for p in pairs]
        effects = rng.lognormal(-(CAMPAIGN_SIGMA**2) / 2, CAMPAIGN_SIGMA, len(pairs)).tolist()
        self.campaign_count[b] += 1
        n = self.campaign_count[b]
        aud_name = self.audiences[auds[0]][1].name
        if len(auds) > 1:
            aud_name += f" +{len(auds) - 1}"
        name = f"{theme.name} {first.year} · {product.short} · {aud_name}"
        self.names[name] = self.names.get(name, 0) + 1
        if self.names[name] > 1:
            name += f" ({self.names[name]})"
        record: Record = {
            "id": f"cmp-{brand.key}-{n:04d}",
            "brand_id": f"brand-{brand.key}",
            "name": name,
            "objective": objective,
            "business_unit": unit,
            "start_date": first.isoformat(),
            "end_date": _DATES[end],
            "budget": 0.0,  # set from the planned daily spend once concurrency is known
            "status": status,
            "channel_ids": [_CHANNELS[c].id for c in channels],
            "audience_ids": [self.audience_ids[a] for a in auds],
            "asset_ids": [],
        }
        leads = m.leads_everywhere or objective == "leads"
        self.plans.append(
            _Plan(
                record,
                b,
                product,
                theme,
                channels,
                pairs,
                levels,
                effects,
                start,
                end,
                run_days,
                leads,
            )
        )
        return run_days * len(pairs)

    def build(self, outcome_rows: int | None) -> DemoDataset:
        """Plan campaigns, write their creative, simulate outcomes and leads."""
        brands = range(len(BRAND_COPY))
        if outcome_rows is None:
            while any(self.campaign_count[b] < self.models[b].campaigns for b in brands):
                for b in brands:
                    if self.campaign_count[b] < self.models[b].campaigns:
                        self._plan(b)
        else:
            rows = 0
            while rows < outcome_rows:
                for b in brands:
                    rows += self._plan(b)
                    if rows >= outcome_rows:
                        break
        for b, brand in enumerate(BRAND_COPY):
            title, body = render_guideline(brand)
            self._asset(
                b,
                "guideline",
                title,
                body,
                f"https://{brand.domain}/brand",
                _stamp(date(2025, 9, 15), 600, self.tz[b]),
                [],
                f"ast-{brand.key}-guidelines",
            )
        self._creative()
        table, row_brand = self._simulate()
        baseline = self._reports(table, row_brand)
        for p in self.plans:
            p.record["asset_ids"] = sorted(
                {self.assets[i]["id"] for i in p.assets} | set(p.record["asset_ids"])
            )
        return DemoDataset(
            brands=[
                {
                    "id": f"brand-{brand.key}",
                    "name": brand.name,
                    "currency": m.currency,
                    "voice": brand.voice,
                    "guidelines": brand.guidelines,
                    "competitors": list(brand.competitors),
                    "baseline_roas": baseline[b],
                }
                for b, (brand, m) in enumerate(zip(BRAND_COPY, self.models, strict=True))
            ],
            channels=[
                {"id": c.id, "name": c.name, "kind": c.kind, "platform": c.platform}
                for c in _CHANNELS
            ],
            audiences=[
                {
                    "id": self.audience_ids[i],
                    "name": a.name,
                    "brand_id": f"brand-{BRAND_COPY[b].key}",
                    "description": a.description,
                    "size": a.size,
                    "consent": a.consent,
                    "region": a.region,
                }
                for i, (b, a) in enumerate(self.audiences)
            ],
            campaigns=[p.record for p in self.plans],
            assets=self.assets,
            leads=self._leads(table, row_brand),
            table=table,
            truth=self.truth,
            seasonality={
                f"brand-{brand.key}": dict(zip(_DATES, self.season[b].tolist(), strict=True))
                for b, brand in enumerate(BRAND_COPY)
            },
        )

    def _asset(
        self,
        b: int,
        kind: str,
        title: str,
        body: str,
        url: str,
        created: str,
        campaign_ids: list[str],
        asset_id: str | None = None,
    ) -> int:
        brand = BRAND_COPY[b]
        if asset_id is None:
            self.asset_count[b] += 1
            asset_id = f"ast-{brand.key}-{self.asset_count[b]:05d}"
        self.assets.append(
            {
                "id": asset_id,
                "brand_id": f"brand-{brand.key}",
                "kind": kind,
                "title": title,
                "body": body,
                "url": url,
                "created_at": created,
                "campaign_ids": campaign_ids,
                "language": brand.language,
            }
        )
        return len(self.assets) - 1

    def _creative(self) -> None:
        """One creative per campaign and channel (per audience for email and SMS), plus blogs."""
        rng = self.text
        for i, p in enumerate(self.plans):
            brand, cid = BRAND_COPY[p.brand], p.record["id"]
            first = DATA_START + timedelta(days=p.start)
            slug = "-".join(
                f"{p.theme.name} {p.product.short}".lower()
                .replace("&", "and")
                .replace("'", "")
                .replace(",", "")
                .replace("°", "")
                .split()
            )
            made = _stamp(
                first - timedelta(days=rng.randint(3, 21)),
                rng.randint(8 * 60, 18 * 60),
                self.tz[p.brand],
            )
            by_pair: dict[int, int] = {}
            for c in p.channels:
                ch = _CHANNELS[c]
                mine = [q for q in p.pairs if self.pairs[q][0] == c]
                groups = [[q] for q in mine] if ch.kind in _CONSENT_KINDS else [mine]
                for group in groups:
                    audience = self.audiences[self.pairs[group[0]][1]][1]
                    source = ch.platform.lower().split()[0]
                    url = (
                        f"https://{brand.domain}/lp/{slug}?utm_source={source}"
                        f"&utm_medium={_MEDIUM[ch.kind]}&utm_campaign={cid}&utm_content={audience.key}"
                    )
                    ctx = CopyContext(p.theme, p.product, audience, url, first.month)
                    kind, title, body = render_creative(brand, ch.kind, ctx, rng)
                    n = self.asset_count[p.brand] + 1
                    if kind in ("image", "video"):
                        ext = "jpg" if kind == "image" else "mp4"
                        url = f"https://cdn.{brand.domain}/creative/{brand.key}-{n:05d}.{ext}"
                    index = self._asset(p.brand, kind, title, body, url, made, [cid])
                    by_pair.update(dict.fromkeys(group, index))
            p.assets = [by_pair[q] for q in p.pairs]
            if i % 3 == 0:
                ctx = CopyContext(
                    p.theme,
                    p.product,
                    self.audiences[self.pairs[p.pairs[0]][1]][1],
                    "",
                    first.month,
                )
                title, body = render_blog(brand, ctx, rng)
                blog_slug = "-".join(
                    "".join(ch for ch in title.lower() if ch.isalnum() or ch == " ").split()
                )
                self.slugs[blog_slug] = self.slugs.get(blog_slug, 0) + 1
                if self.slugs[blog_slug] > 1:
                    blog_slug += f"-{self.slugs[blog_slug]}"
                index = self._asset(
                    p.brand,
                    "blog",
                    title,
                    body,
                    f"https://{brand.domain}/journal/{blog_slug}",
                    made,
                    [cid],
                )
                p.record["asset_ids"].append(self.assets[index]["id"])

    def _simulate(self) -> tuple[OutcomeTable, IntArray]:
        """Daily rows for every campaign x channel x audience while the campaign runs."""
        rng = self.rng_sim
        segs = [
            (q, level, effect, p.start, p.run_days, ci, asset, p.leads, p.end)
            for ci, p in enumerate(self.plans)
            for q, level, effect, asset in zip(p.pairs, p.levels, p.effects, p.assets, strict=True)
        ]
        cols = np.array(segs, dtype=np.float64).T
        s_pair, s_start, s_days, s_cmp, s_asset, s_end = (
            cols[i].astype(np.int64) for i in (0, 3, 4, 5, 6, 8)
        )
        n = int(s_days.sum())
        seg = np.repeat(np.arange(s_days.size), s_days)
        day = s_start[seg] + np.arange(n) - np.repeat(np.cumsum(s_days) - s_days, s_days)
        order = np.argsort(day, kind="stable")
        seg, day = seg[order], day[order]
        pair = s_pair[seg]
        brand = self.p_brand[pair]
        # The curve is per channel x audience and day, so campaigns sharing a pair split the
        # spend: divide each level by the pair's average number of concurrent campaigns.
        cell = pair * N_DAYS + day
        n_pairs = len(self.pairs)
        busy = np.bincount(np.unique(cell) // N_DAYS, minlength=n_pairs)
        concurrency = np.bincount(pair, minlength=n_pairs) / np.maximum(busy, 1)
        level = cols[1] / concurrency[s_pair]
        self._set_budgets(level, s_pair, s_start, s_end, s_cmp)
        # Budgets change once mid-flight (at a random day, by a lognormal factor).
        step_day = s_start + (s_days * rng.uniform(0.2, 0.8, s_days.size)).astype(np.int64)
        step = np.where(day >= step_day[seg], rng.lognormal(0.0, 0.35, s_days.size)[seg], 1.0)
        spend = level[seg] * step * self.spend_season[brand, day]
        spend *= rng.lognormal(-0.03, 0.25, n)
        spend = np.maximum(np.round(spend, 2), 0.01)
        total = np.bincount(cell, weights=spend, minlength=n_pairs * N_DAYS)[cell]
        shape, sigma = self.p_shape[pair], self.p_sigma[pair]
        x = total**shape
        expected = self.p_alpha[pair] * x / (self.p_k[pair] ** shape + x) * spend / total
        expected *= self.season[brand, day] * cols[2][seg]
        revenue = np.round(expected * np.exp(rng.normal(-0.5 * sigma**2, sigma)), 2)
        impressions = rng.poisson(spend / self.p_cpm[pair] * 1000.0 * rng.lognormal(0.0, 0.12, n))
        ctr = np.clip(self.p_ctr[pair] * rng.lognormal(0.0, 0.15, n), 0.0, 0.9)
        clicks = rng.binomial(impressions, ctr)
        aov = np.array([m.aov for m in self.models])[brand]
        conversions = np.minimum(rng.poisson(revenue / aov), clicks)
        per_lead = np.array([m.value_per_lead for m in self.models])[brand]
        leads = rng.poisson(np.where(cols[7][seg] > 0, revenue / per_lead, 0.0))
        pairs = np.array(self.pairs, dtype=np.int64).reshape(-1, 2)
        table = OutcomeTable(
            day=day,
            campaign=s_cmp[seg],
            channel=pairs[pair, 0],
            audience=pairs[pair, 1],
            asset=s_asset[seg],
            spend=spend,
            impressions=impressions.astype(np.int64),
            clicks=clicks.astype(np.int64),
            conversions=conversions.astype(np.int64),
            revenue=revenue,
            leads=leads.astype(np.int64),
            season=self.season[brand, day],
            campaign_ids=[p.record["id"] for p in self.plans],
            channel_ids=[c.id for c in _CHANNELS],
            audience_ids=self.audience_ids,
            asset_ids=[a["id"] for a in self.assets],
        )
        return table, brand

    def _set_budgets(
        self, level: FloatArray, pair: IntArray, start: IntArray, end: IntArray, cmp: IntArray
    ) -> None:
        """Budget = planned daily spend over the planned dates, give or take a few percent."""
        brand = self.p_brand[pair]
        cumulative = np.concatenate(
            [np.zeros((len(BRAND_COPY), 1)), np.cumsum(self.spend_season, axis=1)], axis=1
        )
        planned = level * (cumulative[brand, end + 1] - cumulative[brand, start])
        per_campaign = np.bincount(cmp, weights=planned, minlength=len(self.plans))
        margin = self.rng_sim.uniform(0.97, 1.08, len(self.plans))
        for p, budget in zip(self.plans, (per_campaign * margin / 50).round() * 50, strict=True):
            p.record["budget"] = float(budget)

    def _reports(self, t: OutcomeTable, row_brand: IntArray) -> list[float]:
        """Write each brand's period reviews; returns each brand's twelve-month ROAS."""
        nb, nc, np_ = len(BRAND_COPY), len(_CHANNELS), len(self.plans)
        spend = np.bincount(row_brand, weights=t.spend, minlength=nb)
        revenue = np.bincount(row_brand, weights=t.revenue, minlength=nb)
        baseline = [
            round(float(r / s), 2) if s > 0 else 0.0 for r, s in zip(revenue, spend, strict=True)
        ]
        for b, brand in enumerate(BRAND_COPY):
            for slug, label, lo, hi, published in _PERIODS:
                mask = (row_brand == b) & (t.day >= lo) & (t.day < hi)
                if not mask.any():
                    continue
                sp = np.bincount(t.channel[mask], weights=t.spend[mask], minlength=nc)
                rv = np.bincount(t.channel[mask], weights=t.revenue[mask], minlength=nc)
                csp = np.bincount(t.campaign[mask], weights=t.spend[mask], minlength=np_)
                crv = np.bincount(t.campaign[mask], weights=t.revenue[mask], minlength=np_)
                top = np.argsort(-crv, kind="stable")[:3].tolist()
                stats = ReportStats(
                    period=label,
                    currency=self.models[b].currency,
                    spend=float(sp.sum()),
                    revenue=float(rv.sum()),
                    conversions=int(t.conversions[mask].sum()),
                    leads=int(t.leads[mask].sum()),
                    campaigns=int(np.count_nonzero(csp)),
                    baseline_roas=None if slug.endswith("ttm") else baseline[b],
                    channels=tuple(
                        (_CHANNELS[c].name, float(sp[c]), float(rv[c]))
                        for c in np.argsort(-sp, kind="stable").tolist()
                        if sp[c] > 0
                    ),
                    top_campaigns=tuple(
                        (
                            t.campaign_ids[c],
                            self.plans[c].record["name"],
                            float(csp[c]),
                            float(crv[c]),
                        )
                        for c in top
                        if csp[c] > 0
                    ),
                )
                title, body = render_report(brand, stats)
                self._asset(
                    b,
                    "report",
                    title,
                    body,
                    f"https://{brand.domain}/internal/reports/{slug}",
                    _stamp(published, 600, self.tz[b]),
                    [],
                    f"ast-{brand.key}-report-{slug}",
                )
        return baseline

    def _leads(self, t: OutcomeTable, row_brand: IntArray) -> list[Record]:
        """One CRM lead per lead counted in the outcomes, with owner, response and stage."""
        rng = self.rng_leads
        rows = np.flatnonzero(t.leads)
        rep = np.repeat(rows, t.leads[rows])
        n = int(rep.size)
        minute = np.clip(
            rng.normal(np.where(rng.random(n) < 0.55, 630.0, 870.0), 110.0), 360.0, 1379.0
        ) + rng.random(n)
        draws = zip(
            rep.tolist(),
            minute.tolist(),
            rng.random(n).tolist(),
            rng.lognormal(0.0, 1.0, n).tolist(),
            rng.random(n).tolist(),
            rng.random(n).tolist(),
            rng.lognormal(0.0, 0.6, n).tolist(),
            rng.lognormal(0.0, 0.45, n).tolist(),
            strict=True,
        )
        days, brands = t.day.tolist(), row_brand.tolist()
        ends = [datetime.combine(DATA_END, time(23, 59, 59), tz) for tz in self.tz]
        count = [0] * len(BRAND_COPY)
        out: list[Record] = []
        for r, minutes, u_owner, z_delay, u_resp, u, z_close, z_value in draws:
            b = brands[r]
            m, end = self.models[b], ends[b]
            created = datetime.combine(DATA_START + timedelta(days=days[r]), time(), self.tz[b])
            created += timedelta(minutes=round(minutes, 2))
            age = (end - created).total_seconds() / 86400.0
            owner: str | None = None
            first: datetime | None = None
            converted: datetime | None = None
            value: float | None = None
            stage, delay = "new", 0.0
            if u_owner < 0.96:
                owner, median = m.owners[int(u_owner / 0.96 * len(m.owners))]
                delay = median * z_delay
                answer = _working_hours(created + timedelta(minutes=round(delay)))
                if u_resp > 0.04 and answer <= end:
                    first = answer
            if first is not None:
                p_won = m.win_rate * (1.5 if delay < 60 else 1.0 if delay < 1440 else 0.55)
                p_lost = 0.3 + (0.15 if age > 60 else 0.0)
                deal = round(m.deal_value * z_value, 2)
                if u < p_won:
                    closed = first + timedelta(hours=round(24 * m.close_days * z_close))
                    if closed <= end:
                        stage, converted, value = "won", closed, deal
                    else:
                        stage, value = "opportunity", float(round(deal, -2))
                elif u < p_won + p_lost:
                    stage = "lost"
                elif age < 10:
                    stage = "contacted"
                elif u > 0.85:
                    stage, value = "opportunity", float(round(deal, -2))
                else:
                    stage = "qualified" if age < 45 else "nurture"
            count[b] += 1
            out.append(
                {
                    "id": f"lead-{BRAND_COPY[b].key}-{count[b]:06d}",
                    "created_at": created.isoformat(timespec="seconds"),
                    "campaign_id": t.campaign_ids[int(t.campaign[r])],
                    "channel_id": t.channel_ids[int(t.channel[r])],
                    "owner": owner,
                    "first_response_at": first.isoformat(timespec="seconds") if first else None,
                    "stage": stage,
                    "converted_at": converted.isoformat(timespec="seconds") if converted else None,
                    "value": value,
                }
            )
        return out
