"""Period performance reviews of each brand, written as report assets from the outcomes."""

from __future__ import annotations

from datetime import date

import numpy as np

from demo.outcomes import OutcomeTable
from demo.state import BuildState
from demo.tables import CHANNELS, N_DAYS, IntArray, stamp
from demo.text import BRAND_COPY, ReportStats, render_report

_PERIODS = (  # report slug, label, first day, end day (exclusive), publication date
    ("2026-winter", "Winter 2025/26 (December to February)", 0, 90, date(2026, 3, 6)),
    ("2026-spring", "Spring 2026 (March to May)", 90, 182, date(2026, 6, 5)),
    ("2026-summer", "Summer 2026 (June to August)", 182, 274, date(2026, 9, 4)),
    ("2026-ttm", "the twelve months to 30 November 2026", 0, N_DAYS, date(2026, 11, 30)),
)


def write_reports(state: BuildState, t: OutcomeTable, row_brand: IntArray) -> list[float]:
    """Write each brand's period reviews; returns each brand's twelve-month ROAS."""
    nb, nc, np_ = len(BRAND_COPY), len(CHANNELS), len(state.plans)
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
                currency=state.models[b].currency,
                spend=float(sp.sum()),
                revenue=float(rv.sum()),
                conversions=int(t.conversions[mask].sum()),
                leads=int(t.leads[mask].sum()),
                campaigns=int(np.count_nonzero(csp)),
                baseline_roas=None if slug.endswith("ttm") else baseline[b],
                channels=tuple(
                    (CHANNELS[c].name, float(sp[c]), float(rv[c]))
                    for c in np.argsort(-sp, kind="stable").tolist()
                    if sp[c] > 0
                ),
                top_campaigns=tuple(
                    (
                        t.campaign_ids[c],
                        state.plans[c].record["name"],
                        float(csp[c]),
                        float(crv[c]),
                    )
                    for c in top
                    if csp[c] > 0
                ),
            )
            title, body = render_report(brand, stats)
            state.add_asset(
                b,
                "report",
                title,
                body,
                f"https://{brand.domain}/internal/reports/{slug}",
                stamp(published, 600, state.tz[b]),
                [],
                f"ast-{brand.key}-report-{slug}",
            )
    return baseline
