"""CRM leads: one per lead counted in the outcomes, with owner, first response and stage."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import numpy as np

from demo.outcomes import OutcomeTable
from demo.state import BuildState
from demo.tables import DATA_END, DATA_START, IntArray, Record
from demo.text import BRAND_COPY


def draw_leads(state: BuildState, t: OutcomeTable, row_brand: IntArray) -> list[Record]:
    """One CRM lead per lead counted in the outcomes, with owner, response and stage."""
    rng = state.rng_leads
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
    ends = [datetime.combine(DATA_END, time(23, 59, 59), tz) for tz in state.tz]
    count = [0] * len(BRAND_COPY)
    out: list[Record] = []
    for r, minutes, u_owner, z_delay, u_resp, u, z_close, z_value in draws:
        b = brands[r]
        m, end = state.models[b], ends[b]
        created = datetime.combine(DATA_START + timedelta(days=days[r]), time(), state.tz[b])
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


def _working_hours(moment: datetime) -> datetime:
    """Move a sales reply that falls at night to 8 a.m. (same minute) the next morning."""
    if moment.hour >= 19:
        moment += timedelta(days=1)
    return moment.replace(hour=8) if moment.hour >= 19 or moment.hour < 8 else moment
