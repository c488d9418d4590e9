"""Google Ads campaign performance report (CSV or the UTF-16 "Excel" download) → records.

One report row per campaign and day (segment rows such as Device or Network are summed)
becomes an outcome on the campaign's Google Ads channel; each campaign becomes a
campaign record of the brand. Title and date-range rows above the header and the
``Total: …`` rows below the data are recognised and skipped. Derived columns (CTR,
Avg. CPC, Avg. CPM, Cost / conv., Conv. value / cost) are checked against each row and
not stored. Column mapping: docs/connectors.md.
"""

from __future__ import annotations

from typing import Any

from ingest.connectors._build import RecordSet, campaign_id
from ingest.connectors._derived import check_ratios, checked_note
from ingest.connectors._google_ads_spec import CHANNELS, HINT, RATIOS, SPEC, STATUS, TOTALS
from ingest.connectors._table import Table, amount_cell, read_table
from ingest.connectors._values import (
    Amount,
    Decimal,
    detect_decimal,
    fold,
    is_empty,
    parse_amount,
    parse_date,
    slash_dates_day_first,
)
from ingest.connectors.base import Connector, Context, Export, Output, Probe

_METRICS = ("impressions", "clicks", "conversions", "revenue")
_NUMBERS = ("cost", *_METRICS, *(r.column for r in RATIOS))


class GoogleAdsConnector(Connector):
    name = "google-ads"
    title = "Google Ads campaign performance report (CSV)"

    def probe(self, export: Export) -> Probe:
        table = read_table(export.name, export.data, SPEC, hint=HINT)
        currency = table.currency()
        for _, row in table.rows:
            if currency:
                break
            currency = row.get("currency", "").strip().upper() or None
            try:
                cost = parse_amount(row.get("cost", ""), ".")
            except ValueError:
                cost = None
            currency = currency or (cost.currency if cost else None)
        return Probe(currency=currency)

    def convert(self, export: Export, ctx: Context) -> Output:
        table = read_table(export.name, export.data, SPEC, hint=HINT)
        out = Output()
        for line, reason in table.bad:
            out.reject("outcomes", line, reason)
        decimal = detect_decimal(
            ((line, row[k]) for line, row in table.rows for k in _NUMBERS if k in row),
            export.name,
        )
        day_first = slash_dates_day_first(
            (row["day"] for _, row in table.rows), default=decimal == ","
        )
        table.check_currency(export.name, ctx.currency, ctx.brand_id)
        records = RecordSet()
        totals = 0
        for line, row in table.rows:
            if _is_total(row):
                totals += 1
                continue
            try:
                check_ratios(row, table, decimal, RATIOS)
                self._row(row, line, table, ctx, decimal, day_first, records)
            except ValueError as e:
                out.reject("outcomes", line, str(e))
        records.emit(out, kinds=("outcomes",))
        if table.preamble:
            out.notes.append(f"report: {' / '.join(table.preamble)}")
        if totals:
            out.notes.append(f"skipped {totals} total row(s)")
        out.notes += checked_note(table, RATIOS) + table.notes(self.name)
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
            raise ValueError(f"{table.present['campaign']}: the campaign name is empty")
        day = parse_date(row["day"], day_first=day_first)
        cost = _amount(row, "cost", decimal, table)
        currency = row.get("currency", "").strip().upper() or None
        currency = currency or (cost.currency if cost else None)
        if currency and currency != ctx.currency:
            raise ValueError(
                f"cost is in {currency} but brand {ctx.brand_id} reports in {ctx.currency}"
            )
        channel = self._channel(row, table, ctx, records, line)
        cid = campaign_id(ctx, "gads", name, row.get("campaign_id"))
        campaign: dict[str, Any] = {"id": cid, "brand_id": ctx.brand_id, "channel_ids": [channel]}
        if cid.startswith("gads-"):
            campaign.update(name=name, platform="Google Ads")
            if not is_empty(row.get("campaign_id")):
                campaign["platform_campaign_id"] = row["campaign_id"].strip()
            status = STATUS.get(fold(row.get("status", "")))
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

    def _channel(
        self, row: dict[str, str], table: Table, ctx: Context, records: RecordSet, line: int
    ) -> str:
        if ctx.channel_id:
            return ctx.channel_id
        kind = fold(row.get("type", "")) or "search"
        if kind not in CHANNELS:
            raise ValueError(
                f"{table.present['type']}: unknown type {row['type']!r}; expected one of "
                "Search, Shopping, Performance Max, Smart, Display, Demand Gen, App, Video "
                "(or their names in the report's language)"
            )
        channel_id, name, channel_kind = CHANNELS[kind]
        record = {"id": channel_id, "name": name, "kind": channel_kind, "platform": "Google Ads"}
        records.entity("channels", line, record)
        return channel_id


def _is_total(row: dict[str, str]) -> bool:
    first = fold(row.get("day") or "")
    campaign = fold(row.get("campaign") or "")
    return first.startswith(TOTALS) or any(
        campaign.startswith((f"{word}:", f"{word} :")) for word in TOTALS
    )


def _amount(row: dict[str, str], key: str, decimal: Decimal, table: Table) -> Amount | None:
    return amount_cell(row, key, decimal, table)
