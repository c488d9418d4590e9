"""HubSpot deals export (CSV) → lead stages and values, and closed-won revenue as outcomes.

Each deal belongs to the lead of its first associated contact, which must already be in
the graph (ingest the contacts export first). A lead with a won deal becomes ``won``
(value: its won amounts, converted at the first close); one with only open deals an
``opportunity``; one with only lost deals ``lost``. Won revenue becomes outcomes of the
lead's campaign on channel ``hubspot-crm`` (spend 0), one per close day, so CRM revenue
never overwrites an ad platform's row for the same day and campaign.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from graph.models import NodeRef
from graph.schema import Label
from ingest.connectors._build import RecordSet
from ingest.connectors._hubspot import CRM_CHANNEL, DEAL_STAGES, known, lead_id, timestamp
from ingest.connectors._table import Column, Table, amount_cell, read_table
from ingest.connectors._values import Decimal, detect_decimal
from ingest.connectors.base import Connector, Context, Export, Output, Probe

_IGNORED = (
    "Deal Name", "Pipeline", "Deal owner", "Deal Type", "Deal probability",
    "Last Activity Date", "Amount in company currency", "Associated Company IDs",
    "Associated Company", "Associated Contact", "Last Modified Date", "Forecast amount",
    "Forecast category", "Next step", "Priority",
)  # fmt: skip
SPEC = (
    Column("record_id", ("Record ID", "Deal ID"), required=True),
    Column("stage", ("Deal Stage",), required=True),
    Column("contacts", ("Associated Contact IDs", "Associated Contact ID"), required=True),
    Column("amount", ("Amount",)),
    Column("currency", ("Currency", "Deal currency code")),
    Column("close", ("Close Date",)),
    Column("created", ("Create Date",)),
    *(Column(f"_{i}", (name,), ignored=True) for i, name in enumerate(_IGNORED)),
)


@dataclass
class _Deal:
    line: int
    deal_id: str
    stage: str
    amount: float
    closed_at: str | None


class HubSpotDealsConnector(Connector):
    name = "hubspot-deals"
    title = "HubSpot deals export (CSV) as lead outcomes"

    def probe(self, export: Export) -> Probe:
        table = read_table(export.name, export.data, SPEC)
        cells = (row.get("currency", "").strip().upper() for _, row in table.rows)
        return Probe(currency=next((c for c in cells if c), None))

    def convert(self, export: Export, ctx: Context) -> Output:
        table = read_table(export.name, export.data, SPEC)
        out = Output()
        for line, reason in table.bad:
            out.reject("leads", line, reason)
        decimal = detect_decimal(
            ((line, row["amount"]) for line, row in table.rows if "amount" in row), export.name
        )
        deals: dict[str, list[_Deal]] = defaultdict(list)
        for line, row in table.rows:
            try:
                lead, deal = self._deal(row, line, table, ctx, decimal)
            except ValueError as e:
                out.reject("leads", line, str(e))
                continue
            deals[lead].append(deal)
        leads = {
            n.id: n.properties
            for n in ctx.lookup.get_nodes([NodeRef(Label.LEAD, lead) for lead in deals])
        }
        records = RecordSet()
        for lead, mine in deals.items():
            if lead not in leads:
                for deal in mine:
                    out.reject(
                        "leads",
                        deal.line,
                        f"deal {deal.deal_id} belongs to lead {lead}, which is not in the "
                        "graph; ingest the HubSpot contacts export first",
                    )
                continue
            out.add("leads", mine[0].line, _lead_update(lead, mine))
            self._revenue(leads[lead], mine, ctx, records)
        records.emit(out, kinds=("outcomes",))
        out.notes += table.notes(self.name)
        return out

    def _deal(
        self, row: dict[str, str], line: int, table: Table, ctx: Context, decimal: Decimal
    ) -> tuple[str, _Deal]:
        contacts = [c.strip() for c in row["contacts"].replace(",", ";").split(";") if c.strip()]
        if not contacts:
            raise ValueError(f"{table.present['contacts']}: the deal has no associated contact")
        stage = known(DEAL_STAGES, row["stage"], table.present["stage"])
        currency = row.get("currency", "").strip().upper()
        amount = amount_cell(row, "amount", decimal, table)
        currency = currency or (amount.currency if amount else None) or ""
        if currency and currency != ctx.currency:
            raise ValueError(
                f"amount is in {currency} but brand {ctx.brand_id} reports in {ctx.currency}"
            )
        closed = timestamp(row, "close", table.present.get("close", "Close Date"), ctx)
        if stage == "won" and closed is None:
            raise ValueError("Close Date: required for a won deal")
        deal = _Deal(line, row["record_id"].strip(), stage, amount.value if amount else 0.0, closed)
        return lead_id(contacts[0]), deal

    @staticmethod
    def _revenue(
        lead: dict[str, Any], deals: list[_Deal], ctx: Context, records: RecordSet
    ) -> None:
        for deal in deals:
            if deal.stage != "won" or deal.closed_at is None:
                continue
            channel = ctx.channel_id or str(CRM_CHANNEL["id"])
            if not ctx.channel_id:
                records.entity("channels", deal.line, CRM_CHANNEL)
            outcome = {
                "date": deal.closed_at[:10],
                "campaign_id": lead["campaign_id"],
                "channel_id": channel,
                "spend": 0.0,
                "revenue": deal.amount,
                "conversions": 1,
            }
            records.outcome(deal.line, outcome)


def _lead_update(lead: str, deals: list[_Deal]) -> dict[str, Any]:
    """The lead's stage and value from its deals (won beats open beats lost)."""
    won = [d for d in deals if d.stage == "won"]
    open_ = [d for d in deals if d.stage == "opportunity"]
    update: dict[str, Any] = {"id": lead, "deal_ids": sorted(d.deal_id for d in deals)}
    if won:
        update["stage"] = "won"
        update["value"] = round(sum(d.amount for d in won), 2)
        update["converted_at"] = min(d.closed_at for d in won if d.closed_at)
    elif open_:
        update["stage"] = "opportunity"
        update["value"] = round(sum(d.amount for d in open_), 2)
    else:
        update["stage"] = "lost"
    return update
