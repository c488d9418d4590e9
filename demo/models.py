"""Numbers behind each demo brand (economics, channel mix, seasonality) and the response curve."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt

from demo.tables import DATA_START, N_DAYS, FloatArray


@dataclass(frozen=True)
class BrandModel:
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


MODELS: dict[str, BrandModel] = {
    "trailhead": BrandModel(
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
    "ledgerline": BrandModel(
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
    "emberoak": BrandModel(
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


def hill(spend: npt.ArrayLike, alpha: float, half_saturation: float, shape: float) -> FloatArray:
    """Expected daily revenue of ``spend`` on a saturating (Hill) curve, before seasonality."""
    x = np.asarray(spend, dtype=np.float64) ** shape
    result: FloatArray = alpha * x / (half_saturation**shape + x)
    return result


def season_curve(m: BrandModel) -> FloatArray:
    """Multiplicative seasonal factor on revenue for each day: weekly, yearly and events."""
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
