"""``marketgraph campaigns`` and ``marketgraph context``: the campaigns a planner works
with, and what surrounds one of them (the same context ``GET /v1/campaigns/{id}/context``
answers)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, cast

import typer

from api.cli._common import JsonOpt, one_line_errors, open_cli_services, out
from api.cli._format import Names, brand_currency, money
from api.cli._values import UsageError, day, existing_id, window
from graph.base import GraphStore
from graph.models import Node, OutcomeTotals
from graph.schema import Label
from workflows import campaign_listing as listing
from workflows.campaign_listing import SORT_KEYS, CampaignFilter, Order, SortKey
from workflows.campaigns import CampaignView, campaign_context


@one_line_errors
def campaigns(
    brand: Annotated[str | None, typer.Option(help="only this brand's campaigns")] = None,
    search: Annotated[
        str | None, typer.Option(help="only campaigns whose name or id holds this (any case)")
    ] = None,
    sort: Annotated[str, typer.Option(help=f"order by one of: {', '.join(SORT_KEYS)}")] = "name",
    desc: Annotated[bool, typer.Option("--desc", help="largest (or last) first")] = False,
    limit: Annotated[int, typer.Option(help="at most this many (1-1000)")] = 50,
    offset: Annotated[int, typer.Option(help="skip this many")] = 0,
    start: Annotated[str | None, typer.Option(help="totals from this day, YYYY-MM-DD")] = None,
    end: Annotated[str | None, typer.Option(help="totals to this day, YYYY-MM-DD")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Campaigns with their spend, revenue and ROAS: searched, sorted, a page at a time
    (the listing GET /v1/campaigns answers), with totals per currency."""
    if sort not in SORT_KEYS:
        raise UsageError(f"--sort {sort!r} is not one of {', '.join(SORT_KEYS)}")
    if not 1 <= limit <= 1000 or offset < 0:
        raise UsageError(f"--limit {limit} / --offset {offset}: limit 1-1000, offset 0 or more")
    first = day(start, "--start") if start else None
    last = day(end, "--end") if end else None
    window(first, last)
    order: Order = "desc" if desc else "asc"
    key = cast(SortKey, sort)
    with open_cli_services() as services:
        graph = services.graph
        if brand is not None:
            brand = existing_id(graph, Label.BRAND, brand, "--brand")
        where = CampaignFilter(
            [brand] if brand else None, (search or "").strip() or None, first, last
        )
        found = listing.page(graph, where, key, order, limit, offset)
        rows = found.rows
        if as_json:
            from api.schemas.campaigns import CampaignSummary

            items = [CampaignSummary.of(n, t).model_dump(mode="json") for n, t in rows]
            out.print_json(json.dumps({"total": found.total, "offset": offset, "items": items}))
            return
        _, groups = listing.by_currency(graph, where)
        names = Names(graph)
        names.load(Label.BRAND, (str(n.properties.get("brand_id") or "") for n, _ in rows))
        currency = _currencies(graph, rows)
    total = found.total
    shown = f"{offset + 1}-{offset + len(rows)} of {total:,}" if rows else f"none of {total:,}"
    out.print(f"[bold]campaigns[/] {shown}", highlight=False)
    width = max((len(_name(n)) for n, _ in rows), default=0)
    for node, t in rows:
        brand_id = str(node.properties.get("brand_id") or "")
        cur = currency(brand_id)
        roas = "—" if t is None or t.roas is None else f"{t.roas:.2f}"
        out.print(
            f"  {_name(node):<{width}}  {node.id}  {names(Label.BRAND, brand_id)}  "
            f"{node.properties.get('status') or '—'}  spend {money(t.spend if t else 0, cur)}  "
            f"revenue {money(t.revenue if t else 0, cur)}  ROAS {roas}",
            highlight=False,
        )
    if offset + len(rows) < total:
        out.print(f"(--offset {offset + len(rows)} for the next page)", style="dim")
    for g in groups:  # money of different currencies is never added up
        roas = "—" if g.totals.roas is None else f"{g.totals.roas:.2f}"
        out.print(
            f"total in {g.currency or 'no currency'}: {g.campaigns:,} campaigns of "
            f"{len(g.brands)} brand(s), spend {money(g.totals.spend, g.currency)}, revenue "
            f"{money(g.totals.revenue, g.currency)}, ROAS {roas}",
            highlight=False,
        )


def _name(node: Node) -> str:
    return str(node.properties.get("name") or node.id)


def _currencies(
    graph: GraphStore, rows: list[tuple[Node, OutcomeTotals | None]]
) -> Callable[[str], str | None]:
    brands = {str(n.properties.get("brand_id") or "") for n, _ in rows} - {""}
    found = {b: brand_currency(graph, b) for b in brands}
    return lambda b: found.get(b)


