"""Compatibility alias: the demo copy corpus now lives in :mod:`ingest.demo.text`.

Kept only because ``bench/retrieval_set.py`` still imports ``BRAND_COPY`` and ``BrandCopy``
from here; both are also exported by :mod:`ingest.demo`. Delete once that import moves.
"""

from __future__ import annotations

from ingest.demo.text import (
    BRAND_COPY,
    EMBER_OAK,
    LEDGERLINE,
    TRAILHEAD,
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
    season_word,
)

__all__ = [
    "BRAND_COPY",
    "EMBER_OAK",
    "LEDGERLINE",
    "TRAILHEAD",
    "AudienceSpec",
    "BrandCopy",
    "CopyContext",
    "Product",
    "ReportStats",
    "Theme",
    "render_blog",
    "render_creative",
    "render_guideline",
    "render_report",
    "season_word",
]
