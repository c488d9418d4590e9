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
#
# Layout: tables.py (fields, calendar, channels, segments), models.py (brand economics, Hill
# curve, seasonality), text/ (copy corpus: one module per brand, templates and renderers),
# state.py (RNG streams and lookups of one run), one build step per kind (campaigns.py,
# assets.py, outcomes.py, reports.py, leads.py), builder.py (generate) and dataset.py
# (DemoDataset, writing).

from __future__ import annotations

from demo.builder import generate
from demo.dataset import DemoDataset, csv_cell
from demo.models import hill
from demo.outcomes import OutcomeTable
from demo.parts import dataset_parts
from demo.tables import (
    CAMPAIGN_SIGMA,
    DATA_END,
    DATA_START,
    FIELDS,
    KIND_ORDER,
    N_DAYS,
    FloatArray,
    IntArray,
    Record,
)
from demo.text import (
    BRAND_COPY,
    AudienceSpec,
    BrandCopy,
    CopyContext,
    Product,
    ReportStats,
    Theme,
    render_blog,
    render_creative,
    render_guideline,
    render_report,
)

__all__ = [
    "BRAND_COPY",
    "CAMPAIGN_SIGMA",
    "DATA_END",
    "DATA_START",
    "FIELDS",
    "KIND_ORDER",
    "N_DAYS",
    "AudienceSpec",
    "BrandCopy",
    "CopyContext",
    "DemoDataset",
    "FloatArray",
    "IntArray",
    "OutcomeTable",
    "Product",
    "Record",
    "ReportStats",
    "Theme",
    "csv_cell",
    "dataset_parts",
    "generate",
    "hill",
    "render_blog",
    "render_creative",
    "render_guideline",
    "render_report",
]
