"""``python -m bench content``: calibration of the brand-consistency score, and drafts.

On the demo generator's copy (three brands; one data set per seed): each brand's creative
assets are split into folds; with a fold held out, a scorer learns the brand from the rest
(and, "with contrast", from half of the other brands' copy). Figures: the share of the
held-out own copy at or above the 0.75 threshold, the share of the other half of the other
brands' copy below it (scored as if it were this brand's), and the share of own copy that
fails once a competitor's name is added. Then drafts: for every brand and channel kind,
three recombined variants from the brand's 15 best assets (by a seeded random
performance), scored by the full-corpus scorer: how many pass, their mean score and how
many tries they took. Writes ``bench/results/content.json``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from agents.content import (
    THRESHOLD,
    BrandProfile,
    ConsistencyScorer,
    DraftRequest,
    WinningAsset,
    draft_variants,
)
from bench.common import Progress, machine
from demo import generate

RESULTS = Path(__file__).resolve().parent / "results" / "content.json"
CREATIVE = frozenset({"ad_copy", "email", "social_post", "landing_page", "blog", "image", "video"})
CHANNELS = ("email", "paid_social", "paid_search", "organic_social", "sms", "display", "video")
FOLDS = 5


def _calibrate(seed: int, with_contrast: bool, rows: int | None) -> dict[str, Any]:
    data = generate(seed=seed, outcome_rows=rows)
    brands = [BrandProfile.from_node(b) for b in data.brands]
    texts = {
        b.id: [
            f"{a['title']}\n{a['body']}"
            for a in data.assets
            if a["brand_id"] == b.id and a["kind"] in CREATIVE
        ]
        for b in brands
    }
    own, cross, named = [], [], []
    for brand in brands:
        others = [t for bid, ts in texts.items() if bid != brand.id for t in ts]
        contrast, foreign = (others[::2], others[1::2]) if with_contrast else ([], others)
        mine = texts[brand.id]
        for k in range(FOLDS):
            scorer = ConsistencyScorer(
                brand, [t for i, t in enumerate(mine) if i % FOLDS != k], contrast
            )
            held = mine[k::FOLDS]
            own += [scorer.score(t).score for t in held]
            named += [
                scorer.score(f"{t}\n{brand.competitors[0]} fans, take note.").score for t in held
            ]
            cross += [scorer.score(t).score for t in foreign[k::FOLDS]]
    o, c, n = np.array(own), np.array(cross), np.array(named)
    return {
        "seed": seed,
        "contrast": with_contrast,
        "own_texts": int(o.size),
        "own_pass": float(np.mean(o >= THRESHOLD)),
        "own_median": float(np.median(o)),
        "own_p5": float(np.percentile(o, 5)),
        "cross_texts": int(c.size),
        "cross_fail": float(np.mean(c < THRESHOLD)),
        "cross_median": float(np.median(c)),
        "cross_p95": float(np.percentile(c, 95)),
        "competitor_named_fail": float(np.mean(n < THRESHOLD)),
    }


def _drafts(seed: int, rows: int | None) -> dict[str, Any]:
    data = generate(seed=seed, outcome_rows=rows)
    rng = random.Random(seed)
    results = []
    for record in data.brands:
        brand = BrandProfile.from_node(record)
        mine = [a for a in data.assets if a["brand_id"] == brand.id and a["kind"] in CREATIVE]
        others = [
            f"{a['title']}\n{a['body']}"
            for a in data.assets
            if a["brand_id"] != brand.id and a["kind"] in CREATIVE
        ]
        scorer = ConsistencyScorer(brand, [f"{a['title']}\n{a['body']}" for a in mine], others)
        winners = sorted(
            (
                WinningAsset(a["id"], a["title"], a["body"], a["kind"], rng.lognormvariate(0, 0.5))
                for a in mine
            ),
            key=lambda w: -w.performance,
        )[:15]
        for channel in CHANNELS:
            result = draft_variants(DraftRequest(channel), brand, winners, scorer=scorer)
            for d in result.drafts:
                results.append((d.score.score, d.score.passed, d.attempts))
    scores = np.array([r[0] for r in results])
    return {
        "seed": seed,
        "drafts": len(results),
        "pass": float(np.mean([r[1] for r in results])),
        "mean_score": float(scores.mean()),
        "min_score": float(scores.min()),
        "mean_attempts": float(np.mean([r[2] for r in results])),
    }


def render(calibration: list[dict[str, Any]], drafts: list[dict[str, Any]]) -> str:
    lines = [
        f"Brand-consistency score (threshold {THRESHOLD}; own copy held out in {FOLDS} folds)",
        f"{'seed':>4} {'contrast':>8} {'own n':>6} {'own ≥ thr':>9} {'own p5':>7} "
        f"{'cross n':>7} {'cross < thr':>11} {'cross p95':>9} {'competitor named < thr':>22}",
    ]
    for r in calibration:
        lines.append(
            f"{r['seed']:>4} {'yes' if r['contrast'] else 'no':>8} {r['own_texts']:>6} "
            f"{r['own_pass']:>9.3f} {r['own_p5']:>7.3f} {r['cross_texts']:>7} "
            f"{r['cross_fail']:>11.3f} {r['cross_p95']:>9.3f} {r['competitor_named_fail']:>22.3f}"
        )
    lines.append(f"Recombined drafts (3 variants × {len(CHANNELS)} channels × 3 brands)")
    lines.append(f"{'seed':>4} {'drafts':>7} {'pass':>6} {'mean':>6} {'min':>6} {'tries':>6}")
    for r in drafts:
        lines.append(
            f"{r['seed']:>4} {r['drafts']:>7} {r['pass']:>6.3f} {r['mean_score']:>6.3f} "
            f"{r['min_score']:>6.3f} {r['mean_attempts']:>6.2f}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench content", description=__doc__)
    parser.add_argument("--seeds", default="7,8,9", help="demo data sets (comma-separated)")
    parser.add_argument("--quick", action="store_true", help="a small data set, to check it works")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    seeds = [int(s) for s in str(args.seeds).split(",") if s.strip()][: 1 if args.quick else None]
    rows = 6_000 if args.quick else None  # a smaller data set: fewer assets
    progress = Progress()
    started = time.perf_counter()
    calibration = []
    for seed in seeds:
        for with_contrast in (True, False):
            calibration.append(_calibrate(seed, with_contrast, rows))
        progress.say(f"content: calibrated on demo seed {seed}")
    drafts = [_drafts(seed, rows) for seed in seeds]
    seconds = time.perf_counter() - started
    print(render(calibration, drafts))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "machine": asdict(machine()),
        "calibration": calibration,
        "drafts": drafts,
        "seconds": seconds,
    }
    args.output.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    progress.say(f"figures written to {args.output} ({seconds:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
