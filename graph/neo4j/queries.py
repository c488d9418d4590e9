"""Cypher of the Neo4j backend: fixed queries as constants, variants from small builders.

Values always travel as ``$params``. The only text ever interpolated is a label, a
relationship type, an outcome grouping key or a migration's property name, each checked
against the fixed vocabulary first (``graph.schema.validate_*``) and then taken from the
literal tables below, so every query stays a ``LiteralString``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final, LiteralString, cast

from graph.errors import InvalidVocabularyError
from graph.query import Condition, In, NodeQuery, Range
from graph.schema import (
    OUTCOME_GROUP_KEYS,
    OUTCOME_METRICS,
    Label,
    RelType,
    validate_group_key,
    validate_label,
    validate_property_name,
    validate_rel_type,
)

_IDENTIFIER: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")

# Rows per UNWIND statement; a larger batch is sent as several statements of one transaction.
CHUNK_ROWS: Final = 5_000

# -- the vocabulary as literal text --------------------------------------------------------
_LABELS: Final[dict[Label, LiteralString]] = {
    Label.BRAND: "Brand",
    Label.CAMPAIGN: "Campaign",
    Label.AUDIENCE: "Audience",
    Label.CHANNEL: "Channel",
    Label.ASSET: "Asset",
    Label.OUTCOME: "Outcome",
    Label.LEAD: "Lead",
    Label.BRIEF: "Brief",
    Label.PLAN: "Plan",
    Label.ALLOCATION: "Allocation",
    Label.TASK: "Task",
    Label.EXPERIMENT: "Experiment",
    Label.DECISION: "Decision",
    Label.APPROVAL: "Approval",
    Label.EXECUTION: "Execution",
    Label.ALERT: "Alert",
    Label.AGENT: "Agent",
    Label.INGEST_RUN: "IngestRun",
    Label.SOURCE: "Source",
    Label.RESPONSE_CURVE: "ResponseCurve",
    Label.MIGRATION: "Migration",
    Label.INDEX_JOB: "IndexJob",
    Label.LINE_STATE: "LineState",
    Label.OUTBOX_ENTRY: "OutboxEntry",
    Label.EVENT: "Event",
    Label.RESEARCH_BRIEF: "ResearchBrief",
    Label.ROUTING_POLICY: "RoutingPolicy",
    Label.AUDIT_HEAD: "AuditHead",
}
_REL_TYPES: Final[dict[RelType, LiteralString]] = {
    RelType.RUNS: "RUNS",
    RelType.TARGETS: "TARGETS",
    RelType.ON: "ON",
    RelType.USES: "USES",
    RelType.OF: "OF",
    RelType.MADE_BY: "MADE_BY",
    RelType.BASED_ON: "BASED_ON",
    RelType.PRODUCED: "PRODUCED",
    RelType.APPROVES: "APPROVES",
    RelType.REJECTS: "REJECTS",
    RelType.SUPERSEDES: "SUPERSEDES",
    RelType.EXECUTES: "EXECUTES",
    RelType.RESULT_OF: "RESULT_OF",
    RelType.FROM: "FROM",
    RelType.READ: "READ",
    RelType.CORRECTS: "CORRECTS",
    RelType.BELONGS_TO: "BELONGS_TO",
    RelType.FITTED_ON: "FITTED_ON",
    RelType.PART_OF: "PART_OF",
    RelType.DEPENDS_ON: "DEPENDS_ON",
}
_GROUP_KEYS: Final[dict[str, LiteralString]] = {
    "campaign_id": "campaign_id",
    "channel_id": "channel_id",
    "audience_id": "audience_id",
    "asset_id": "asset_id",
    "date": "date",
}
_METRICS: Final[tuple[LiteralString, ...]] = (
    "spend",
    "revenue",
    "conversions",
    "clicks",
    "impressions",
    "leads",
)

if (
    {k.value: v for k, v in _LABELS.items()} != {m.value: m.value for m in Label}
    or {k.value: v for k, v in _REL_TYPES.items()} != {m.value: m.value for m in RelType}
    or tuple(_GROUP_KEYS) != OUTCOME_GROUP_KEYS
    or _METRICS != OUTCOME_METRICS
):  # pragma: no cover - a vocabulary change must be mirrored here
    raise ImportError("graph.neo4j.queries is out of step with graph.schema")


def label_text(label: str) -> LiteralString:
    """A label checked against the vocabulary, as text safe to interpolate."""
    return _LABELS[validate_label(label)]


def rel_type_text(rel_type: str) -> LiteralString:
    """A relationship type checked against the vocabulary, as text safe to interpolate."""
    return _REL_TYPES[validate_rel_type(rel_type)]


def _group_key_text(key: str) -> LiteralString:
    return _GROUP_KEYS[validate_group_key(key)]


def _property_text(name: str) -> LiteralString:
    # Migration property names are free identifiers, so no literal table can hold them.
    # validate_property_name's pattern ends in `$`, which also admits a trailing newline,
    # so the whole name is matched again here before it is spliced.
    validate_property_name(name)
    if not _IDENTIFIER.fullmatch(name):
        raise InvalidVocabularyError("property name", name, ["an identifier like 'created_at'"])
    # (mypy treats LiteralString as str and calls the cast redundant; pyright needs it.)
    return cast(LiteralString, name)  # type: ignore[redundant-cast]


# -- writes --------------------------------------------------------------------------------
def merge_nodes(label: Label) -> LiteralString:
    """Upsert ``$rows`` of ``{id, props}`` by (label, id), replacing every property."""
    lab = label_text(label)
    return f"UNWIND $rows AS row MERGE (n:{lab} {{id: row.id}}) SET n = row.props"


@dataclass(frozen=True)
class Slot:
    """An edge each node of a :func:`merge_nodes_with_edges` row may lead: its number
    (``row.e{n}`` holds the other end's id, ``row.p{n}`` its properties when ``props``; a
    ``shared`` end is the same for every row: ``$c{n}``, matched once)."""

    number: int
    rel: RelType
    label: Label
    props: bool = False
    shared: bool = False


_SLOTS: Final[tuple[LiteralString, ...]] = ("0", "1", "2", "3", "4", "5", "6", "7")
MAX_SLOTS: Final = len(_SLOTS)


def nodes_with_edges(label: Label, slots: Sequence[Slot], *, create: bool) -> LiteralString:
    """Write ``$rows`` of ``{id, props, e0, p0, …}`` and, from each, the edges of
    ``slots`` (every row has them all); returns how many rows found every other end.

    One statement where nodes and their edges would take one each: an outcome row with
    its four OF edges and its FROM edge is one write and five index lookups. Merged
    (``create`` false): each node upserted by id, an edge without properties created bare
    and emptied when it existed (as ``SET r = {}``). Created: for rows whose nodes do not
    exist yet (the uniqueness constraint refuses one that does), every other end looked up
    first, then the node and its edges created with no check for an edge that cannot
    exist (a MERGE of an edge reads the node's edges for it, more each edge: most of a
    batch's time).
    """
    lab = label_text(label)
    head: LiteralString = ""
    body: LiteralString = "UNWIND $rows AS row "
    writes: LiteralString = f"CREATE (n:{lab}) SET n = row.props " if create else ""
    if not create:
        body += f"MERGE (n:{lab} {{id: row.id}}) SET n = row.props "
    for slot in slots:
        n = _SLOTS[slot.number]
        other, rel = label_text(slot.label), rel_type_text(slot.rel)
        if slot.shared:
            head += f"MATCH (m{n}:{other} {{id: $c{n}}}) "
        else:  # after a MERGE, WITH * puts each lookup after the writes before it
            body += "" if create else "WITH * "
            body += f"MATCH (m{n}:{other} {{id: row.e{n}}}) "
        if create:
            writes += f"CREATE (n)-[r{n}:{rel}]->(m{n}) "
            writes += f"SET r{n} = row.p{n} " if slot.props else ""
        else:
            body += f"MERGE (n)-[r{n}:{rel}]->(m{n}) "
            body += f"SET r{n} = row.p{n} " if slot.props else f"ON MATCH SET r{n} = {{}} "
    return head + body + writes + "RETURN count(*) AS matched"


def merge_nodes_with_edges(label: Label, slots: Sequence[Slot]) -> LiteralString:
    """:func:`nodes_with_edges`, merged."""
    return nodes_with_edges(label, slots, create=False)


def create_nodes(label: Label) -> LiteralString:
    """Create ``$rows`` of ``{id, props}`` as new nodes of ``label`` (none may exist yet:
    the uniqueness constraint refuses one that does)."""
    lab = label_text(label)
    return f"UNWIND $rows AS row CREATE (n:{lab}) SET n = row.props"


def create_nodes_with_edges(label: Label, slots: Sequence[Slot]) -> LiteralString:
    """:func:`nodes_with_edges`, created."""
    return nodes_with_edges(label, slots, create=True)


def merge_edges(src: Label, rel_type: RelType, dst: Label) -> LiteralString:
    """Upsert ``$rows`` of ``{src, dst, props}``; returns how many rows found both ends."""
    sl, rel, dl = label_text(src), rel_type_text(rel_type), label_text(dst)
    return (
        f"UNWIND $rows AS row "
        f"MATCH (a:{sl} {{id: row.src}}) MATCH (b:{dl} {{id: row.dst}}) "
        f"MERGE (a)-[r:{rel}]->(b) SET r = row.props "
        f"RETURN count(*) AS matched"
    )


# -- the audit chain (graph/audit.py) --------------------------------------------------------
# Take the head's write lock (creating it at the genesis on first use) and read it. Every
# transaction that seals a record runs this first, so sealers are serialised on the head;
# the values are read after the lock is held (the SET), so they are the last committed.
LOCK_AUDIT_HEAD: Final[LiteralString] = (
    "MERGE (h:AuditHead {id: $id}) "
    "ON CREATE SET h.seq = 0, h.hash = $genesis, h.started_at = $now "
    "SET h.updated_at = $now "
    "RETURN h.seq AS seq, h.hash AS hash"
)
SET_AUDIT_HEAD: Final[LiteralString] = (
    "MATCH (h:AuditHead {id: $id}) SET h.seq = $seq, h.hash = $hash RETURN h.seq AS seq"
)


def seal_fields(label: Label) -> LiteralString:
    """The ``audit_*`` properties of the nodes of ``label`` whose ids are in ``$ids`` (a
    row per node that exists, nulls where it has no seal)."""
    lab = label_text(label)
    return (
        f"UNWIND $ids AS id MATCH (n:{lab} {{id: id}}) "
        "RETURN id, n.audit_seq AS audit_seq, n.audit_prev AS audit_prev, "
        "n.audit_hash AS audit_hash, n.audit_keys AS audit_keys, n.audit_edges AS audit_edges"
    )


# -- conditional writes (compare-and-set) ---------------------------------------------------
def create_node(label: Label) -> LiteralString:
    """Create node ``$id`` of ``label``; the uniqueness constraint refuses it if it exists,
    or makes a concurrent creator wait for this transaction and then refuses that one."""
    lab = label_text(label)
    return f"CREATE (n:{lab} {{id: $id}})"


# -- node reads ----------------------------------------------------------------------------
def existing_ids(label: Label) -> LiteralString:
    """Which of ``$ids`` exist as nodes of ``label``."""
    lab = label_text(label)
    return f"UNWIND $ids AS id MATCH (n:{lab} {{id: id}}) RETURN DISTINCT id"


def get_nodes(label: Label) -> LiteralString:
    """Properties of the nodes of ``label`` whose ids are in ``$ids``."""
    lab = label_text(label)
    return f"UNWIND $ids AS id MATCH (n:{lab} {{id: id}}) RETURN id, properties(n) AS props"


# One index lookup per label of the vocabulary (never a label-less scan).
LABELS_OF_ID: Final[LiteralString] = " UNION ".join(
    f"MATCH (:{text} {{id: $id}}) RETURN '{text}' AS label" for text in _LABELS.values()
)


def count_nodes(label: Label | None) -> LiteralString:
    """Number of nodes of ``label`` (or of all); answered from the count store."""
    if label is None:
        return "MATCH (n) RETURN count(n) AS n"
    lab = label_text(label)
    return f"MATCH (n:{lab}) RETURN count(n) AS n"


def count_edges(rel_type: RelType | None) -> LiteralString:
    """Number of relationships of ``rel_type`` (or of all); answered from the count store."""
    if rel_type is None:
        return "MATCH ()-[r]->() RETURN count(r) AS n"
    rel = rel_type_text(rel_type)
    return f"MATCH ()-[r:{rel}]->() RETURN count(r) AS n"


def incident_edges(
    labels: Sequence[Label],
    out_types: Sequence[RelType] | None,
    in_types: Sequence[RelType] | None,
    *,
    total: bool = False,
) -> LiteralString:
    """Edges of the nodes of each of ``labels`` whose ids are in ``$ids0``, ``$ids1``… (one
    list per label, in order), in one statement answering one record (``rows``).

    With type lists, only those types going out and coming in, as typed, directed patterns
    (so Neo4j never expands the thousands of FROM/OF edges of a run or a campaign); with
    None for both, every edge. At most ``$limit`` per node, ordered by type, the other
    end's label and id (an outgoing edge before an incoming one when these tie); with
    ``total``, at most ``$total`` per label, nodes taken in the order of their list (rows
    leave UNWIND and the per-node subquery in order, so the limit stops the reading early).
    """
    body = _edges_body(out_types, in_types)
    branches: list[LiteralString] = []
    for i, label in enumerate(labels):
        lab = label_text(label)
        branches.append(
            f"UNWIND $ids{_index_text(i)} AS id MATCH (n:{lab} {{id: id}}) "
            f"CALL (n) {{ CALL (n) {{ {body} }} "
            "WITH r, m, outgoing, head(labels(m)) AS other_label "
            "ORDER BY type(r), other_label, m.id, outgoing DESC LIMIT $limit "
            "RETURN type(r) AS type, outgoing, other_label, m.id AS other_id, "
            "properties(r) AS props } "
            f"RETURN '{lab}' AS label, id, type, outgoing, other_label, other_id, props"
            + (" LIMIT $total" if total else "")
        )
    return (
        f"CALL () {{ {' UNION ALL '.join(branches)} }} "
        "RETURN collect([label, id, type, outgoing, other_label, other_id, props]) AS rows"
    )


def _edges_body(
    out_types: Sequence[RelType] | None, in_types: Sequence[RelType] | None
) -> LiteralString:
    """The per-node edge patterns of :func:`incident_edges` (``r``, ``m``, ``outgoing``)."""
    if out_types is None and in_types is None:
        return "MATCH (n)-[r]-(m) RETURN r, m, startNode(r) = n AS outgoing"
    parts: list[LiteralString] = []
    if out_types:
        types = "|".join(rel_type_text(t) for t in sorted(out_types))
        parts.append(f"MATCH (n)-[r:{types}]->(m) RETURN r, m, true AS outgoing")
    if in_types:
        types = "|".join(rel_type_text(t) for t in sorted(in_types))
        parts.append(f"MATCH (n)<-[r:{types}]-(m) RETURN r, m, false AS outgoing")
    if not parts:
        parts.append("MATCH (n) WHERE false RETURN null AS r, null AS m, false AS outgoing")
    return " UNION ALL ".join(parts)


_LEVELS: Final[tuple[LiteralString, ...]] = ("0", "1", "2", "3")
MAX_PREFETCH_LEVELS: Final = len(_LEVELS) - 1


def walk_prefetch(
    label: Label,
    levels: int,
    out_types: Sequence[RelType] | None,
    in_types: Sequence[RelType] | None,
) -> LiteralString:
    """The neighbourhood of node ``$id`` of ``label``, ``levels`` steps out along the typed
    directions, in one statement: the round trip per step of a short walk is most of its
    time (a depth-3 lineage walk reads 19 nodes in 5 round trips, each a few ms on a busy
    machine, against well under one ms of server work).

    Answers one record: ``level0``… with a row per node expanded, ``[label, id, props,
    edges]`` where ``edges`` are at most ``$per`` of its edges in the order (and form) of
    :func:`incident_edges`, at most ``$nodes`` nodes a level (nodes first met at the level
    before); and ``last``: ``[label, id, props]`` of the nodes first met at the last
    level. Nodes and edges past the caps are left out (the walk reads those itself).
    """
    if not 1 <= levels <= MAX_PREFETCH_LEVELS:
        raise ValueError(f"a prefetch reads 1 to {MAX_PREFETCH_LEVELS} levels, got {levels}")
    lab = label_text(label)
    body = _edges_body(out_types, in_types)
    text: LiteralString = f"MATCH (root:{lab} {{id: $id}}) WITH [root] AS f0, [root] AS seen0 "
    carried: LiteralString = ""
    for i in range(levels):
        n, nxt = _LEVELS[i], _LEVELS[i + 1]
        text += (
            f"CALL (f{n}) {{ UNWIND f{n} AS n WITH n LIMIT $nodes "
            f"CALL (n) {{ CALL (n) {{ {body} }} "
            "WITH r, m, outgoing, head(labels(m)) AS other_label "
            "ORDER BY type(r), other_label, m.id, outgoing DESC LIMIT $per "
            "RETURN collect([type(r), outgoing, other_label, m.id, properties(r)]) AS es, "
            "collect(m) AS ms } "
            f"RETURN collect([head(labels(n)), n.id, properties(n), es]) AS level{n}, "
            f"collect(ms) AS found{n} }} "
            f"CALL (found{n}, seen{n}) {{ UNWIND found{n} AS ms UNWIND ms AS m "
            f"WITH DISTINCT m WHERE NOT m IN seen{n} RETURN collect(m) AS f{nxt} }} "
            f"WITH {carried}level{n}, f{nxt}, seen{n} + f{nxt} AS seen{nxt} "
        )
        carried += f"level{n}, "
    last = _LEVELS[levels]
    return (
        text + f"CALL (f{last}) {{ UNWIND f{last} AS n WITH n LIMIT $nodes "
        "RETURN collect([head(labels(n)), n.id, properties(n)]) AS last } "
        f"RETURN {carried}last"
    )


def nodes_of(labels: Sequence[Label]) -> LiteralString:
    """Properties of the nodes of each of ``labels`` whose ids are in ``$ids0``, ``$ids1``…
    (one list per label, in order), in one record (``rows`` of ``[label, props]``)."""
    branches: list[LiteralString] = []
    for i, label in enumerate(labels):
        lab = label_text(label)
        branches.append(
            f"UNWIND $ids{_index_text(i)} AS id MATCH (n:{lab} {{id: id}}) "
            f"RETURN '{lab}' AS label, properties(n) AS props"
        )
    return f"CALL () {{ {' UNION ALL '.join(branches)} }} RETURN collect([label, props]) AS rows"


# -- domain queries ------------------------------------------------------------------------
# Filters the outcome aggregate may use (values bound as parameters).
FILTER_CAMPAIGNS: Final[LiteralString] = "o.campaign_id IN $campaign_ids"
FILTER_CHANNELS: Final[LiteralString] = "o.channel_id IN $channel_ids"
FILTER_AUDIENCES: Final[LiteralString] = "o.audience_id IN $audience_ids"
FILTER_START: Final[LiteralString] = "o.date >= $start"
FILTER_END: Final[LiteralString] = "o.date <= $end"
# The brand's campaigns (``owned``, read by BRAND_OWNED in the same statement).
FILTER_BRAND: Final[LiteralString] = "o.campaign_id IN owned"
_FILTERS: Final = frozenset(
    {FILTER_CAMPAIGNS, FILTER_CHANNELS, FILTER_AUDIENCES, FILTER_START, FILTER_END, FILTER_BRAND}
)
# Read before the outcomes when FILTER_BRAND is used: one statement, not a lookup first.
BRAND_OWNED: Final[LiteralString] = (
    "OPTIONAL MATCH (:Brand {id: $brand_id})-[:RUNS]->(bc) WITH collect(DISTINCT bc.id) AS owned "
)


def _outcomes_where(filters: Sequence[LiteralString]) -> LiteralString:
    """``MATCH (o:Outcome) WHERE …`` for ``filters`` (``FILTER_*`` constants), the brand's
    campaigns read first when one of them is FILTER_BRAND."""
    unknown = [f for f in filters if f not in _FILTERS]
    if unknown:
        raise ValueError(f"not an outcome filter of this module: {unknown[0]!r}")
    head: LiteralString = BRAND_OWNED if FILTER_BRAND in filters else ""
    where: LiteralString = f"WHERE {' AND '.join(filters)} " if filters else ""
    return f"{head}MATCH (o:Outcome) {where}"


def _metric_sum(metric: LiteralString) -> LiteralString:
    # Only numbers count (a string or a boolean sums as 0), as in the embedded backend.
    # ``metric`` is a variable holding the property, read once per outcome (the type
    # checks on ``o.{metric}`` itself read the property three times).
    return (
        f"sum(CASE WHEN {metric} IS :: INTEGER NOT NULL OR {metric} IS :: FLOAT NOT NULL "
        f"THEN toFloat({metric}) ELSE 0.0 END) AS {metric}"
    )


def aggregate_outcomes(
    group_by: Sequence[str],
    filters: Sequence[LiteralString],
    metrics: Sequence[str] = _METRICS,
) -> LiteralString:
    """Sums of ``metrics`` (in that order, after the row count) grouped by ``group_by``
    (each key once) and ordered by it, nulls first (as SQLite orders them); ``filters``
    must be ``FILTER_*`` constants. A metric left out is never read: each property of
    each outcome read is a db hit, most of the statement's time."""
    sums = [m for m in _METRICS if m in metrics]
    if len(sums) != len(set(metrics)):
        raise ValueError(f"not an outcome metric: {sorted(set(metrics) - set(sums))[0]!r}")
    keys: list[LiteralString] = []
    for key in group_by:
        text = _group_key_text(key)
        if text not in keys:
            keys.append(text)
    # Each property of an outcome read once, then grouped.
    reads = [f"o.{k} AS `{k}`" for k in keys] + [f"o.{m} AS {m}" for m in sums]
    if not reads:
        reads.append("o.id AS id")
    columns = [f"`{k}`" for k in keys]
    columns.append("count(*) AS rows")
    columns.extend(_metric_sum(m) for m in sums)
    order: LiteralString = (
        " ORDER BY " + ", ".join(f"`{k}` IS NOT NULL, `{k}`" for k in keys) if keys else ""
    )
    # One record (``groups``: a list per group of its keys, rows and metrics, in that
    # order): thousands of small records cost the driver more than the sums cost the server.
    values = [f"`{k}`" for k in keys] + ["rows"] + sums
    return (
        f"{_outcomes_where(filters)}WITH {', '.join(reads)} "
        f"WITH {', '.join(columns)}{order} "
        f"RETURN collect([{', '.join(values)}]) AS groups"
    )


# A campaign with its brand(s), targets and decisions; lists come back sorted as the
# embedded backend sorts them (targets by label then id, decisions newest first).
CAMPAIGN_CONTEXT: Final[LiteralString] = """
MATCH (c:Campaign {id: $campaign_id})
RETURN properties(c) AS campaign,
  COLLECT { MATCH (b:Brand)-[:RUNS]->(c) WITH DISTINCT b ORDER BY b.id
            RETURN properties(b) } AS brands,
  COLLECT { MATCH (c)-[:TARGETS]->(x) WITH DISTINCT x ORDER BY head(labels(x)), x.id
            RETURN {label: head(labels(x)), props: properties(x)} } AS audiences,
  COLLECT { MATCH (c)-[:ON]->(x) WITH DISTINCT x ORDER BY head(labels(x)), x.id
            RETURN {label: head(labels(x)), props: properties(x)} } AS channels,
  COLLECT { MATCH (c)-[:USES]->(x) WITH DISTINCT x ORDER BY head(labels(x)), x.id
            RETURN {label: head(labels(x)), props: properties(x)} } AS assets,
  COLLECT { MATCH (d:Decision)-[:BASED_ON|PRODUCED]->(c) WITH DISTINCT d
            ORDER BY coalesce(toString(d.created_at), '') DESC, d.id
            RETURN properties(d) } AS decisions
"""

# -- schema --------------------------------------------------------------------------------
MIGRATIONS: Final[LiteralString] = (
    "MATCH (m:Migration) RETURN m.id AS id, m.checksum AS checksum ORDER BY m.id"
)
AWAIT_INDEXES: Final[LiteralString] = "CALL db.awaitIndexes($timeout)"
PING: Final[LiteralString] = "RETURN 1 AS ok"


def unique_constraint(label: Label, prop: str) -> LiteralString:
    """``CREATE CONSTRAINT`` (idempotent) making ``prop`` unique among ``label`` nodes."""
    lab, name = label_text(label), _property_text(prop)
    return (
        f"CREATE CONSTRAINT uq_{lab}_{name} IF NOT EXISTS FOR (n:{lab}) REQUIRE n.{name} IS UNIQUE"
    )


def property_index(label: Label, props: Sequence[str]) -> LiteralString:
    """``CREATE INDEX`` (idempotent) on one or more properties of ``label`` nodes."""
    lab = label_text(label)
    names = [_property_text(p) for p in props]
    if not names:
        raise ValueError(f"an index on {lab} needs at least one property")
    suffix = "_".join(names)
    on = ", ".join(f"n.{n}" for n in names)
    return f"CREATE INDEX ix_{lab}_{suffix} IF NOT EXISTS FOR (n:{lab}) ON ({on})"


def delete_nodes(label: Label) -> LiteralString:
    """Detach-delete the nodes of ``label`` whose ids are in ``$ids``; returns the count."""
    lab = label_text(label)
    return f"UNWIND $ids AS id MATCH (n:{lab} {{id: id}}) DETACH DELETE n RETURN count(*) AS n"


def lock_node(label: Label) -> LiteralString:
    """Take the node's write lock (a no-op write) and return its properties."""
    lab = label_text(label)
    return f"MATCH (n:{lab} {{id: $id}}) SET n.id = n.id RETURN properties(n) AS props"


def set_properties(label: Label) -> LiteralString:
    """Merge ``$changes`` into the node's properties (a null removes one)."""
    lab = label_text(label)
    return f"MATCH (n:{lab} {{id: $id}}) SET n += $changes RETURN properties(n) AS props"


def outcome_keys(filters: Sequence[LiteralString]) -> LiteralString:
    """Ids and pair keys of the outcomes matching ``filters`` (``FILTER_*`` constants)."""
    return (
        f"{_outcomes_where(filters)}RETURN o.id AS id, o.campaign_id AS campaign_id, "
        "o.channel_id AS channel_id, o.audience_id AS audience_id, o.date AS date "
        "ORDER BY o.id"
    )


# -- node queries (GraphStore.find / count / count_by; see graph/query.py) ------------------
_OPS: Final[dict[str, LiteralString]] = {"gt": ">", "gte": ">=", "lt": "<", "lte": "<="}


def _param(params: dict[str, Any], value: Any) -> LiteralString:
    name = f"w{len(params)}"
    params[name] = value
    # A name made here from a counter, never from input.
    return cast(LiteralString, "$" + name)  # type: ignore[redundant-cast]


def _condition(name: str, cond: Condition, params: dict[str, Any]) -> LiteralString:
    prop: LiteralString = f"n.{_property_text(name)}"
    if cond is None:
        return f"{prop} IS NULL"
    if isinstance(cond, In):
        return f"{prop} IN {_param(params, list(cond.values))}"
    if isinstance(cond, Range):
        return " AND ".join(
            f"{prop} {_OPS[op]} {_param(params, bound)}" for op, bound in cond.bounds()
        )
    return f"{prop} = {_param(params, cond)}"


def _match(label: Label, where: dict[str, Condition]) -> tuple[LiteralString, dict[str, Any]]:
    """``MATCH (n:Label) WHERE …`` for ``where``, and its parameters."""
    lab = label_text(label)
    params: dict[str, Any] = {}
    conditions = [_condition(name, cond, params) for name, cond in where.items()]
    clause: LiteralString = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    return f"MATCH (n:{lab}){clause}", params


def find(query: NodeQuery) -> tuple[LiteralString, dict[str, Any]]:
    """The nodes ``query`` asks for (``$skip``, ``$limit`` added to its parameters):
    absent values last whichever the direction, ties by id."""
    match, params = _match(query.label, query.where)
    way: LiteralString = " DESC" if query.descending else ""
    if query.order_by is None:
        order: LiteralString = "n.id"
    elif query.order_by == "id":
        order = f"n.id{way}"
    else:
        prop: LiteralString = f"n.{_property_text(query.order_by)}"
        order = f"{prop} IS NULL, {prop}{way}, n.id"
    params.update(skip=query.offset, limit=query.limit)
    # One record holding every node: the driver handles a record at a time, and a page of
    # thousands of records costs it more than the server takes to find them.
    return (
        f"{match} WITH n ORDER BY {order} SKIP $skip LIMIT $limit "
        "RETURN collect(properties(n)) AS rows",
        params,
    )


def count_where(label: Label, where: dict[str, Condition]) -> tuple[LiteralString, dict[str, Any]]:
    """How many nodes of ``label`` match ``where``."""
    match, params = _match(label, where)
    return f"{match} RETURN count(n) AS n", params


def count_by(
    label: Label, keys: Sequence[str], where: dict[str, Condition]
) -> tuple[LiteralString, dict[str, Any]]:
    """How many nodes of ``label`` matching ``where`` hold each combination of the values
    of ``keys`` (returned as ``k0``, ``k1``… with ``n``)."""
    match, params = _match(label, where)
    columns = [f"n.{_property_text(k)} AS k{_index_text(i)}" for i, k in enumerate(keys)]
    return f"{match} RETURN {', '.join(columns)}, count(n) AS n", params


def _index_text(i: int) -> LiteralString:
    if not 0 <= i < len(_DIGITS):
        raise ValueError(f"at most {len(_DIGITS)} items, got {i + 1}")
    return _DIGITS[i]


_DIGITS: Final[tuple[LiteralString, ...]] = (
    "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15",
    "16", "17", "18", "19", "20", "21", "22", "23", "24", "25", "26", "27", "28", "29", "30",
    "31",
)  # fmt: skip
