"""GA4 BigQuery export rows (JSON Lines or a JSON array of events) → daily outcomes.

Events are summed per day, campaign and traffic source/medium: ``session_start`` events
count sessions, ``purchase`` events conversions (once per ``transaction_id``: GA4 sends
duplicates) with ``ecommerce.purchase_revenue`` as revenue, ``generate_lead`` events
leads. GA4 has no cost, so spend is 0 and the rows land on GA4 channels of their own
(``ga4-google-cpc``), apart from the ad platforms' numbers. Campaign attribution reads
each event's ``event_params`` array, then the session's (a purchase rarely carries the
utm parameters its session's landing page had), then the last-click and first-user
traffic sources. Column mapping: docs/connectors.md.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ingest.connectors._build import RecordSet, existing_campaign
from ingest.connectors._table import decode
from ingest.connectors._values import parse_date, slug
from ingest.connectors.base import Connector, Context, Export, Output, Probe
from ingest.connectors.errors import ColumnsError
from ingest.errors import UnreadableInputError

REQUIRED = ("event_date", "event_name")
MAPPED = (
    "event_params", "ecommerce", "user_pseudo_id", "collected_traffic_source",
    "session_traffic_source_last_click", "traffic_source",
)  # fmt: skip
IGNORED = (
    "event_timestamp", "event_previous_timestamp", "event_value_in_usd",
    "event_bundle_sequence_id", "event_server_timestamp_offset", "user_id", "privacy_info",
    "user_properties", "user_first_touch_timestamp", "user_ltv", "device", "geo", "app_info",
    "stream_id", "platform", "event_dimensions", "items", "is_active_user",
    "batch_event_index", "batch_page_id", "batch_ordering_id", "publisher",
)  # fmt: skip
NOT_A_CAMPAIGN = frozenset(
    {"", "(direct)", "(organic)", "(referral)", "(not set)", "(none)", "(data deleted)"}
)
# utm_medium → channel kind; anything else is read as web traffic (and noted).
MEDIUM_KIND = {
    "cpc": "paid_search", "ppc": "paid_search", "paidsearch": "paid_search",
    "paid_search": "paid_search", "email": "email", "e-mail": "email", "newsletter": "email",
    "sms": "sms", "paid_social": "paid_social", "paidsocial": "paid_social",
    "social_paid": "paid_social", "social": "organic_social", "social-network": "organic_social",
    "organic_social": "organic_social", "display": "display", "banner": "display",
    "cpm": "display", "video": "video", "affiliate": "affiliate", "partner": "affiliate",
    "organic": "web", "referral": "web", "(none)": "web", "web": "web",
}  # fmt: skip


@dataclass
class _Traffic:
    campaign: str | None = None
    campaign_id: str | None = None
    source: str | None = None
    medium: str | None = None

    def fill(self, other: _Traffic) -> None:
        for name in ("campaign", "campaign_id", "source", "medium"):
            if getattr(self, name) is None:
                setattr(self, name, getattr(other, name))


@dataclass
class _Tally:
    notes: Counter[str] = field(default_factory=Counter)
    transactions: set[str] = field(default_factory=set)


class GA4Connector(Connector):
    name = "ga4"
    title = "GA4 BigQuery export rows (JSON Lines or JSON array)"

    def probe(self, export: Export) -> Probe:
        _read_events(export)
        return Probe()

    def convert(self, export: Export, ctx: Context) -> Output:
        events = _read_events(export)
        out = Output()
        unknown = _unknown_fields(events)
        if unknown:
            names = ", ".join(repr(u) for u in unknown)
            out.notes.append(f"field(s) the {self.name} connector does not read, ignored: {names}")
        sessions: dict[tuple[str, str], _Traffic] = {}
        for _, event in events:
            if isinstance(event, dict) and (key := _session_key(event)) is not None:
                sessions.setdefault(key, _Traffic()).fill(_own_traffic(event))
        records, tally = RecordSet(), _Tally()
        for line, event in events:
            if isinstance(event, str):
                out.reject("outcomes", line, event)
                continue
            try:
                self._event(event, line, ctx, sessions, records, tally)
            except ValueError as e:
                out.reject("outcomes", line, str(e))
        records.emit(out, kinds=("outcomes",))
        out.notes += [f"{n} {what}" for what, n in sorted(tally.notes.items())]
        return out

    def _event(
        self,
        event: dict[str, Any],
        line: int,
        ctx: Context,
        sessions: dict[tuple[str, str], _Traffic],
        records: RecordSet,
        tally: _Tally,
    ) -> None:
        for key in REQUIRED:
            if not event.get(key):
                raise ValueError(f"{key}: required field is missing")
        day = parse_date(str(event["event_date"]))
        name = str(event["event_name"])
        params = _params(event)
        metrics: dict[str, float] = {}
        if name == "session_start":
            metrics["sessions"] = 1
        elif name == "purchase":
            transaction = str(params.get("transaction_id") or _ecommerce(event, "transaction_id"))
            if transaction and transaction in tally.transactions:
                tally.notes["duplicate purchase event(s) counted once"] += 1
                return
            tally.transactions.add(transaction)
            currency = params.get("currency")
            if currency and str(currency).upper() != ctx.currency:
                raise ValueError(
                    f"purchase is in {currency} but brand {ctx.brand_id} reports in {ctx.currency}"
                )
            revenue = _ecommerce(event, "purchase_revenue") or params.get("value") or 0
            metrics.update(conversions=1, revenue=float(revenue))
        elif name == "generate_lead":
            metrics["leads"] = 1
        else:
            tally.notes[f"{name} event(s) read for attribution only"] += 1
            return
        traffic = _own_traffic(event)
        if (session := _session_key(event)) is not None and session in sessions:
            traffic.fill(sessions[session])
        traffic.fill(_last_click(event))
        traffic.fill(_first_touch(event))
        campaign = self._campaign(traffic, ctx, records, line)
        if campaign is None:
            tally.notes[f"{name} event(s) without a campaign (direct/organic) not counted"] += 1
            return
        channel = self._channel(traffic, ctx, records, line, tally)
        if campaign.startswith("ga4-"):  # a campaign GA4 alone knows of is ON its channels
            records.entity("campaigns", line, {"id": campaign, "channel_ids": [channel]})
        outcome = {"date": day.isoformat(), "campaign_id": campaign, "channel_id": channel}
        records.outcome(line, {**outcome, "spend": 0.0, **metrics})

    def _campaign(
        self, traffic: _Traffic, ctx: Context, records: RecordSet, line: int
    ) -> str | None:
        for value in (traffic.campaign_id, traffic.campaign):
            if value and (found := existing_campaign(ctx, value)):
                return found
        name = (traffic.campaign or "").strip()
        if name.lower() in NOT_A_CAMPAIGN:
            return None
        cid = f"ga4-{slug(name)}"
        record = {"id": cid, "brand_id": ctx.brand_id, "name": name, "platform": "GA4"}
        records.entity("campaigns", line, record)
        return cid

    def _channel(
        self, traffic: _Traffic, ctx: Context, records: RecordSet, line: int, tally: _Tally
    ) -> str:
        if ctx.channel_id:
            return ctx.channel_id
        source = (traffic.source or "(direct)").strip().lower()
        medium = (traffic.medium or "(none)").strip().lower()
        kind = MEDIUM_KIND.get(medium)
        if kind is None:
            tally.notes[f"medium {medium!r} read as web traffic"] += 1
            kind = "web"
        channel_id = f"ga4-{slug(source)}-{slug(medium)}"
        record = {
            "id": channel_id,
            "name": f"GA4: {source} / {medium}",
            "kind": kind,
            "platform": "Google Analytics 4",
        }
        records.entity("channels", line, record)
        return channel_id


def _read_events(export: Export) -> list[tuple[int, dict[str, Any] | str]]:
    text = decode(export.data, export.name)
    rows: list[tuple[int, dict[str, Any] | str]] = []
    if text.lstrip().startswith("["):
        try:
            items = json.loads(text)
        except json.JSONDecodeError as e:
            raise UnreadableInputError(
                f"{export.name}: not valid JSON ({e.msg} at line {e.lineno})"
            ) from e
        for number, item in enumerate(items, start=1):
            rows.append((number, item if isinstance(item, dict) else "expected a JSON object"))
    else:
        for number, raw in enumerate(text.splitlines(), start=1):
            if not raw.strip():
                continue
            try:
                item = json.loads(raw)
            except json.JSONDecodeError as e:
                rows.append((number, f"not valid JSON ({e.msg} at column {e.colno})"))
                continue
            rows.append((number, item if isinstance(item, dict) else "expected a JSON object"))
    keys = {k for _, r in rows if isinstance(r, dict) for k in r}
    missing = [k for k in REQUIRED if keys and k not in keys]
    if missing:
        hint = "export the events_* table of the GA4 BigQuery link as JSON"
        expected = [*REQUIRED, *MAPPED]
        unknown = _unknown_fields(rows)
        raise ColumnsError(export.name, expected, missing=missing, unknown=unknown, hint=hint)
    return rows


def _unknown_fields(rows: list[tuple[int, dict[str, Any] | str]]) -> list[str]:
    """Top-level fields that are not part of the events_* schema we know."""
    keys = {k for _, r in rows if isinstance(r, dict) for k in r}
    return sorted(keys - {*REQUIRED, *MAPPED, *IGNORED})


def _value(cell: Any) -> Any:
    if not isinstance(cell, dict):
        return None
    for kind in ("string_value", "int_value", "double_value", "float_value"):
        value = cell.get(kind)
        if value is not None:
            return int(value) if kind == "int_value" else value
    return None


def _params(event: dict[str, Any]) -> dict[str, Any]:
    """``event_params`` (``[{key, value: {string_value | int_value | …}}]``) as a dict."""
    params = event.get("event_params") or []
    if not isinstance(params, list):
        raise ValueError("event_params: expected a list of {key, value} objects")
    out: dict[str, Any] = {}
    for item in params:
        if isinstance(item, dict) and "key" in item:
            out[str(item["key"])] = _value(item.get("value"))
    return out


def _ecommerce(event: dict[str, Any], key: str) -> Any:
    commerce = event.get("ecommerce")
    return commerce.get(key) if isinstance(commerce, dict) else None


def _session_key(event: dict[str, Any]) -> tuple[str, str] | None:
    session = _params(event).get("ga_session_id")
    user = event.get("user_pseudo_id")
    return (str(user), str(session)) if user and session is not None else None


def _own_traffic(event: dict[str, Any]) -> _Traffic:
    p = _params(event)
    t = _Traffic(p.get("campaign"), p.get("campaign_id"), p.get("source"), p.get("medium"))
    collected = event.get("collected_traffic_source")
    if isinstance(collected, dict):
        t.fill(
            _Traffic(
                collected.get("manual_campaign_name"),
                collected.get("manual_campaign_id"),
                collected.get("manual_source"),
                collected.get("manual_medium"),
            )
        )
    return t


def _last_click(event: dict[str, Any]) -> _Traffic:
    last = event.get("session_traffic_source_last_click")
    manual = last.get("manual_campaign") if isinstance(last, dict) else None
    if not isinstance(manual, dict):
        return _Traffic()
    return _Traffic(
        manual.get("campaign_name"),
        manual.get("campaign_id"),
        manual.get("source"),
        manual.get("medium"),
    )


def _first_touch(event: dict[str, Any]) -> _Traffic:
    first = event.get("traffic_source")
    if not isinstance(first, dict):
        return _Traffic()
    return _Traffic(first.get("name"), None, first.get("source"), first.get("medium"))
