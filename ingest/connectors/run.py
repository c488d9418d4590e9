"""Ingest a platform export: check it, resolve the brand, convert, merge, ingest.

The export is looked at first (its header, the currency it states), so a wrong file is
refused before anything about the graph is asked. The brand is the one named, the
graph's only one, or a new one (``brand_name``) created in the same batch as the
export's records, in the currency the export states.

The records a connector makes are partial views of nodes the graph may already hold
(a campaign that canonical ingest created with its budget and business unit, a lead
whose owner the router set). A store write replaces a node's properties, so each record
is merged over the stored node first: the export's fields win, the others are kept.
A record may not move a node to another brand.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from graph.base import GraphStore
from graph.errors import NodeNotFoundError
from graph.models import Node, NodeRef
from graph.schema import Label
from ingest.connectors._values import slug
from ingest.connectors.base import Connector, Context, Export, Probe
from ingest.connectors.cms import CMSConnector
from ingest.connectors.errors import BadOptionError, BrandNotFoundError, UnknownSourceError
from ingest.connectors.ga4 import GA4Connector
from ingest.connectors.google_ads import GoogleAdsConnector
from ingest.connectors.hubspot_contacts import HubSpotContactsConnector
from ingest.connectors.hubspot_deals import HubSpotDealsConnector
from ingest.connectors.meta_ads import MetaAdsConnector
from ingest.errors import Rejection, UnreadableInputError
from ingest.limits import DEFAULT_LIMITS, Limits, check_json_depth
from ingest.pipeline import IngestReport, OnWritten, Part, Progress, ingest
from ingest.readers import RawRow
from ingest.records import KINDS, RECORD_TYPES

CONNECTORS: dict[str, Connector] = {
    c.name: c
    for c in (
        GoogleAdsConnector(),
        MetaAdsConnector(),
        GA4Connector(),
        HubSpotContactsConnector(),
        HubSpotDealsConnector(),
        CMSConnector(),
    )
}
_BRANDED = frozenset({"campaigns", "assets", "audiences"})


@dataclass
class ExportReport:
    """An ingest run of an export, with what the connector noticed on the way."""

    source: str
    brand_id: str
    report: IngestReport
    records: dict[str, int] = field(default_factory=dict)  # records per kind, before checks
    notes: list[str] = field(default_factory=list)
    brand_created: bool = False  # the brand was new, made from brand_name in this run


def get_connector(source: str) -> Connector:
    """The connector called ``source``; UnknownSourceError naming the known ones otherwise."""
    try:
        return CONNECTORS[source]
    except KeyError:
        raise UnknownSourceError(source, sorted(CONNECTORS)) from None


def time_zone(name: str | None) -> tzinfo | None:
    """``Europe/Berlin`` as a tzinfo; a clear ValueError for a name that is not one."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadOptionError(
            f"unknown time zone {name!r}; use an IANA name like Europe/Berlin"
        ) from None


