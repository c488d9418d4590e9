"""Data of the serving benchmark: the demo data dir, and extra texts as a team writes them.

Extra texts are the assets of more demo data sets (other seeds), renamed so they never
collide and without campaign links (those campaigns are not in the graph): ad copy,
emails, posts and briefs of the demo brands, about 2,400 per seed. They go in as a team's
export would, through ``POST /v1/ingest/assets`` in JSON Lines.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

from api.services import open_services
from api.settings import Settings
from demo import dataset_parts, generate
from workflows.ingest import ingest_records

SEED: Final = 7
_EXTRA_ROWS: Final = 200_000  # outcome rows of each extra data set (~2,400 assets)
_FIRST_EXTRA_SEED: Final = 1_000


def load_demo(data_dir: Path) -> dict[str, int]:
    """The demo data set (seed 7, with its extras) in a fresh embedded data dir, indexed,
    as ``marketgraph demo --cycles 0`` leaves it. Returns counts by kind."""
    services = open_services(Settings(data_dir=data_dir))
    try:
        dataset = generate(seed=SEED, extras=True)
        report = ingest_records(services, dataset_parts(dataset))
        assert report.index_pending == 0, report
        return {
            "campaigns": len(dataset.campaigns),
            "assets": len(dataset.assets),
            "texts": services.index.info().points,
        }
    finally:
        services.close()


def demo_campaigns() -> list[str]:
    """Ids of the demo's campaigns, in order."""
    return [c["id"] for c in generate(seed=SEED).campaigns]


def extra_assets(count: int, *, start: int = 0) -> Iterator[dict[str, Any]]:
    """``count`` asset records of other demo data sets, skipping the first ``start``."""
    brands = {b["id"] for b in generate(seed=SEED).brands}
    seen = 0
    seed = _FIRST_EXTRA_SEED
    while seen < start + count:
        for asset in generate(seed=seed, outcome_rows=_EXTRA_ROWS).assets:
            if asset["brand_id"] not in brands:
                continue
            if seen >= start:
                record = {k: v for k, v in asset.items() if k != "campaign_ids"}
                record["id"] = f"x{seed}-{asset['id']}"
                yield record
            seen += 1
            if seen >= start + count:
                return
        seed += 1


def ndjson(records: Iterator[dict[str, Any]]) -> bytes:
    return b"".join(json.dumps(r).encode() + b"\n" for r in records)
