"""Sample exports, one per connector, shipped with the package (see docs/connectors.md).

They are shaped like real downloads (title rows, localised numbers, ``--`` cells, totals
rows, BigQuery ``event_params`` arrays, HubSpot stage labels) and use the demo brands'
ids, so ``marketgraph demo`` followed by an ingest of a sample attaches to demo data.
"""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent

# source -> (sample file or folder, the demo brand it belongs to, CLI options)
SAMPLES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "google-ads": ("google_ads_campaign_report.csv", "brand-ledgerline", ()),
    "meta-ads": ("meta_ads_export.csv", "brand-trailhead", ()),
    "ga4": ("ga4_events.jsonl", "brand-trailhead", ()),
    "hubspot-contacts": (
        "hubspot_contacts.csv",
        "brand-ledgerline",
        ("--timezone", "Europe/Berlin"),
    ),
    "hubspot-deals": ("hubspot_deals.csv", "brand-ledgerline", ("--timezone", "Europe/Berlin")),
    "cms": ("wordpress_posts.json", "brand-trailhead", ()),
    "cms-markdown": ("blog", "brand-emberoak", ()),
}


def sample_path(name: str) -> Path:
    """Where the sample ``name`` (a key of SAMPLES) lives."""
    return _HERE / SAMPLES[name][0]