def ingest_export(
    store: GraphStore,
    source: str,
    export: Export,
    *,
    brand_id: str | None = None,
    brand_name: str | None = None,
    brand_currency: str | None = None,
    channel_id: str | None = None,
    timezone: str | None = None,
    skip_bad: bool = False,
    rejects_dir: Path | None = None,
    progress: Progress | None = None,
    on_written: OnWritten | None = None,
    brands: Collection[str] | None = None,
    actor: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> ExportReport:
    """Convert ``export`` with the ``source`` connector and ingest it as one run.

    With ``brand_name``, a brand that is not in the graph yet (``brand_id``, else
    ``brand-`` and a slug of the name) is created in the same batch.
    """
    connector = get_connector(source)
    _check_depth(export, limits.json_depth)
    zone = time_zone(timezone)
    probe = connector.probe(export)  # a bad header is refused before the brand is asked
    brand, new_brand = _brand(store, brand_id, brand_name, brand_currency, probe)
    if channel_id and not store.existing_ids(Label.CHANNEL, [channel_id]):
        raise NodeNotFoundError(channel_id, Label.CHANNEL.value)
    currency = str(brand.properties.get("currency") or "USD")
    ctx = Context(brand.id, currency, store, channel_id, zone)
    output = connector.convert(export, ctx)
    info = export.source()
    parts = []
    counts = {}
    if brand_name:
        # Line 0: the brand comes with the command, not from a line of the export. Sent
        # again when it exists (unchanged), so the same command is the same run.
        parts.append(Part(kind="brands", source=info, rows=[(0, dict(brand.properties))]))
        counts["brands"] = 1
    for kind in KINDS:
        rows = output.rows.get(kind)
        if rows is None:
            continue
        merged = _merge(store, kind, rows)
        counts[kind] = len(merged)
        parts.append(Part(kind=kind, source=info, rows=merged))
    if not any(n for kind, n in counts.items() if kind != "brands"):
        raise UnreadableInputError(f"{export.name}: no data rows to ingest")
    report = ingest(
        store,
        parts,
        skip_bad=skip_bad,
        rejects_dir=rejects_dir,
        progress=progress,
        on_written=on_written,
        brands=brands,
        actor=actor,
        limits=limits,
    )
    return ExportReport(source, brand.id, report, counts, output.notes, new_brand)


def _check_depth(export: Export, limit: int) -> None:
    """JSON files of the export nest no deeper than ``limit`` (the parser's stack is
    Python's); checked before the connector parses anything."""
    for name, data in export.files:
        if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
            check_json_depth(data, limit, name)


_CREATE = "--brand ID --brand-name NAME (brand_id and brand_name over HTTP)"


def _brand(
    store: GraphStore,
    brand_id: str | None,
    name: str | None,
    currency: str | None,
    probe: Probe,
) -> tuple[Node, bool]:
    """The brand the export belongs to, and whether it is to be created with it."""
    if currency is not None and not _is_currency(currency):
        raise BadOptionError(f"brand currency {currency!r} is not a code like EUR or GBP")
    if name is not None and not name.strip():
        raise BadOptionError("the brand name is empty")
    if name and not brand_id:
        brand_id = f"brand-{slug(name)}"
    if brand_id:
        found = store.get_node(NodeRef(Label.BRAND, brand_id))
        if found is not None:
            _same_brand(found, name, currency)
            return found, False
        if not name:
            known = [b.id for b in store.list_nodes(Label.BRAND, limit=200)]
            raise BrandNotFoundError(brand_id, known)
        return _new_brand(brand_id, name.strip(), currency, probe), True
    brands = store.list_nodes(Label.BRAND, limit=6)
    if len(brands) == 1:
        return brands[0], False
    if not brands:
        raise BadOptionError(
            "no brand in the graph yet: create it with this export by naming it, "
            f"{_CREATE}{_currency_hint(probe)}"
        )
    names = ", ".join(b.id for b in brands[:5]) + (", …" if len(brands) > 5 else "")
    raise BadOptionError(f"the graph has several brands ({names}): say which one (--brand)")


def _new_brand(brand_id: str, name: str, currency: str | None, probe: Probe) -> Node:
    chosen = (currency or probe.currency or "").upper()
    if not chosen:
        raise BadOptionError(
            f"the export does not say its currency: give brand {brand_id}'s with "
            "--brand-currency CODE (brand_currency over HTTP)"
        )
    if currency and probe.currency and currency.upper() != probe.currency:
        raise BadOptionError(
            f"the export is in {probe.currency}, not {currency.upper()}: money is stored in "
            "the brand's currency"
        )
    record = {"id": brand_id, "name": name, "currency": chosen}
    return Node(Label.BRAND, brand_id, record)


def _same_brand(found: Node, name: str | None, currency: str | None) -> None:
    """A brand that exists may be named again, but not renamed or re-priced by an export."""
    stored_name = str(found.properties.get("name") or "")
    if name and name.strip() != stored_name:
        raise BadOptionError(
            f"brand {found.id} already exists, named {stored_name!r}: leave out the brand "
            "name, or give a new brand id"
        )
    stored_currency = str(found.properties.get("currency") or "USD")
    if currency and currency.upper() != stored_currency:
        raise BadOptionError(f"brand {found.id} already exists, in {stored_currency}")


def _is_currency(code: str) -> bool:
    return len(code) == 3 and code.isascii() and code.isalpha()


def _currency_hint(probe: Probe) -> str:
    if probe.currency:
        return f"; its currency, {probe.currency}, is taken from the export"
    return "; add --brand-currency CODE, as the export does not say its currency"


def _merge(store: GraphStore, kind: str, rows: Sequence[RawRow]) -> list[RawRow]:
    """Each record over the stored node of the same id (export fields win)."""
    if kind == "outcomes":
        return list(rows)
    label = RECORD_TYPES[kind].label
    ids = [str(raw["id"]) for _, raw in rows if isinstance(raw, dict) and raw.get("id")]
    stored = {n.id: n.properties for n in store.get_nodes([NodeRef(label, i) for i in ids])}
    out: list[RawRow] = []
    for line, raw in rows:
        if isinstance(raw, dict) and str(raw.get("id")) in stored:
            old = stored[str(raw["id"])]
            mine, theirs = raw.get("brand_id"), old.get("brand_id")
            if kind in _BRANDED and mine and theirs and mine != theirs:
                reason = f"{label.value} {raw['id']} belongs to another brand than {mine}"
                out.append((line, Rejection(line, reason)))
                continue
            raw = {**old, **raw}
        out.append((line, raw))
    return out
