"""Meta Ads Manager export (CSV) → campaigns, ad sets as audiences, ads as assets, outcomes.

Rows must cover one day each: exported with the Day breakdown (or with
"Reporting starts" equal to "Reporting ends"); a row spanning several days cannot become
a daily outcome and is rejected. Ad sets hold the targeting, so each becomes an audience
of the brand; each ad becomes an ``ad_copy`` asset of its campaign, which is what lets
ads of one ad set be compared as creative variants. Column mapping: docs/connectors.md.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ingest.connectors._build import RecordSet, campaign_id
from ingest.connectors._table import Column, Table, amount_cell, read_table
from ingest.connectors._values import Decimal, detect_decimal, is_empty, parse_date, slug
from ingest.connectors.base import Connector, Context, Export, Output

_IGNORED = (
    "Reach", "Frequency", "Cost per result", "CPM (cost per 1,000 impressions)",
    "CPC (cost per link click)", "CTR (link click-through rate)", "CTR (all)", "CPC (all)",
    "Cost per purchase", "Cost per lead", "Purchase ROAS (return on ad spend)",
    "Website purchase ROAS (return on advertising spend)", "Attribution setting",
    "Campaign delivery", "Ad set delivery", "Ad delivery", "Delivery status", "Delivery level",
    "Starts", "Ends", "Ad set budget", "Ad set budget type", "Campaign budget", "Budget",
    "Budget type", "Bid", "Bid type", "Platform", "Placement", "Device platform", "Age",
    "Gender", "Quality ranking", "Engagement rate ranking", "Conversion rate ranking",
    "Account name", "Account ID", "Landing page views", "ThruPlays", "Video plays",
    "Post engagement", "Unique link clicks",
)  # fmt: skip
SPEC = (
    Column("starts", ("Reporting starts",), required=True),
    Column("ends", ("Reporting ends",), required=True),
    Column("day", ("Day",)),
    Column("campaign", ("Campaign name",), required=True),
    Column("campaign_id", ("Campaign ID",)),
    Column("objective", ("Objective",)),
    Column("adset", ("Ad set name",)),
    Column("adset_id", ("Ad set ID",)),
    Column("ad", ("Ad name",)),
    Column("ad_id", ("Ad ID",)),
    Column(
        "spend",
        ("Amount spent",),
        required=True,
        pattern=r"Amount spent \((?P<currency>[A-Z]{3})\)",
    ),
    Column("currency", ("Currency",)),
    Column("impressions", ("Impressions",)),
    Column("link_clicks", ("Link clicks",)),
    Column("clicks_all", ("Clicks (all)",)),
    Column("results", ("Results",)),
    Column("indicator", ("Result indicator", "Result type")),
    Column("purchases", ("Purchases", "Website purchases")),
    Column(
        "purchase_value",
        (
            "Purchases conversion value",
            "Website purchases conversion value",
            "Purchase conversion value",
        ),
    ),
    Column("leads", ("Leads", "Website leads", "On-Facebook leads")),
    *(Column(f"_{i}", (name,), ignored=True) for i, name in enumerate(_IGNORED)),
)
CHANNEL = {"id": "meta-ads", "name": "Meta Ads", "kind": "paid_social", "platform": "Meta"}
_OBJECTIVES = {
    "outcome_sales": "conversions",
    "sales": "conversions",
    "conversions": "conversions",
    "outcome_leads": "leads",
    "leads": "leads",
    "lead generation": "leads",
    "outcome_awareness": "awareness",
    "awareness": "awareness",
    "brand awareness": "awareness",
    "reach": "awareness",
}
HINT = "export with the Day breakdown (Breakdown > By time > Day)"


class MetaAdsConnector(Connector):
    name = "meta-ads"
    title = "Meta Ads Manager export (CSV)"

    def convert(self, export: Export, ctx: Context) -> Output:
        table = read_table(export.name, export.data, SPEC, hint=HINT)
        out = Output()
        for line, reason in table.bad:
            out.reject("outcomes", line, reason)
        numbers: tuple[str, ...] = ("spend", "impressions", "link_clicks", "clicks_all")
        numbers = (*numbers, "results", "purchases", "purchase_value", "leads")
        decimal = detect_decimal(
            ((line, row[k]) for line, row in table.rows for k in numbers if k in row), export.name
        )
        records = RecordSet()
        first_day: dict[str, date] = {}
        for line, row in table.rows:
            try:
                self._row(row, line, table, ctx, decimal, records, first_day)
            except ValueError as e:
                out.reject("outcomes", line, str(e))
        for (kind, asset_id), (_, record) in records.entities.items():
            if kind == "assets":
                record["created_at"] = f"{first_day[asset_id].isoformat()}T00:00:00+00:00"
        records.emit(out, kinds=("outcomes",))
        return out

    def _row(
        self,
        row: dict[str, str],
        line: int,
        table: Table,
        ctx: Context,
        decimal: Decimal,
        records: RecordSet,
        first_day: dict[str, date],
    ) -> None:
        day = self._day(row)
        name = row["campaign"].strip()
        if not name:
            raise ValueError("Campaign name: the campaign name is empty")
        spend = amount_cell(row, "spend", decimal, table)
        currency = row.get("currency", "").strip().upper() or table.captures.get("spend", {}).get(
            "currency"
        )
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
            objective = _OBJECTIVES.get(row.get("objective", "").strip().lower())
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
    def _day(row: dict[str, str]) -> date:
        if not is_empty(row.get("day")):
            return parse_date(row["day"])
        starts, ends = parse_date(row["starts"]), parse_date(row["ends"])
        if starts != ends:
            raise ValueError(
                f"Reporting starts {starts} and Reporting ends {ends} differ: the row covers "
                f"several days; {HINT}"
            )
        return starts

    @staticmethod
    def _metrics(row: dict[str, str], table: Table, decimal: Decimal) -> dict[str, float]:
        def value(key: str) -> float | None:
            found = amount_cell(row, key, decimal, table)
            return found.value if found else None

        indicator = row.get("indicator", "").lower()
        results = value("results")
        metrics = {
            "impressions": value("impressions"),
            "clicks": value("link_clicks") if "link_clicks" in row else value("clicks_all"),
            "conversions": value("purchases"),
            "revenue": value("purchase_value"),
            "leads": value("leads"),
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
