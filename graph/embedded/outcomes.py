"""Outcome reads of the embedded backend: filters, aggregates (SQLite over the typed table)."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

import networkx as nx

import graph.embedded.queries as q
from graph.models import OutcomeQuery, OutcomeTotals
from graph.schema import Label, RelType

Key = tuple[str, str]


def outcome_filters(
    graph: nx.MultiDiGraph[Key], query: OutcomeQuery
) -> tuple[list[str], list[Any]]:
    """SQL filter clauses (``FILTER_*`` constants) and their parameters for ``query``.

    A brand filter becomes the brand's campaigns, read from the networkx mirror (RUNS).
    """
    filters: list[str] = []
    params: list[Any] = []
    campaign_ids = query.campaign_ids
    if query.brand_id is not None:
        brand = (Label.BRAND.value, query.brand_id)
        owned = (
            sorted(
                dst[1]
                for _, dst, rel in graph.out_edges(brand, keys=True)
                if rel == RelType.RUNS.value
            )
            if brand in graph
            else []
        )
        campaign_ids = owned if campaign_ids is None else [c for c in campaign_ids if c in owned]
    for clause, values in (
        (q.FILTER_CAMPAIGNS, campaign_ids),
        (q.FILTER_CHANNELS, query.channel_ids),
        (q.FILTER_AUDIENCES, query.audience_ids),
    ):
        if values is not None:
            filters.append(clause)
            params.append(json.dumps(list(values)))
    if query.start is not None:
        filters.append(q.FILTER_START)
        params.append(query.start.isoformat())
    if query.end is not None:
        filters.append(q.FILTER_END)
        params.append(query.end.isoformat())
    return filters, params


def aggregate(
    db: sqlite3.Connection, graph: nx.MultiDiGraph[Key], query: OutcomeQuery
) -> list[OutcomeTotals]:
    """Sums of the outcome metrics grouped by ``query.group_by`` (empty groups dropped)."""
    filters, params = outcome_filters(graph, query)
    summed = query.summed()
    sql = q.aggregate_outcomes(query.group_by, filters, summed)
    totals = []
    width = len(query.group_by)
    for row in db.execute(sql, params):
        keys = dict(zip(query.group_by, row[:width], strict=True))
        metrics = dict(zip(("rows", *summed), row[width:], strict=True))
        if metrics["rows"] == 0:
            continue
        # Values straight from the store: built without validation (thousands per report).
        totals.append(OutcomeTotals.from_store({**keys, **metrics}))
    return totals
