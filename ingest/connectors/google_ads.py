"""Google Ads campaign performance report (CSV or the UTF-16 "Excel" download) → records.

One report row per campaign and day (segment rows such as Device or Network are summed)
becomes an outcome on the campaign's Google Ads channel; each campaign becomes a
campaign record of the brand. Title and date-range rows above the header and the
``Total: …`` rows below the data are recognised and skipped. Column mapping:
docs/connectors.md.
"""

from __future__ import annotations

from typing import Any

from ingest.connectors._build import RecordSet, campaign_id
from ingest.connectors._table import Column, Table, amount_cell, read_table
from ingest.connectors._values import (
    Amount,
    Decimal,
    detect_decimal,
    is_empty,
    parse_date,
    slash_dates_day_first,
)
from ingest.connectors.base import Connector, Context, Export, Output

_IGNORED = (
    "CTR", "Avg. CPC", "Avg. CPM", "Avg. CPV", "Avg. cost", "Cost / conv.", "Conv. rate",
    "Conv. value / cost", "Cost / all conv.", "All conv.", "All conv. value", "All conv. rate",
    "View-through conv.", "Interactions", "Interaction rate", "Interaction types", "Views",
    "View rate", "Device", "Network", "Network (with search partners)", "Budget",
    "Budget type", "Budget name", "Bid strategy type", "Bid strategy", "Account",
    "Account name", "Customer ID", "Search impr. share", "Search lost IS (budget)",
    "Search lost IS (rank)", "Impr. (Top) %", "Impr. (Abs. Top) %", "Optimization score",
    "Labels", "Status reasons", "Campaign state", "Conv. (by conv. time)",
    # German report headers (the number format usually comes with them)
    "Gerät", "Netzwerk", "Durchschn. CPC", "Durchschn. CPM", "Durchschn. Kosten",
    "Kosten/Conv.", "Conv.-Rate", "Interaktionen", "Interaktionsrate", "Budgettyp", "Konto",
)  # fmt: skip
SPEC = (
    Column("day", ("Day", "Date", "Tag"), required=True),
    Column("campaign", ("Campaign", "Campaign name", "Kampagne"), required=True),
    Column("campaign_id", ("Campaign ID", "Kampagnen-ID")),
    Column("type", ("Campaign type", "Advertising channel type", "Kampagnentyp")),
    Column("status", ("Campaign status", "Status", "Kampagnenstatus")),
    Column("currency", ("Currency code", "Currency", "Währungscode")),
    Column(
        "cost",
        ("Cost", "Kosten"),
        required=True,
        pattern=r"(Cost|Kosten) \((?P<currency>[A-Z]{3})\)",
    ),
    Column("impressions", ("Impr.", "Impressions")),
    Column("clicks", ("Clicks", "Klicks")),
    Column("conversions", ("Conversions", "Conv.")),
    Column("revenue", ("Conv. value", "Conversion value", "Total conv. value", "Conv.-Wert")),
    *(Column(f"_{i}", (name,), ignored=True) for i, name in enumerate(_IGNORED)),
)
# Campaign type → (channel id, name, channel kind). Without the column: Search.
CHANNELS: dict[str, tuple[str, str, str]] = {
    "search": ("gads-search", "Google Ads Search", "paid_search"),
    "shopping": ("gads-shopping", "Google Ads Shopping", "paid_search"),
    "performance max": ("gads-pmax", "Google Ads Performance Max", "paid_search"),
    "smart": ("gads-smart", "Google Ads Smart", "paid_search"),
    "display": ("gads-display", "Google Display Network", "display"),
    "demand gen": ("gads-demand-gen", "Google Ads Demand Gen", "display"),
    "discovery": ("gads-demand-gen", "Google Ads Demand Gen", "display"),
    "app": ("gads-app", "Google Ads App", "display"),
    "video": ("gads-video", "YouTube (Google Ads Video)", "video"),
}
CHANNELS["suche"] = CHANNELS["search"]  # German reports
_STATUS = {
    "enabled": "active",
    "paused": "paused",
    "removed": "removed",
    "aktiviert": "active",
    "pausiert": "paused",
    "entfernt": "removed",
}
_METRICS = ("impressions", "clicks", "conversions", "revenue")
HINT = "download the campaign report with the Day segment (Segments > Time > Day)"


