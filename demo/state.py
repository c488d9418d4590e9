"""State shared by the build steps: RNG streams, lookups, drawn truth, plans and assets."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import timedelta, timezone

import numpy as np

from demo.models import MODELS, season_curve
from demo.tables import CAMPAIGN_SIGMA, CHANNELS, CONSENT_KINDS, SEGMENTS, Record
from demo.text import BRAND_COPY, AudienceSpec, Product, Theme
from demo.text.rivals import Rival


@dataclass
class Plan:
    """A campaign before outcomes are simulated; ``pairs`` index ``BuildState.pairs``."""

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


class BuildState:
    """Holds the RNG streams and lookups while one data set is generated."""

    def __init__(self, seed: int) -> None:
        # A sixth stream for competitor copy: spawning one more leaves the first five as
        # they were, so the other records do not change with it.
        seqs = np.random.SeedSequence(seed).spawn(6)
        self.rng_truth, self.rng_plan, self.rng_sim, self.rng_leads = (
            np.random.default_rng(s) for s in seqs[:4]
        )
        self.text = random.Random(int(seqs[4].generate_state(1)[0]))
        self.rivals = random.Random(int(seqs[5].generate_state(1)[0]))
        self.models = [MODELS[b.key] for b in BRAND_COPY]
        self.tz = [timezone(timedelta(hours=m.utc_offset)) for m in self.models]
        self.audiences: list[tuple[int, AudienceSpec]] = [
            (b, a) for b, brand in enumerate(BRAND_COPY) for a in brand.audiences
        ]
        self.audience_ids = [f"aud-{BRAND_COPY[b].key}-{a.key}" for b, a in self.audiences]
        self.brand_audiences = [
            [i for i, (b, _) in enumerate(self.audiences) if b == brand]
            for brand in range(len(BRAND_COPY))
        ]
        index = {c.id: i for i, c in enumerate(CHANNELS)}
        self.brand_channels = [[index[c] for c in m.channels] for m in self.models]
        self.season = np.stack([season_curve(m) for m in self.models])
        follow = np.array([m.spend_follow for m in self.models])
        self.spend_season = self.season ** follow[:, None]
        self.plans: list[Plan] = []
        self.names: dict[str, int] = {}  # campaign names and blog slugs seen, to keep them unique
        self.slugs: dict[str, int] = {}
        self.assets: list[Record] = []
        self.asset_count = [0] * len(BRAND_COPY)
        self.campaign_count = [0] * len(BRAND_COPY)
        self._draw_truth()

    def _draw_truth(self) -> None:
        """Response curve, CTR and CPM of every channel x audience pair consent allows."""
        rng = self.rng_truth
        self.pairs: list[tuple[int, int]] = []
        self.truth: dict[tuple[str, str], dict[str, float]] = {}
        params: list[tuple[float, ...]] = []
        for b, m in enumerate(self.models):
            for c in self.brand_channels[b]:
                ch = CHANNELS[c]
                for a in self.brand_audiences[b]:
                    spec = self.audiences[a][1]
                    if ch.kind in CONSENT_KINDS and spec.consent != "marketing":
                        continue
                    roas_m, k_m, ctr_m = SEGMENTS[spec.segment]
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

    def tz_of(self, rival: Rival) -> timezone:
        """A rival's time zone: the one of the brand it competes with."""
        brand = next(b for b, copy in enumerate(BRAND_COPY) if copy.key == rival.rival_of)
        return self.tz[brand]

    def add_asset(
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
        """Append an asset record of brand ``b`` (numbered unless ``asset_id``); its index."""
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