@one_line_errors
def context(
    campaign_id: Annotated[str, typer.Argument(help="a campaign id (see marketgraph campaigns)")],
    start: Annotated[str | None, typer.Option(help="totals from this day, YYYY-MM-DD")] = None,
    end: Annotated[str | None, typer.Option(help="totals to this day, YYYY-MM-DD")] = None,
    as_json: JsonOpt = False,
) -> None:
    """A campaign with its brand, channels, audiences, assets, totals per channel,
    decisions, and the brand's past campaigns and assets most like it."""
    first = day(start, "--start") if start else None
    last = day(end, "--end") if end else None
    window(first, last)
    with open_cli_services() as services:
        campaign_id = existing_id(services.graph, Label.CAMPAIGN, campaign_id, "CAMPAIGN_ID")
        view = campaign_context(services, campaign_id, first, last)
        names = Names(services.graph)
        brand_id = view.context.brand.id if view.context.brand else None
        currency = brand_currency(services.graph, brand_id)
        names.load(Label.CHANNEL, (t.channel_id for t in view.context.outcomes_by_channel))
    if as_json:
        from api.schemas.graph import CampaignContextPublic

        out.print_json(CampaignContextPublic.of(view).model_dump_json())
        return
    _print_context(view, names, currency)


def _print_context(view: CampaignView, names: Names, currency: str | None) -> None:
    c = view.context
    p = c.campaign.properties
    brand = str(c.brand.properties.get("name") or c.brand.id) if c.brand else "no brand"
    period = f"{p['start_date']}..{p['end_date']}" if p.get("start_date") else "no dates"
    budget = f", budget {money(float(p['budget']), currency)}" if p.get("budget") else ""
    out.print(
        f"[bold]{_name(c.campaign)}[/] ({c.campaign.id}) · {brand} · "
        f"{p.get('status') or 'no status'} · {period}{budget}",
        highlight=False,
    )
    facts = [f"{k.replace('_', ' ')}: {p[k]}" for k in ("objective", "business_unit") if p.get(k)]
    if facts:
        out.print("  " + "; ".join(facts), highlight=False)
    for title, nodes in (("channels", c.channels), ("audiences", c.audiences)):
        listed = ", ".join(f"{_name(n)} ({n.id})" for n in nodes) or "none"
        out.print(f"  {title}: {listed}", highlight=False)
    titles = [str(a.properties.get("title") or a.id) for a in c.assets]
    more = f" … and {len(titles) - 5} more" if len(titles) > 5 else ""
    out.print(f"  assets ({len(titles)}): {'; '.join(titles[:5]) or 'none'}{more}", highlight=False)
    out.print("[bold]totals by channel[/]")
    width = max((len(names(Label.CHANNEL, t.channel_id)) for t in c.outcomes_by_channel), default=5)
    for t in c.outcomes_by_channel:
        out.print(f"  {names(Label.CHANNEL, t.channel_id):<{width}}  {_totals_line(t, currency)}")
    if len(c.outcomes_by_channel) > 1:
        whole = OutcomeTotals(
            rows=sum(t.rows for t in c.outcomes_by_channel),
            spend=sum(t.spend for t in c.outcomes_by_channel),
            revenue=sum(t.revenue for t in c.outcomes_by_channel),
            conversions=sum(t.conversions for t in c.outcomes_by_channel),
        )
        out.print(f"  {'all':<{width}}  {_totals_line(whole, currency)}", highlight=False)
    if not c.outcomes_by_channel:
        out.print("  no outcomes")
    out.print(f"[bold]decisions[/] ({len(c.decisions)})")
    for d in c.decisions[:10]:
        dp = d.properties
        out.print(
            f"  {d.id}  {dp.get('kind', 'decision')} by {dp.get('agent', '?')}, "
            f"{str(dp.get('created_at') or '')[:10]}",
            highlight=False,
        )
    if not view.retrieval_available:
        out.print(f"similar work: the text index is unavailable ({view.retrieval_reason})")
        return
    for title, items in (
        ("similar campaigns", view.similar_campaigns),
        ("similar assets", view.similar_assets),
    ):
        out.print(f"[bold]{title}[/]")
        for i in items:
            out.print(f"  {i.score:.3f}  {i.title}  ({i.node_id})", highlight=False)
        if not items:
            out.print("  none found")


def _totals_line(t: OutcomeTotals, currency: str | None) -> str:
    roas = "—" if t.roas is None else f"{t.roas:.2f}"
    return (
        f"spend {money(t.spend, currency)}  revenue {money(t.revenue, currency)}  ROAS {roas}  "
        f"conversions {t.conversions:,.0f}  ({t.rows:,} rows)"
    )
