"""Campaign planning: product, theme, schedule and channel x audience mix of each campaign."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import numpy as np

from demo.state import BuildState, Plan
from demo.tables import (
    AUDIENCE_TILT,
    CAMPAIGN_SIGMA,
    CHANNEL_TILT,
    CHANNELS,
    CONSENT_KINDS,
    DATA_START,
    DATES,
    N_DAYS,
    Record,
)
from demo.text import BRAND_COPY


def plan_campaign(state: BuildState, b: int) -> int:
    """Plan one campaign of brand ``b``; returns its number of outcome rows."""
    rng, m, brand = state.rng_plan, state.models[b], BRAND_COPY[b]
    units = list(brand.units)
    unit_weights = [0.35 if u == brand.lead_unit else 1.0 for u in units]
    unit = units[_pick(state, range(len(units)), unit_weights, 1)[0]]
    if unit == brand.lead_unit:
        objective = "leads"
    else:
        names = list(m.objectives)
        objective = names[_pick(state, range(len(names)), list(m.objectives.values()), 1)[0]]
    product = brand.units[unit][int(rng.integers(len(brand.units[unit])))]
    start, end, status, run_days = _schedule(state)
    first = DATA_START + timedelta(days=start)
    themes = [t for t in brand.themes if first.month in t.months] or list(brand.themes)
    theme = themes[int(rng.integers(len(themes)))]
    channels, auds, pairs = _mix(state, b, objective)
    scale = rng.lognormal(0.1, 0.45)
    levels = [float(state.p_k[p] * scale * rng.lognormal(0.0, 0.5)) for p in pairs]
    effects = rng.lognormal(-(CAMPAIGN_SIGMA**2) / 2, CAMPAIGN_SIGMA, len(pairs)).tolist()
    state.campaign_count[b] += 1
    n = state.campaign_count[b]
    aud_name = state.audiences[auds[0]][1].name
    if len(auds) > 1:
        aud_name += f" +{len(auds) - 1}"
    name = f"{theme.name} {first.year} · {product.short} · {aud_name}"
    state.names[name] = state.names.get(name, 0) + 1
    if state.names[name] > 1:
        name += f" ({state.names[name]})"
    record: Record = {
        "id": f"cmp-{brand.key}-{n:04d}",
        "brand_id": f"brand-{brand.key}",
        "name": name,
        "objective": objective,
        "business_unit": unit,
        "start_date": first.isoformat(),
        "end_date": DATES[end],
        "budget": 0.0,  # set from the planned daily spend once concurrency is known
        "status": status,
        "channel_ids": [CHANNELS[c].id for c in channels],
        "audience_ids": [state.audience_ids[a] for a in auds],
        "asset_ids": [],
    }
    leads = m.leads_everywhere or objective == "leads"
    state.plans.append(
        Plan(
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


def _pick(state: BuildState, items: Sequence[int], weights: Sequence[float], k: int) -> list[int]:
    """``k`` of ``items`` without replacement, chosen with probability ~ ``weights``; sorted."""
    w = np.asarray(weights, dtype=np.float64)
    k = min(k, int(np.count_nonzero(w)))
    chosen = state.rng_plan.choice(len(items), size=k, replace=False, p=w / w.sum())
    return sorted(items[int(i)] for i in chosen)


def _schedule(state: BuildState) -> tuple[int, int, str, int]:
    """Start day, end day, status and number of days with outcomes of one campaign."""
    rng = state.rng_plan
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


def _mix(state: BuildState, b: int, objective: str) -> tuple[list[int], list[int], list[int]]:
    """Channels, audiences and channel x audience pairs of a campaign, consent respected."""
    rng = state.rng_plan
    ch_tilt, aud_tilt = CHANNEL_TILT[objective], AUDIENCE_TILT[objective]
    mine, pool = state.brand_channels[b], state.brand_audiences[b]
    n_channels = int(rng.choice([2, 3, 4], p=[0.35, 0.45, 0.2]))
    channels = _pick(state, mine, [ch_tilt.get(CHANNELS[c].kind, 1.0) for c in mine], n_channels)
    n_auds = int(rng.choice([1, 2, 3], p=[0.5, 0.38, 0.12]))
    segments = [state.audiences[a][1].segment for a in pool]
    auds = _pick(state, pool, [aud_tilt.get(seg, 1.0) for seg in segments], n_auds)
    consented = [a for a in pool if state.audiences[a][1].consent == "marketing"]
    needs_consent = any(CHANNELS[c].kind in CONSENT_KINDS for c in channels)
    if needs_consent and not set(auds) & set(consented):
        auds = sorted([*auds, consented[int(rng.integers(len(consented)))]])
    pairs = [state.pair_index[(c, a)] for c in channels for a in auds if (c, a) in state.pair_index]
    used = {state.pairs[p][1] for p in pairs}
    return channels, [a for a in auds if a in used], pairs
