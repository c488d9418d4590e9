"""SQL of the embedded backend: fixed statements as constants, values always as ``?``.

Layout: ``nodes`` holds every node but outcomes, ``outcomes`` holds Outcome nodes with
typed metric columns (they are the bulk of the data and what aggregates read),
``edges`` holds relationships between two non-outcome nodes (mirrored in networkx) and
``outcome_edges`` those with an Outcome at either end (read from SQLite on demand).

An outcome's OF edges to the campaign, channel, audience and asset named by its own
columns are not stored as rows: one bit each in ``outcomes.of_mask`` records that the edge
was written (ingesting a year of outcomes would otherwise mean millions of edge rows); its
FROM edge to the first ingest run that wrote it is ``from_run`` and ``from_props`` (see
``derived``).
"""

from __future__ import annotations

from typing import Final

import graph.embedded.outcome_rows as outcome_rows
from graph.errors import InvalidVocabularyError
from graph.schema import (
    OUTCOME_METRICS,
    Label,
    validate_group_key,
    validate_label,
    validate_property_name,
)

SCHEMA: Final = (
    """CREATE TABLE IF NOT EXISTS nodes (
        label TEXT NOT NULL, id TEXT NOT NULL, props TEXT NOT NULL,
        PRIMARY KEY (label, id)) WITHOUT ROWID""",
    "CREATE INDEX IF NOT EXISTS nodes_by_id ON nodes (id)",
    """CREATE TABLE IF NOT EXISTS outcomes (
        id TEXT PRIMARY KEY, date TEXT, campaign_id TEXT, channel_id TEXT,
        audience_id TEXT, asset_id TEXT, spend REAL, revenue REAL, conversions REAL,
        clicks REAL, impressions REAL, leads REAL, props TEXT NOT NULL,
        of_mask INTEGER NOT NULL DEFAULT 0, from_run TEXT, from_props TEXT) WITHOUT ROWID""",
    "CREATE INDEX IF NOT EXISTS outcomes_by_campaign ON outcomes (campaign_id, date)",
    "CREATE INDEX IF NOT EXISTS outcomes_by_channel ON outcomes (channel_id)",
    """CREATE TABLE IF NOT EXISTS edges (
        src_label TEXT NOT NULL, src_id TEXT NOT NULL, type TEXT NOT NULL,
        dst_label TEXT NOT NULL, dst_id TEXT NOT NULL, props TEXT NOT NULL,
        PRIMARY KEY (src_label, src_id, type, dst_label, dst_id)) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS outcome_edges (
        src_label TEXT NOT NULL, src_id TEXT NOT NULL, type TEXT NOT NULL,
        dst_label TEXT NOT NULL, dst_id TEXT NOT NULL, props TEXT NOT NULL,
        PRIMARY KEY (src_label, src_id, type, dst_label, dst_id)) WITHOUT ROWID""",
    # Incoming edges of a node by type: lineage asks for a few types of a node that may
    # have 100k FROM edges (an ingest run), so the type must come right after the node.
    "DROP INDEX IF EXISTS outcome_edges_by_dst",
    """CREATE INDEX IF NOT EXISTS outcome_edges_by_dst_type
        ON outcome_edges (dst_label, dst_id, type, src_label, src_id)""",
)

# Columns added to the outcomes table after its first release, with their DDL (a data dir
# written before gets them when the store opens), and the indexes they need.
ADDED_OUTCOME_COLUMNS: Final = (
    ("from_run", "ALTER TABLE outcomes ADD COLUMN from_run TEXT"),
    ("from_props", "ALTER TABLE outcomes ADD COLUMN from_props TEXT"),
)
OUTCOME_COLUMN_NAMES: Final = "SELECT name FROM pragma_table_info('outcomes')"
ADDED_OUTCOME_INDEXES: Final = (
    "CREATE INDEX IF NOT EXISTS outcomes_by_run ON outcomes (from_run) WHERE from_run IS NOT NULL",
)

# Indexes the outcomes table has by construction; a migration asking for one of them (or a
# prefix of one) needs nothing more, and a duplicate would only slow every insert down.
BUILTIN_OUTCOME_INDEXES: Final = (("campaign_id", "date"), ("channel_id",))

UPSERT_NODE: Final = """
INSERT INTO nodes (label, id, props) VALUES (?, ?, ?)
ON CONFLICT (label, id) DO UPDATE SET props = excluded.props"""

# The derived edges (of_mask, from_*) are computed in Python under the write lock.
UPSERT_OUTCOME: Final = """
INSERT INTO outcomes (id, date, campaign_id, channel_id, audience_id, asset_id, spend,
    revenue, conversions, clicks, impressions, leads, props, of_mask, from_run, from_props)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET date = excluded.date, campaign_id = excluded.campaign_id,
    channel_id = excluded.channel_id, audience_id = excluded.audience_id,
    asset_id = excluded.asset_id, spend = excluded.spend, revenue = excluded.revenue,
    conversions = excluded.conversions, clicks = excluded.clicks,
    impressions = excluded.impressions, leads = excluded.leads, props = excluded.props,
    of_mask = excluded.of_mask, from_run = excluded.from_run, from_props = excluded.from_props"""