class GoogleAdsConnector(Connector):
    name = "google-ads"
    title = "Google Ads campaign performance report (CSV)"

    def convert(self, export: Export, ctx: Context) -> Output:
        table = read_table(export.name, export.data, SPEC, hint=HINT)
        out = Output()
        for line, reason in table.bad:
            out.reject("outcomes", line, reason)
        money = ("cost", *_METRICS)
        decimal = detect_decimal(
            ((line, row[k]) for line, row in table.rows for k in money if k in row), export.name
        )
        day_first = slash_dates_day_first(row["day"] for _, row in table.rows)
        records = RecordSet()
        totals = 0
        for line, row in table.rows:
            if _is_total(row):
                totals += 1
                continue
            try:
                self._row(row, line, table, ctx, decimal, day_first, records)
            except ValueError as e:
                out.reject("outcomes", line, str(e))
        records.emit(out, kinds=("outcomes",))
        if table.preamble:
            out.notes.append(f"report: {' / '.join(table.preamble)}")
        if totals:
            out.notes.append(f"skipped {totals} total row(s)")
        return out

    def _row(
        self,
        row: dict[str, str],
        line: int,
        table: Table,
        ctx: Context,
        decimal: Decimal,
        day_first: bool,
        records: RecordSet,
    ) -> None:
        name = row.get("campaign", "").strip()
        if not name:
            raise ValueError("Campaign: the campaign name is empty")
        day = parse_date(row["day"], day_first=day_first)
        cost = _amount(row, "cost", decimal, table)
        currency = row.get("currency", "").strip().upper() or None
        currency = currency or table.captures.get("cost", {}).get("currency")
        currency = currency or (cost.currency if cost else None)
        if currency and currency != ctx.currency:
            raise ValueError(
                f"cost is in {currency} but brand {ctx.brand_id} reports in {ctx.currency}"
            )
        channel = self._channel(row, ctx, records, line)
        cid = campaign_id(ctx, "gads", name, row.get("campaign_id"))
        campaign: dict[str, Any] = {"id": cid, "brand_id": ctx.brand_id, "channel_ids": [channel]}
        if cid.startswith("gads-"):
            campaign.update(name=name, platform="Google Ads")
            if not is_empty(row.get("campaign_id")):
                campaign["platform_campaign_id"] = row["campaign_id"].strip()
            status = _STATUS.get(row.get("status", "").strip().lower())
            if status:
                campaign["status"] = status
        records.entity("campaigns", line, campaign)
        outcome: dict[str, Any] = {
            "date": day.isoformat(),
            "campaign_id": cid,
            "channel_id": channel,
            "spend": cost.value if cost else 0.0,
        }
        for metric in _METRICS:
            value = _amount(row, metric, decimal, table)
            if value is not None:
                outcome[metric] = value.value
        records.outcome(line, outcome)

    def _channel(self, row: dict[str, str], ctx: Context, records: RecordSet, line: int) -> str:
        if ctx.channel_id:
            return ctx.channel_id
        kind = row.get("type", "").strip().lower() or "search"
        if kind not in CHANNELS:
            raise ValueError(
                f"Campaign type: unknown type {row['type']!r}; expected one of "
                + ", ".join(sorted({k.title() for k in CHANNELS}))
            )
        channel_id, name, channel_kind = CHANNELS[kind]
        record = {"id": channel_id, "name": name, "kind": channel_kind, "platform": "Google Ads"}
        records.entity("channels", line, record)
        return channel_id


def _is_total(row: dict[str, str]) -> bool:
    first = (row.get("day") or "").strip().lower()
    campaign = (row.get("campaign") or "").strip().lower()
    return first.startswith(("total", "gesamt")) or campaign.startswith(("total:", "gesamt:"))


def _amount(row: dict[str, str], key: str, decimal: Decimal, table: Table) -> Amount | None:
    return amount_cell(row, key, decimal, table)
