"""Copy corpus of the demo data set: three brands, their audiences, phrase banks, templates.

:mod:`ingest.demo` fills the templates from the banks with a seeded RNG, so text is reproducible.
"""

from __future__ import annotations

from ingest.demo.text.base import AudienceSpec, BrandCopy, Product, Theme
from ingest.demo.text.creative import render_blog, render_creative
from ingest.demo.text.documents import ReportStats, render_guideline, render_report
from ingest.demo.text.emberoak import EMBER_OAK
from ingest.demo.text.ledgerline import LEDGERLINE
from ingest.demo.text.templates import CopyContext, season_word
from ingest.demo.text.trailhead import TRAILHEAD

BRAND_COPY: tuple[BrandCopy, ...] = (TRAILHEAD, LEDGERLINE, EMBER_OAK)

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
