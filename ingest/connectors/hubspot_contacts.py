"""HubSpot contacts export (CSV) → leads, with their campaign, source channel and stages.

A contact becomes lead ``hubspot-contact-RECORD_ID``. Its campaign is the ``UTM Campaign``
(or an "Original Source Drill-Down" naming a campaign of the graph); without one it joins
a per-source campaign, ``hubspot-organic-search``. Its channel is the original source
(``hubspot-paid-search``…). Lifecycle stage and Lead Status give the canonical stage; the
"Became a … Date" columns give the stage times the handoff report reads. Names, e-mail
addresses and phone numbers are recognised and deliberately not stored.
"""

from __future__ import annotations

from typing import Any

from ingest.connectors._build import RecordSet, existing_campaign
from ingest.connectors._hubspot import (
    LEAD_STATUS,
    LIFECYCLE,
    SOURCES,
    known,
    lead_id,
    source_key,
    timestamp,
)
from ingest.connectors._table import Column, Table, amount_cell, read_table
from ingest.connectors._values import Decimal, detect_decimal, is_empty, slug
from ingest.connectors.base import Connector, Context, Export, Output, Probe

_PERSONAL = (
    "First Name", "Last Name", "Email", "Phone Number", "Mobile Phone Number",
    "Street Address", "Website URL", "IP Address", "LinkedIn URL", "Fax Number",
)  # fmt: skip
_IGNORED = (
    "Company Name", "Job Title", "Last Activity Date", "Number of Sales Activities",
    "Recent Deal Amount", "Associated Company", "Associated Deals", "Country/Region",
    "State/Region", "City", "Postal Code", "Marketing contact status", "Last Modified Date",
    "UTM Source", "UTM Medium", "UTM Content", "UTM Term", "Number of Pageviews",
    "Number of Sessions", "Industry", "Annual Revenue", "Number of Employees", "Persona",
)  # fmt: skip
# Timestamp columns: key, accepted headers, lead property.
_TIMES = (
    ("created", ("Create Date", "Created Date"), "created_at"),
    ("assigned", ("Owner Assigned Date", "HubSpot Owner Assigned Date"), "assigned_at"),
    (
        "first_response",
        ("First Engagement Date", "Time of First Engagement", "Date of first engagement"),
        "first_response_at",
    ),
    ("lead_at", ("Became a Lead Date",), "lead_at"),
    ("mql_at", ("Became a Marketing Qualified Lead Date",), "qualified_at"),
    ("sql_at", ("Became a Sales Qualified Lead Date",), "sales_qualified_at"),
    ("opp_at", ("Became an Opportunity Date",), "opportunity_at"),
    ("customer_at", ("Became a Customer Date",), "converted_at"),
)
SPEC = (
    Column("record_id", ("Record ID", "Contact ID"), required=True),
    *(Column(key, names, required=key == "created") for key, names, _ in _TIMES),
    Column("lifecycle", ("Lifecycle Stage",)),
    Column("lead_status", ("Lead Status",)),
    Column("owner", ("Contact owner", "HubSpot Owner", "Owner")),
    Column("source", ("Original Source", "Original Traffic Source")),
    Column("drill1", ("Original Source Drill-Down 1", "Original Traffic Source Drill-Down 1")),
    Column("drill2", ("Original Source Drill-Down 2", "Original Traffic Source Drill-Down 2")),
    Column("utm_campaign", ("UTM Campaign",)),
    Column("value", ("Total Revenue",)),
    *(Column(f"_p{i}", (name,), ignored=True) for i, name in enumerate(_PERSONAL)),
    *(Column(f"_{i}", (name,), ignored=True) for i, name in enumerate(_IGNORED)),
)


class HubSpotContactsConnector(Connector):
    name = "hubspot-contacts"
    title = "HubSpot contacts export (CSV) as leads"

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
            ((line, row["value"]) for line, row in table.rows if "value" in row), export.name
        )
        records = RecordSet()
        for line, row in table.rows:
            try:
                out.add("leads", line, self._lead(row, line, table, ctx, decimal, records))
            except ValueError as e:
                out.reject("leads", line, str(e))
        records.emit(out)
        out.rows.pop("outcomes", None)
        personal = [name for key, name in table.ignored.items() if key.startswith("_p")]
        if personal:
            out.notes.append(f"personal data not stored: {', '.join(personal)}")
        if ctx.timezone is None:
            out.notes.append("timestamps without an offset were read as UTC (see --timezone)")
        out.notes += table.notes(self.name)
        return out

    def _lead(
        self,
        row: dict[str, str],
        line: int,
        table: Table,
        ctx: Context,
        decimal: Decimal,
        records: RecordSet,
    ) -> dict[str, Any]:
        record_id = row["record_id"].strip()
        if not record_id:
            raise ValueError("Record ID: empty")
        source = source_key(row.get("source", "")) or "offline sources"
        suffix, kind = SOURCES.get(source, (None, None))
        if suffix is None or kind is None:
            raise ValueError(
                f"{table.present.get('source')}: unknown source {row['source']!r}; expected one "
                f"of {', '.join(s.title() for s in SOURCES)}"
            )
        channel = ctx.channel_id or f"hubspot-{suffix}"
        if not ctx.channel_id:
            name = f"HubSpot: {source.title()}"
            record = {"id": channel, "name": name, "kind": kind, "platform": "HubSpot"}
            records.entity("channels", line, record)
        lead: dict[str, Any] = {
            "id": lead_id(record_id),
            "campaign_id": self._campaign(row, source, channel, ctx, records, line),
            "channel_id": channel,
            "platform": "HubSpot",
            "source": source.title(),
        }
        for key, names, prop in _TIMES:
            value = timestamp(row, key, table.present.get(key, names[0]), ctx)
            if value is not None:
                lead[prop] = value
        if not is_empty(row.get("owner")):
            lead["owner"] = row["owner"].strip()
        stage = self._stage(row, table)
        if stage:
            lead["stage"] = stage
        for key, prop in (("lifecycle", "lifecycle_stage"), ("lead_status", "lead_status")):
            if not is_empty(row.get(key)):
                lead[prop] = row[key].strip()
        revenue = amount_cell(row, "value", decimal, table)
        if revenue is not None:
            lead["value"] = revenue.value
        return lead

    @staticmethod
    def _stage(row: dict[str, str], table: Table) -> str | None:
        stage = None
        if not is_empty(row.get("lifecycle")):
            stage = known(LIFECYCLE, row["lifecycle"], table.present["lifecycle"])
        status = row.get("lead_status", "").strip().lower()
        if status and status in LEAD_STATUS and stage in (None, "new", "qualified"):
            refined = LEAD_STATUS[status]
            if not (stage == "qualified" and refined == "contacted"):
                stage = refined
        return stage

    @staticmethod
    def _campaign(
        row: dict[str, str],
        source: str,
        channel: str,
        ctx: Context,
        records: RecordSet,
        line: int,
    ) -> str:
        utm = row.get("utm_campaign", "").strip()
        for value in (utm, row.get("drill2", ""), row.get("drill1", "")):
            if value.strip() and (found := existing_campaign(ctx, value)):
                return found
        if utm and not is_empty(utm):
            cid, name = f"hubspot-{slug(utm)}", utm
        else:
            cid, name = f"hubspot-{slug(source)}", f"HubSpot: {source.title()} (no campaign)"
        campaign = {
            "id": cid,
            "brand_id": ctx.brand_id,
            "name": name,
            "objective": "leads",
            "platform": "HubSpot",
            "channel_ids": [channel],
        }
        records.entity("campaigns", line, campaign)
        return cid
