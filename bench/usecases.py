"""``python -m bench.usecases``: use-case report latency on the demo data, and the export
connectors' rate against the canonical pipeline on the same rows.

For each backend: load the full demo data set with its extras (what ``marketgraph demo``
loads), then call each use case ``--calls`` times and print p50 / p95. Then ingest a
generated Google Ads report of ``--report-rows`` rows through the connector, and the
same outcomes as canonical records through ``ingest()``, into fresh stores.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.backends import Backend, EmbeddedBackend, open_neo4j
from bench.common import Progress, latency
from demo import generate
from graph.base import GraphStore
from graph.models import GraphBatch, Node
from graph.schema import Label
from ingest import Part, describe, ingest, read_rows
from ingest.connectors import Export, ingest_export
from reports import (
    content_calendar,
    creative_tests,
    handoff_health,
    lead_sla,
    parse_config,
    route_leads,
)

RESULTS = Path(__file__).resolve().parent / "results" / "usecases-latest.json"
AS_OF = datetime(2026, 12, 1, tzinfo=UTC)
ROUTING = parse_config(
    {
        "rules": [
            {"name": "search", "channel_ids": ["ch-google-search"], "owners": ["Priya Nair"]}
        ],
        "default_owners": ["Jonas Eriksen", "Lena Vogel"],
        "capacity": {"Priya Nair": 10_000, "Jonas Eriksen": 10_000, "Lena Vogel": 10_000},
    }
)
CALLS: dict[str, Callable[[GraphStore], object]] = {
    "leads/sla": lambda s: lead_sla(s, brand_id="brand-ledgerline", as_of=AS_OF),
    "leads/route (dry run)": lambda s: route_leads(
        s, ROUTING, brand_id="brand-ledgerline", as_of=AS_OF, dry_run=True
    ),
    "content-calendar": lambda s: content_calendar(s, brand_id="brand-trailhead", as_of=AS_OF),
    "creative-tests": lambda s: creative_tests(s, brand_id="brand-trailhead", as_of=AS_OF),
    "handoff": lambda s: handoff_health(s, brand_id="brand-ledgerline", as_of=AS_OF),
}


def google_ads_report(rows: int, seed: int = 7) -> bytes:
    """A Google Ads report (English, with a title row and totals) of about ``rows`` rows."""
    rng = random.Random(seed)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["Campaign report"])
    w.writerow(
        [
            "Day",
            "Campaign",
            "Campaign ID",
            "Device",
            "Cost",
            "Impr.",
            "Clicks",
            "Conversions",
            "Conv. value",
        ]
    )
    campaigns = max(1, rows // (365 * 2))
    day0 = date(2025, 12, 1)
    for d in range(365):
        for c in range(campaigns):
            for device in ("Computers", "Mobile phones"):
                cost = rng.uniform(5, 900)
                day = (day0 + timedelta(days=d)).isoformat()
                money = (f"{cost:,.2f}", f"{int(cost * 30):,}", int(cost), round(cost / 40, 2))
                w.writerow(
                    [day, f"Campaign {c}", str(9000 + c), device, *money, f"{cost * 3.1:,.2f}"]
                )
    w.writerow(["Total: Account", "--", "--", "--", "1.00", "1", "1", "1", "1.00"])
    return out.getvalue().encode()


def _canonical(report: bytes) -> list[Part]:
    """The report's rows as canonical campaigns and outcomes (what the connector makes)."""
    lines = list(csv.DictReader(io.StringIO(report.decode().split("\n", 1)[1])))[:-1]
    outcomes: dict[tuple[str, str], dict[str, Any]] = {}
    for r in lines:
        key = (r["Day"], r["Campaign ID"])
        o = outcomes.setdefault(key, {"date": r["Day"], "campaign_id": f"gads-{r['Campaign ID']}",
                                      "channel_id": "gads-search", "spend": 0.0})  # fmt: skip
        o["spend"] = round(o["spend"] + float(r["Cost"].replace(",", "")), 2)
    campaigns = {o["campaign_id"] for o in outcomes.values()}
    parts = []
    for kind, records in (
        ("channels", [{"id": "gads-search", "name": "Google Ads Search", "kind": "paid_search"}]),
        ("campaigns", [{"id": c, "brand_id": "b1", "name": c} for c in sorted(campaigns)]),
        ("outcomes", list(outcomes.values())),
    ):
        data = "\n".join(json.dumps(r) for r in records).encode()
        parts.append(Part(kind, describe(f"{kind}.jsonl", data), read_rows(data, "jsonl")))
    return parts


def _brand(store: GraphStore) -> None:
    store.write(
        GraphBatch(nodes=[Node(Label.BRAND, "b1", {"id": "b1", "name": "B", "currency": "USD"})])
    )


def run(
    backends: Sequence[Backend], calls: int, report_rows: int, progress: Progress
) -> dict[str, Any]:
    results: dict[str, Any] = {}
    report = google_ads_report(report_rows)
    rows = report.count(b"\n") - 3
    export = Export.single("r.csv", report)
    for backend in backends:
        mine: dict[str, Any] = {}
        store = backend.fresh_store(progress)
        progress.say(f"{backend.name}: loading the demo data set with extras")
        from demo import dataset_parts

        ingest(store, dataset_parts(generate(seed=7, extras=True)))
        for name, call in CALLS.items():
            call(store)  # warm up
            samples = []
            for _ in range(calls):
                started = time.perf_counter()
                call(store)
                samples.append((time.perf_counter() - started) * 1000)
            mine[name] = latency(samples).__dict__
            progress.say(f"{backend.name} {name}: p50 {mine[name]['p50_ms']:.0f} ms")
        backend.close_store()
        ways: list[tuple[str, Callable[[GraphStore], object]]] = [
            ("connector", lambda s: ingest_export(s, "google-ads", export, brand_id="b1")),
            ("canonical", lambda s: ingest(s, _canonical(report))),
        ]
        for label, work in ways:
            store = backend.fresh_store(progress)
            _brand(store)
            started = time.perf_counter()
            work(store)
            seconds = time.perf_counter() - started
            mine[f"{label} rows/s"] = rows / seconds
            progress.say(f"{backend.name} {label}: {rows:,} report rows in {seconds:.1f} s")
            backend.close_store()
        results[backend.name] = mine
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.usecases", description=__doc__)
    parser.add_argument("--backends", default="embedded,neo4j")
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--report-rows", type=int, default=36_500)
    args = parser.parse_args(argv)
    progress = Progress()
    work = RESULTS.parent / "usecases-work"
    backends: list[Backend] = []
    for name in args.backends.split(","):
        if name == "embedded":
            backends.append(EmbeddedBackend(work / "embedded"))
        elif name == "neo4j":
            found = open_neo4j(progress, work / "neo4j")
            if isinstance(found, str):
                progress.say(f"neo4j skipped: {found}")
            else:
                backends.append(found)
    try:
        results = run(backends, args.calls, args.report_rows, progress)
    finally:
        for backend in backends:
            backend.close()
    for name, mine in results.items():
        print(f"\n{name}")
        for key, value in mine.items():
            if isinstance(value, dict):
                print(f"  {key:<24} p50 {value['p50_ms']:8.1f} ms   p95 {value['p95_ms']:8.1f} ms")
            else:
                print(f"  {key:<24} {value:10,.0f}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
