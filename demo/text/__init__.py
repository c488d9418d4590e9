"""Copy corpus of the demo data set: three brands, their audiences, phrase banks, templates.

:mod:`demo` fills the templates from the banks with a seeded RNG, so text is reproducible.
"""

from __future__ import annotations

from demo.text.base import AudienceSpec, BrandCopy, Product, Theme
from demo.text.creative import render_blog, render_creative
from demo.text.documents import ReportStats, render_guideline, render_report
from demo.text.emberoak import EMBER_OAK
from demo.text.ledgerline import LEDGERLINE
from demo.text.templates import CopyContext, season_word
from demo.text.trailhead import TRAILHEAD

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
