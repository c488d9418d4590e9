"""Generate a demo data set: plan campaigns, write their copy, simulate outcomes and leads,
and add the competitor copy a team would have ingested."""

from __future__ import annotations

import os
from datetime import date, timedelta

from demo.assets import write_creative, write_guidelines
from demo.campaigns import plan_campaign
from demo.competitors import rival_brands, write_rival_assets
from demo.dataset import DemoDataset
from demo.leads import draw_leads
from demo.outcomes import simulate
from demo.reports import write_reports
from demo.shift import shift_dates
from demo.state import BuildState
from demo.tables import CHANNELS, DATA_END, DATES
from demo.text import BRAND_COPY

DEMO_END_ENV = "MARKETGRAPH_DEMO_END"


def generate(
    seed: int = 7, outcome_rows: int | None = None, extras: bool = False, end: date | None = None
) -> DemoDataset:
    """Generate the demo data set; ``outcome_rows`` scales it to about that many outcome rows.

    ``extras`` adds what the use cases need to show (creative tests, localised posts, a
    slower handoff; see :mod:`demo.extras`) without changing the base records.

    The data set is a year of days ending on ``end``: by default yesterday (or the day in
    ``MARKETGRAPH_DEMO_END``), so its recent stories stay recent. The story itself is the
    same for every ``end`` and seed: the year is generated on a fixed calendar ending on
    ``DATA_END`` and every date and timestamp is then moved by whole days (ids, amounts
    and texts do not change).
    """
    if outcome_rows is not None and outcome_rows < 1:
        raise ValueError("outcome_rows must be positive")
    dataset = build(BuildState(seed), outcome_rows)
    if extras:
        from demo.extras import add_extras

        add_extras(dataset, seed)
    shift_dates(dataset, (last_day(end) - DATA_END).days)
    return dataset


def last_day(end: date | None = None) -> date:
    """The demo's last day: ``end``, else ``MARKETGRAPH_DEMO_END``, else yesterday."""
    if end is not None:
        return end
    configured = os.environ.get(DEMO_END_ENV, "").strip()
    if configured:
        try:
            return date.fromisoformat(configured)
        except ValueError:
            raise ValueError(
                f"{DEMO_END_ENV}={configured!r} is not a date; write it as YYYY-MM-DD"
            ) from None
    return date.today() - timedelta(days=1)


def build(state: BuildState, outcome_rows: int | None) -> DemoDataset:
    """Plan campaigns, write their creative, simulate outcomes and leads."""
    _plan_campaigns(state, outcome_rows)
    write_guidelines(state)
    write_creative(state)
    table, row_brand = simulate(state)
    baseline = write_reports(state, table, row_brand)
    write_rival_assets(state)
    for p in state.plans:
        p.record["asset_ids"] = sorted(
            {state.assets[i]["id"] for i in p.assets} | set(p.record["asset_ids"])
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
            for b, (brand, m) in enumerate(zip(BRAND_COPY, state.models, strict=True))
        ]
        + rival_brands(),
        channels=[
            {"id": c.id, "name": c.name, "kind": c.kind, "platform": c.platform} for c in CHANNELS
        ],
        audiences=[
            {
                "id": state.audience_ids[i],
                "name": a.name,
                "brand_id": f"brand-{BRAND_COPY[b].key}",
                "description": a.description,
                "size": a.size,
                "consent": a.consent,
                "region": a.region,
            }
            for i, (b, a) in enumerate(state.audiences)
        ],
        campaigns=[p.record for p in state.plans],
        assets=state.assets,
        leads=draw_leads(state, table, row_brand),
        table=table,
        truth=state.truth,
        seasonality={
            f"brand-{brand.key}": dict(zip(DATES, state.season[b].tolist(), strict=True))
            for b, brand in enumerate(BRAND_COPY)
        },
    )


def _plan_campaigns(state: BuildState, outcome_rows: int | None) -> None:
    """Each brand's usual number of campaigns, or round-robin until ``outcome_rows`` is reached."""
    brands = range(len(BRAND_COPY))
    if outcome_rows is None:
        while any(state.campaign_count[b] < state.models[b].campaigns for b in brands):
            for b in brands:
                if state.campaign_count[b] < state.models[b].campaigns:
                    plan_campaign(state, b)
    else:
        rows = 0
        while rows < outcome_rows:
            for b in brands:
                rows += plan_campaign(state, b)
                if rows >= outcome_rows:
                    break