# Derived OF edges: which column each target label is named by, and its bit in of_mask.
OF_COLUMNS: Final = {
    Label.CAMPAIGN: ("campaign_id", 1),
    Label.CHANNEL: ("channel_id", 2),
    Label.AUDIENCE: ("audience_id", 4),
    Label.ASSET: ("asset_id", 8),
}
# What the derived edges of each of a list of outcomes depend on.
OUTCOME_STATE: Final = """
SELECT id, campaign_id, channel_id, audience_id, asset_id, of_mask, from_run, from_props
FROM outcomes WHERE id IN (SELECT value FROM json_each(?))"""
SET_DERIVED: Final = "UPDATE outcomes SET of_mask = ?, from_run = ?, from_props = ? WHERE id = ?"
DELETE_STORED_OUTCOME_EDGE: Final = """
DELETE FROM outcome_edges WHERE src_label = 'Outcome' AND src_id = ? AND type = ?
    AND dst_label = ? AND dst_id = ?"""
COUNT_DERIVED_OF: Final = """
SELECT total((of_mask & 1) > 0) + total((of_mask & 2) > 0) + total((of_mask & 4) > 0)
     + total((of_mask & 8) > 0) FROM outcomes WHERE of_mask > 0"""
COUNT_DERIVED_FROM: Final = "SELECT count(*) FROM outcomes WHERE from_run IS NOT NULL"
OUTCOME_DERIVED: Final = """
SELECT campaign_id, channel_id, audience_id, asset_id, of_mask, from_run, from_props
FROM outcomes WHERE id = ?"""
OUTCOMES_FROM_RUN: Final = """
SELECT id, from_props FROM outcomes WHERE from_run = ? ORDER BY id LIMIT ?"""
FORGET_RUN: Final = "UPDATE outcomes SET from_run = NULL, from_props = NULL WHERE from_run = ?"


def outcomes_of(label: Label) -> str:
    """Outcomes whose derived OF edge points at a node of ``label`` (id bound as ``?``)."""
    column, bit = OF_COLUMNS[label]
    return (
        f"SELECT id FROM outcomes WHERE {column} = ? AND (of_mask & {bit}) > 0 ORDER BY id LIMIT ?"
    )


UPSERT_EDGE: Final = """
INSERT INTO edges (src_label, src_id, type, dst_label, dst_id, props) VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (src_label, src_id, type, dst_label, dst_id) DO UPDATE SET props = excluded.props"""

UPSERT_OUTCOME_EDGE: Final = """
INSERT INTO outcome_edges (src_label, src_id, type, dst_label, dst_id, props)
VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (src_label, src_id, type, dst_label, dst_id) DO UPDATE SET props = excluded.props"""

ALL_NODES: Final = "SELECT label, id, props FROM nodes"
ALL_EDGES: Final = "SELECT src_label, src_id, type, dst_label, dst_id, props FROM edges"
NODE_PROPS: Final = "SELECT props FROM nodes WHERE label = ? AND id = ?"
OUTCOME_ROW: Final = f"SELECT {outcome_rows.SELECT} FROM outcomes WHERE id = ?"
OUTCOME_EXISTS: Final = "SELECT 1 FROM outcomes WHERE id = ?"
EXISTING_OUTCOMES: Final = "SELECT id FROM outcomes WHERE id IN (SELECT value FROM json_each(?))"
LABELS_OF_ID: Final = "SELECT label FROM nodes WHERE id = ? ORDER BY label"
COUNT_NODES: Final = "SELECT count(*) FROM nodes"
COUNT_NODES_OF_LABEL: Final = "SELECT count(*) FROM nodes WHERE label = ?"
COUNT_OUTCOMES: Final = "SELECT count(*) FROM outcomes"
COUNT_EDGES: Final = "SELECT (SELECT count(*) FROM edges) + (SELECT count(*) FROM outcome_edges)"
COUNT_EDGES_OF_TYPE: Final = """
SELECT (SELECT count(*) FROM edges WHERE type = ?)
     + (SELECT count(*) FROM outcome_edges WHERE type = ?)"""

# Edges with an Outcome at one end, read per node (ordered as the contract asks).
OUTCOME_EDGES_FROM: Final = """
SELECT src_label, src_id, type, dst_label, dst_id, props FROM outcome_edges
WHERE src_label = ? AND src_id = ? AND type IN (SELECT value FROM json_each(?))
ORDER BY type, dst_label, dst_id LIMIT ?"""
OUTCOME_EDGES_TO: Final = """
SELECT src_label, src_id, type, dst_label, dst_id, props FROM outcome_edges
WHERE dst_label = ? AND dst_id = ? AND type IN (SELECT value FROM json_each(?))
ORDER BY type, src_label, src_id LIMIT ?"""

