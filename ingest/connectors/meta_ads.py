"""Meta Ads Manager export (CSV) → campaigns, ad sets as audiences, ads as assets, outcomes.

Rows must cover one day each: exported with the Day breakdown (or with
"Reporting starts" equal to "Reporting ends"); a row spanning several days cannot become
a daily outcome and is rejected. Reach is kept on the outcome; derived columns (ROAS,
CPC, CPM, CTR, cost per result, frequency) are checked against each row, never stored.
Ad sets hold the targeting, so each becomes an audience of the brand; each ad becomes
an ``ad_copy`` asset of its campaign, which is what lets ads of one ad set be compared
as creative variants. Column mapping: docs/connectors.md.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ingest.connectors._build import RecordSet, campaign_id
from ingest.connectors._derived import check_at_most, check_ratios, checked_note
from ingest.connectors._meta_ads_spec import HINT, OBJECTIVES, RATIOS, SPEC, TOTALS
from ingest.connectors._table import Table, amount_cell, read_table
from ingest.connectors._values import (
    Decimal,
    detect_decimal,
    fold,
    is_empty,
    parse_date,
    slash_dates_day_first,
    slug,
)
from ingest.connectors.base import Connector, Context, Export, Output, Probe
from ingest.connectors.errors import ColumnsError

CHANNEL = {"id": "meta-ads", "name": "Meta Ads", "kind": "paid_social", "platform": "Meta"}
_NUMBERS = (
    "spend", "impressions", "reach", "link_clicks", "clicks_all", "results", "purchases",
    "web_purchases", "purchase_value", "web_purchase_value", "leads",
    *(r.column for r in RATIOS),
)  # fmt: skip


class MetaAdsConnector(Connector):
    name = "meta-ads"
    title = "Meta Ads Manager export (CSV)"

    def probe(self, export: Export) -> Probe:
        table = _read(export)
        currency = table.currency()
        for _, row in table.rows:
            currency = currency or row.get("currency", "").strip().upper() or None
        return Probe(currency=currency)

    def convert(self, export: Export, ctx: Context) -> Output:
        table = _read(export)
        out = Output()
        for line, reason in table.bad:
            out.reject("outcomes", line, reason)
        decimal = detect_decimal(
            ((line, row[k]) for line, row in table.rows for k in _NUMBERS if k in row),
            export.name,
        )
        dates = (row.get(k, "") for _, row in table.rows for k in ("day", "starts"))
        day_first = slash_dates_day_first(dates, default=decimal == ",")
        table.check_currency(export.name, ctx.currency, ctx.brand_id)
        records = RecordSet()
        first_day: dict[str, date] = {}
        totals = 0
        for line, row in table.rows:
            if _is_total(row):
                totals += 1
                continue
            try:
                check_ratios(row, table, decimal, RATIOS)
                check_at_most(row, table, decimal, "reach", "impressions")
                self._row(row, line, table, ctx, decimal, day_first, records, first_day)
            except ValueError as e:
                out.reject("outcomes", line, str(e))
        for (kind, asset_id), (_, record) in records.entities.items():
            if kind == "assets":
                record["created_at"] = f"{first_day[asset_id].isoformat()}T00:00:00+00:00"
        records.emit(out, kinds=("outcomes",))
        if totals:
            out.notes.append(f"skipped {totals} total row(s)")
        if records.dropped:
            out.notes.append(
                f"reach not kept on {records.dropped} outcome(s) that sum several export rows "
                "(people reached are not additive)"
            )
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
        first_day: dict[str, date],
    ) -> None:
        day = self._day(row, table, day_first)
        name = row["campaign"].strip()
        if not name:
            raise ValueError(f"{table.present['campaign']}: the campaign name is empty")
        spend = amount_cell(row, "spend", decimal, table)
        currency = row.get("currency", "").strip().upper() or None
        if currency and currency != ctx.currency:
            raise ValueError(
                f"amount spent is in {currency} but brand {ctx.brand_id} reports in {ctx.currency}"
            )
        channel = ctx.channel_id or CHANNEL["id"]
        if not ctx.channel_id:
            records.entity("channels", line, CHANNEL)
        cid = campaign_id(ctx, "meta", name, row.get("campaign_id"))
        campaign: dict[str, Any] = {"id": cid, "brand_id": ctx.brand_id, "channel_ids": [channel]}
        if cid.startswith("meta-"):
            campaign.update(name=name, platform="Meta")
            objective = OBJECTIVES.get(row.get("objective", "").strip().lower())
            if objective:
                campaign["objective"] = objective
        outcome: dict[str, Any] = {
            "date": day.isoformat(),
            "campaign_id": cid,
            "channel_id": channel,
            "spend": spend.value if spend else 0.0,
        }
        adset = _platform_id(row, "adset", "adset_id", name)
        if adset:
            audience = f"meta-adset-{adset}"
            records.entity(
                "audiences",
                line,
                {
                    "id": audience,
                    "name": row.get("adset", "").strip() or audience,
                    "brand_id": ctx.brand_id,
                    "platform": "Meta",
                    "description": f"Meta ad set of campaign {name}",
                },
            )
            campaign["audience_ids"] = [audience]
            outcome["audience_id"] = audience
        ad = _platform_id(row, "ad", "ad_id", f"{name} {row.get('adset', '')}")
        if ad:
            asset = f"meta-ad-{ad}"
            title = row.get("ad", "").strip() or asset
            records.entity(
                "assets",
                line,
                {
                    "id": asset,
                    "brand_id": ctx.brand_id,
                    "kind": "ad_copy",
                    "title": title,
                    "platform": "Meta",
                    "campaign_ids": [cid],
                },
            )
            first_day[asset] = min(first_day.get(asset, day), day)
            outcome["asset_id"] = asset
        records.entity("campaigns", line, campaign)
        outcome.update(self._metrics(row, table, decimal))
        records.outcome(line, outcome)

    @staticmethod
    def _day(row: dict[str, str], table: Table, day_first: bool) -> date:
        if not is_empty(row.get("day")):
            return parse_date(row["day"], day_first=day_first)
        if is_empty(row.get("starts")) or is_empty(row.get("ends")):
            raise ValueError(f"{table.present.get('day', 'Day')}: the row has no day")
        starts = parse_date(row["starts"], day_first=day_first)
        ends = parse_date(row["ends"], day_first=day_first)
        if starts != ends:
            raise ValueError(
                f"{table.present['starts']} {starts} and {table.present['ends']} {ends} differ: "
                f"the row covers several days; {HINT}"
            )
        return starts

    @staticmethod
    def _metrics(row: dict[str, str], table: Table, decimal: Decimal) -> dict[str, float]:
        def value(key: str) -> float | None:
            found = amount_cell(row, key, decimal, table)
            return found.value if found else None

        indicator = row.get("indicator", "").lower()
        results = value("results")

        def first(*keys: str) -> float | None:
            present = [k for k in keys if k in row]
            return value(present[0]) if present else None

        metrics = {
            "impressions": value("impressions"),
            "clicks": first("link_clicks", "clicks_all"),
            "conversions": first("purchases", "web_purchases"),
            "revenue": first("purchase_value", "web_purchase_value"),
            "leads": value("leads"),
            "reach": value("reach"),
        }
        buys = "purchase" in indicator or "conversion" in indicator
        if metrics["conversions"] is None and buys:
            metrics["conversions"] = results
        if metrics["leads"] is None and "lead" in indicator:
            metrics["leads"] = results
        return {k: v for k, v in metrics.items() if v is not None}


def _platform_id(row: dict[str, str], name_key: str, id_key: str, scope: str) -> str | None:
    """The platform id of an ad set or ad; else a slug of its name within its parent."""
    if not is_empty(row.get(id_key)):
        return slug(row[id_key])
    if is_empty(row.get(name_key)):
        return None
    return slug(f"{scope} {row[name_key]}")


def _read(export: Export) -> Table:
    """The export's table; a day must come from Day or from Reporting starts and ends."""
    table = read_table(export.name, export.data, SPEC, hint=HINT)
    if "day" not in table.present and not {"starts", "ends"} <= table.present.keys():
        expected = [c.label for c in SPEC if not c.ignored]
        dates = {"starts": "Reporting starts", "ends": "Reporting ends"}
        missing = [label for key, label in dates.items() if key not in table.present]
        missing = ["Day"] if len(missing) == 2 else missing
        raise ColumnsError(export.name, expected, missing=missing, unknown=table.unknown, hint=HINT)
    return table


def _is_total(row: dict[str, str]) -> bool:
    """A totals row: no campaign, or one named like a total, and no day of its own."""
    name = fold(row.get("campaign", ""))
    if not is_empty(row.get("day")):
        return False
    return not name or name in TOTALS or any(name.startswith((f"{w}:", f"{w} :")) for w in TOTALS)
