"""The brand-consistency score, calibrated on the demo corpus: the three brands' real copy,
scored against its own brand (held out) and against the other brands."""

from __future__ import annotations

import numpy as np
import pytest

from agents.content import THRESHOLD, BrandProfile, ConsistencyScorer
from demo import generate

CREATIVE = {"ad_copy", "email", "social_post", "landing_page", "blog", "image", "video"}
DEMO = generate(seed=8)  # not the seed the weights were tuned on (7)
# The three demo brands with a voice of their own (the competitor brands the demo adds for
# research have a few pieces of copy and no voice: too little to calibrate on).
BRANDS = {b["id"]: BrandProfile.from_node(b) for b in DEMO.brands if b.get("voice")}
TEXTS = {
    bid: [
        f"{a['title']}\n{a['body']}"
        for a in DEMO.assets
        if a["brand_id"] == bid and a["kind"] in CREATIVE
    ]
    for bid in BRANDS
}
TRAIL = BRANDS["brand-trailhead"]
FOLDS = 4


def _folds(with_contrast: bool) -> tuple[list[float], list[float]]:
    """Own copy scored with its fold held out; other brands' copy scored as this brand's."""
    own, cross = [], []
    for bid, brand in BRANDS.items():
        mine = TEXTS[bid]
        others = [t for o, ts in TEXTS.items() if o != bid for t in ts]
        contrast, foreign = (others[::2], others[1::2]) if with_contrast else ([], others)
        for k in range(FOLDS):
            held = mine[k::FOLDS]
            train = [t for i, t in enumerate(mine) if i % FOLDS != k]
            scorer = ConsistencyScorer(brand, train, contrast)
            own += [scorer.score(t).score for t in held]
            cross += [scorer.score(t).score for t in foreign[k :: FOLDS * 3]]
    return own, cross


@pytest.fixture(scope="module")
def trail_scorer() -> ConsistencyScorer:
    others = [t for o, ts in TEXTS.items() if o != TRAIL.id for t in ts]
    return ConsistencyScorer(TRAIL, TEXTS[TRAIL.id][10:], others)


@pytest.mark.parametrize("with_contrast", [True, False])
def test_own_copy_scores_high_and_other_brands_copy_low(with_contrast: bool) -> None:
    own, cross = _folds(with_contrast)
    assert len(own) > 300 and len(cross) > 100
    assert np.mean(np.array(own) >= THRESHOLD) >= 0.95
    assert np.mean(np.array(cross) < THRESHOLD) >= 0.97
    assert np.median(own) - np.median(cross) > 0.3


def test_naming_a_competitor_fails_even_in_the_brands_words(
    trail_scorer: ConsistencyScorer,
) -> None:
    text = TEXTS[TRAIL.id][0]
    clean = trail_scorer.score(text)
    named = trail_scorer.score(text + "\nLighter than anything from Patagonia.")
    assert clean.passed and not named.passed
    assert named.score < THRESHOLD and [v.detail for v in named.violations] == ["Patagonia"]
    short = ConsistencyScorer(BRANDS["brand-emberoak"], TEXTS["brand-emberoak"][:40])
    assert [v.detail for v in short.violations("Better than Pact, honestly.")] == ["Pact Coffee"]
    assert short.violations("Three single origins in one box.") == []  # not "Origin Coffee"


def test_banned_terms_discounts_and_shouting_cost_points(trail_scorer: ConsistencyScorer) -> None:
    text = TEXTS[TRAIL.id][1]
    base = trail_scorer.score(text).score
    cheap = trail_scorer.score(text + " Cheap boots for everyone.")
    assert [v.kind for v in cheap.violations] == ["banned_term"] and cheap.score < base
    deep = trail_scorer.score(text + " Now 40% off everything.")
    assert [v.detail for v in deep.violations] == ["40% off exceeds the 30% cap"]
    assert trail_scorer.violations("Save 30% on packs.") == []
    loud = trail_scorer.score(text.upper())
    assert loud.components["style"] < 0.5 and loud.score < base


def test_channel_limits(trail_scorer: ConsistencyScorer) -> None:
    long_sms = "Trailhead: " + "Our Traverse 45 carries a week of food. " * 5
    found = trail_scorer.violations(long_sms, "sms", {"hook": long_sms})
    assert {v.kind for v in found} == {"length", "part_length"}
    assert trail_scorer.violations("Trailhead: 20% off packs. Reply STOP to opt out", "sms") == []


def test_scores_are_deterministic_and_explained(trail_scorer: ConsistencyScorer) -> None:
    text = TEXTS[TRAIL.id][3]
    first, second = trail_scorer.score(text), trail_scorer.score(text)
    assert first == second and 0.0 <= first.score <= 1.0
    assert set(first.components) == {
        "similarity",
        "affinity",
        "distinctness",
        "vocabulary",
        "style",
    }
    assert first.explain().startswith(f"score {first.score:.2f} (threshold 0.75)")
    assert trail_scorer.score("").score < THRESHOLD