MIGRATION_NODES: Final = "SELECT id, props FROM nodes WHERE label = 'Migration'"
DELETE_NODE: Final = "DELETE FROM nodes WHERE label = ? AND id = ?"
DELETE_OUTCOME: Final = "DELETE FROM outcomes WHERE id = ?"
DELETE_EDGES_OF: Final = """
DELETE FROM edges WHERE (src_label = ?1 AND src_id = ?2) OR (dst_label = ?1 AND dst_id = ?2)"""
DELETE_OUTCOME_EDGES_OF: Final = """
DELETE FROM outcome_edges
WHERE (src_label = ?1 AND src_id = ?2) OR (dst_label = ?1 AND dst_id = ?2)"""


def clear_of_bits(label: Label) -> str:
    """Forget the derived OF edges of outcomes pointing at a deleted node of ``label``."""
    column, bit = OF_COLUMNS[label]
    return f"UPDATE outcomes SET of_mask = of_mask & ~{bit} WHERE {column} = ?"


def unique_index(label: Label, prop: str) -> str:
    """A partial unique expression index that enforces ``(label).prop`` uniqueness."""
    lab = validate_label(label).value
    name = validate_property_name(prop)
    if lab == Label.OUTCOME.value:
        return (
            f'CREATE UNIQUE INDEX IF NOT EXISTS "uq_Outcome_{name}" '
            f"ON outcomes ({outcome_rows.value_sql(name)})"
        )
    return (
        f'CREATE UNIQUE INDEX IF NOT EXISTS "uq_{lab}_{name}" '
        f"ON nodes (json_extract(props, '$.{name}')) WHERE label = '{lab}'"
    )


OUTCOME_COLUMNS: Final = frozenset(
    {"date", "campaign_id", "channel_id", "audience_id", "asset_id", "spend", "revenue"}
)


def property_index(label: Label, props: tuple[str, ...]) -> str | None:
    """An index on properties of one label (typed columns for outcomes); None when a
    built-in index already serves it."""
    lab = validate_label(label).value
    names = [validate_property_name(p) for p in props]
    suffix = "_".join(names)
    if lab == Label.OUTCOME.value and any(
        tuple(names) == built[: len(names)] for built in BUILTIN_OUTCOME_INDEXES
    ):
        return None
    if lab == Label.OUTCOME.value and set(names) <= OUTCOME_COLUMNS:
        return f'CREATE INDEX IF NOT EXISTS "ix_Outcome_{suffix}" ON outcomes ({", ".join(names)})'
    exprs = ", ".join(f"json_extract(props, '$.{n}')" for n in names)
    return (
        f"CREATE INDEX IF NOT EXISTS \"ix_{lab}_{suffix}\" ON nodes ({exprs}) WHERE label = '{lab}'"
    )


def aggregate_outcomes(
    group_by: tuple[str, ...], filters: list[str], metrics: tuple[str, ...] = OUTCOME_METRICS
) -> str:
    """``SELECT … GROUP BY`` over outcomes (``count(*)`` then a total per metric of
    ``metrics``); keys, metrics and filter clauses come from fixed sets."""
    keys = [validate_group_key(k) for k in group_by]
    for metric in metrics:
        if metric not in OUTCOME_METRICS:
            raise InvalidVocabularyError("outcome metric", metric, list(OUTCOME_METRICS))
    sums = "".join(f", total({m})" for m in metrics)
    for clause in filters:
        if clause not in FILTERS:
            raise InvalidVocabularyError("outcome filter", clause, sorted(FILTERS))
    select_keys = "".join(f"{k}, " for k in keys)
    where = f"WHERE {' AND '.join(filters)}" if filters else ""
    group = f"GROUP BY {', '.join(keys)} ORDER BY {', '.join(keys)}" if keys else ""
    return f"SELECT {select_keys}count(*){sums} FROM outcomes {where} {group}"


def outcome_keys(filters: list[str]) -> str:
    """Ids and pair keys of the outcomes matching ``filters`` (``FILTER_*`` constants)."""
    for clause in filters:
        if clause not in FILTERS:
            raise InvalidVocabularyError("outcome filter", clause, sorted(FILTERS))
    where = f"WHERE {' AND '.join(filters)}" if filters else ""
    return (
        f"SELECT id, campaign_id, channel_id, audience_id, date FROM outcomes {where} ORDER BY id"
    )


# Filter clauses the aggregate may use (values bound as parameters).
FILTER_CAMPAIGNS: Final = "campaign_id IN (SELECT value FROM json_each(?))"
FILTER_CHANNELS: Final = "channel_id IN (SELECT value FROM json_each(?))"
FILTER_AUDIENCES: Final = "audience_id IN (SELECT value FROM json_each(?))"
FILTER_START: Final = "date >= ?"
FILTER_END: Final = "date <= ?"
FILTERS: Final = frozenset(
    {FILTER_CAMPAIGNS, FILTER_CHANNELS, FILTER_AUDIENCES, FILTER_START, FILTER_END}
)
