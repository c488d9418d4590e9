"""Node queries of the embedded backend (``GraphStore.find``/``count``/``count_by``) as SQL.

Properties are read with ``json_extract`` from the ``props`` JSON of ``nodes``, so an
index a migration declares on the same expression (``queries.property_index``) serves the
filter; an Outcome's from its typed column unless its JSON holds it (``outcome_rows``).
Comparisons check the JSON type as well as the value, so a boolean never equals a number
and a string bound never admits a number: what Neo4j answers (comparing across kinds
yields null there).

Order: absent values last, then kinds as Neo4j orders them (lists, strings, booleans,
numbers), then the value, then the id; descending reverses all but the first and last.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any, Final, cast

import graph.embedded.outcome_rows as outcome_rows
from graph.embedded.jsontext import loads
from graph.models import Node
from graph.query import Condition, In, Kind, NodeQuery, Range, Value, kind_of
from graph.schema import Label, validate_label, validate_property_name

_TYPES: Final[dict[Kind, str]] = {
    "string": "('text')",
    "number": "('integer', 'real')",
    "boolean": "('true', 'false')",
}
_OPS: Final = {"gt": ">", "gte": ">=", "lt": "<", "lte": "<="}


def _source(label: Label) -> str:
    lab = validate_label(label).value
    if lab == Label.OUTCOME.value:
        return "FROM outcomes WHERE 1"
    return f"FROM nodes WHERE label = '{lab}'"


def _value(label: Label, name: str) -> str:
    if label is Label.OUTCOME:
        return outcome_rows.value_sql(name)
    return f"json_extract(props, '$.{validate_property_name(name)}')"


def _type(label: Label, name: str) -> str:
    if label is Label.OUTCOME:
        return outcome_rows.type_sql(name)
    return f"json_type(props, '$.{validate_property_name(name)}')"


def _condition(label: Label, name: str, cond: Condition, params: list[Any]) -> str:
    value, typ = _value(label, name), _type(label, name)
    if cond is None:
        return f"{typ} IS NULL"
    if isinstance(cond, In):
        if cond.kind is None:
            return "0"
        if cond.kind == "boolean":
            wanted = ", ".join("'true'" if v else "'false'" for v in cond.values)
            return f"{typ} IN ({wanted})"
        params.append(json.dumps(list(cond.values)))
        if name == "id" and cond.kind == "string":
            return "id IN (SELECT value FROM json_each(?))"
        return f"{value} IN (SELECT value FROM json_each(?)) AND {typ} IN {_TYPES[cond.kind]}"
    if isinstance(cond, Range) and name == "id" and cond.kind == "string":
        params.extend(bound for _, bound in cond.bounds())
        return " AND ".join(f"id {_OPS[op]} ?" for op, _ in cond.bounds())
    if isinstance(cond, Range):
        parts = []
        for op, bound in cond.bounds():
            params.append(bound)
            parts.append(f"{value} {_OPS[op]} ?")
        return " AND ".join([*parts, f"{typ} IN {_TYPES[cond.kind]}"])
    kind = kind_of(cond)
    if kind == "boolean":
        return f"{typ} = '{'true' if cond else 'false'}'"
    params.append(cond)
    if name == "id" and kind == "string":
        return "id = ?"
    return f"{value} = ? AND {typ} IN {_TYPES[kind]}"


def _where(query_label: Label, where: dict[str, Condition]) -> tuple[str, list[Any]]:
    params: list[Any] = []
    clauses = [_source(query_label)]
    clauses += [f"({_condition(query_label, n, c, params)})" for n, c in where.items()]
    return " AND ".join(clauses), params


def _order(label: Label, order_by: str | None, descending: bool) -> str:
    if order_by is None or order_by == "id":
        return "ORDER BY id DESC" if descending and order_by else "ORDER BY id"
    value, typ = _value(label, order_by), _type(label, order_by)
    rank = (
        f"CASE {typ} WHEN 'array' THEN 0 WHEN 'text' THEN 1 WHEN 'true' THEN 2 "
        f"WHEN 'false' THEN 2 WHEN 'integer' THEN 3 WHEN 'real' THEN 3 ELSE 4 END"
    )
    way = " DESC" if descending else ""
    return f"ORDER BY {typ} IS NULL, {rank}{way}, {value}{way}, id"


def find(db: sqlite3.Connection, query: NodeQuery) -> list[Node]:
    label = query.label
    where, params = _where(label, query.where)
    order = _order(label, query.order_by, query.descending)
    if label is Label.OUTCOME:
        sql = f"SELECT {outcome_rows.SELECT} {where} {order} LIMIT ? OFFSET ?"
        rows = db.execute(sql, (*params, query.limit, query.offset)).fetchall()
        return [Node(label=label, id=r[0], properties=outcome_rows.properties(r)) for r in rows]
    sql = f"SELECT props {where} {order} LIMIT ? OFFSET ?"
    rows = db.execute(sql, (*params, query.limit, query.offset)).fetchall()
    out = []
    for (text,) in rows:
        props = loads(text)
        out.append(Node(label=label, id=props["id"], properties=props))
    return out


def count(db: sqlite3.Connection, label: Label, where: dict[str, Condition]) -> int:
    clause, params = _where(label, where)
    return int(db.execute(f"SELECT count(*) {clause}", params).fetchone()[0])


def count_by(
    db: sqlite3.Connection, label: Label, keys: tuple[str, ...], where: dict[str, Condition]
) -> dict[tuple[Value, ...], int]:
    clause, params = _where(label, where)
    columns = ", ".join(f"{_type(label, k)}, {_value(label, k)}" for k in keys)
    groups = ", ".join(str(i + 1) for i in range(2 * len(keys)))
    sql = f"SELECT {columns}, count(*) {clause} GROUP BY {groups}"
    out: dict[tuple[Value, ...], int] = {}
    for row in db.execute(sql, params):
        found = tuple(_group_value(row[2 * i], row[2 * i + 1]) for i in range(len(keys)))
        out[found] = out.get(found, 0) + int(row[-1])
    return out


def _group_value(typ: str | None, raw: Any) -> Value:
    if typ in ("true", "false"):
        return typ == "true"
    if typ == "array":
        return tuple(json.loads(raw))
    if typ == "object":
        return json.dumps(json.loads(raw), sort_keys=True)
    return cast(Value, raw)
