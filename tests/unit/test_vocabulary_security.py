"""Anything spliced into SQL or Cypher must come from the fixed vocabulary.

Labels, relationship types, outcome grouping keys and migration property names are the
only text the backends interpolate; these tests feed the validators and the query
builders every vocabulary member and a set of injection attempts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from graph.embedded import queries as sql
from graph.errors import InvalidVocabularyError
from graph.schema import (
    OUTCOME_GROUP_KEYS,
    Label,
    RelType,
    validate_group_key,
    validate_label,
    validate_property_name,
    validate_rel_type,
)

pytestmark = pytest.mark.unit

ATTACKS = [
    "Brand) DETACH DELETE (n",
    "Brand`) DETACH DELETE (n) //",
    "Campaign`",
    "`Campaign`",
    "x; DROP TABLE nodes",
    "id'); DROP TABLE nodes; --",
    "campaign_id, (SELECT props FROM nodes)",
    "RUNS]->(x",
    "RUNS|ON",
    "Brand:Campaign",
    "Brand{id:'x'}",
    "Brand\n",
    "Brand ",
    " Brand",
    "id\n",
    "id\nMATCH (n) DETACH DELETE n",
    "ВRAND",  # Cyrillic В
    "Вrand",  # Cyrillic В
    "Ｂrand",  # fullwidth Ｂ
    "Campaign\u200b",  # zero-width space
    "RUNS\u0000",
    "ıd",  # dotless i
    "",
]

LABEL_ATTACKS = [*ATTACKS, "brand", "BRAND", "Brands", "Node"]
REL_ATTACKS = [*ATTACKS, "runs", "RUN", "RELATED_TO"]
GROUP_KEY_ATTACKS = [*ATTACKS, "spend", "id", "props", "Campaign_id", "campaign_id "]
PROPERTY_ATTACKS = [*ATTACKS, "1st", "with-dash", "a.b", "a b", "$x", "x" * 65]


# -- validators ------------------------------------------------------------------------------
@pytest.mark.parametrize("label", list(Label))
def test_every_label_is_accepted(label: Label) -> None:
    assert validate_label(label) is label
    assert validate_label(label.value) is label


@pytest.mark.parametrize("rel_type", list(RelType))
def test_every_relationship_type_is_accepted(rel_type: RelType) -> None:
    assert validate_rel_type(rel_type) is rel_type
    assert validate_rel_type(rel_type.value) is rel_type


@pytest.mark.parametrize("key", OUTCOME_GROUP_KEYS)
def test_every_group_key_is_accepted(key: str) -> None:
    assert validate_group_key(key) == key


@pytest.mark.parametrize(
    "name", ["id", "sha256", "created_at", "_private", "CamelCase", "a", "x" * 64]
)
def test_plain_identifiers_are_accepted_as_property_names(name: str) -> None:
    assert validate_property_name(name) == name


@pytest.mark.parametrize(
    ("validate", "bad_values"),
    [
        pytest.param(validate_label, LABEL_ATTACKS, id="label"),
        pytest.param(validate_rel_type, REL_ATTACKS, id="rel_type"),
        pytest.param(validate_group_key, GROUP_KEY_ATTACKS, id="group_key"),
        pytest.param(validate_property_name, PROPERTY_ATTACKS, id="property_name"),
    ],
)
def test_injection_attempts_are_refused(
    validate: Callable[[str], Any], bad_values: list[str]
) -> None:
    accepted = []
    for value in bad_values:
        try:
            validate(value)
        except InvalidVocabularyError as e:
            assert isinstance(e, ValueError)
            assert e.value == value
            assert e.allowed  # the message says what would have been accepted
        else:
            accepted.append(value)
    assert accepted == [], f"{validate.__name__} accepted {accepted!r}"


def test_the_error_names_what_was_refused_and_what_is_allowed() -> None:
    with pytest.raises(InvalidVocabularyError) as info:
        validate_label("Brand) DETACH DELETE (n")

    assert info.value.what == "label"
    assert "Brand) DETACH DELETE (n" in str(info.value)
    assert "Campaign" in info.value.allowed
    assert isinstance(info.value, ValueError)


# -- SQL builders of the embedded backend ---------------------------------------------------
@pytest.mark.parametrize("bad", LABEL_ATTACKS)
def test_sql_index_builders_refuse_a_bad_label(bad: str) -> None:
    with pytest.raises(InvalidVocabularyError):
        sql.unique_index(bad, "sha256")  # type: ignore[arg-type]
    with pytest.raises(InvalidVocabularyError):
        sql.property_index(bad, ("date",))  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", PROPERTY_ATTACKS)
def test_sql_index_builders_refuse_a_bad_property(bad: str) -> None:
    with pytest.raises(InvalidVocabularyError):
        sql.unique_index(Label.SOURCE, bad)
    with pytest.raises(InvalidVocabularyError):
        sql.property_index(Label.OUTCOME, ("date", bad))
    with pytest.raises(InvalidVocabularyError):
        sql.property_index(Label.DECISION, (bad,))


@pytest.mark.parametrize("bad", GROUP_KEY_ATTACKS)
def test_sql_aggregate_refuses_a_bad_group_key(bad: str) -> None:
    with pytest.raises(InvalidVocabularyError):
        sql.aggregate_outcomes(("campaign_id", bad), [])


def test_sql_builders_splice_only_the_validated_text() -> None:
    assert sql.unique_index(Label.SOURCE, "sha256") == (
        'CREATE UNIQUE INDEX IF NOT EXISTS "uq_Source_sha256" '
        "ON nodes (json_extract(props, '$.sha256')) WHERE label = 'Source'"
    )
    text = sql.aggregate_outcomes(("channel_id", "date"), [sql.FILTER_START])
    assert "GROUP BY channel_id, date ORDER BY channel_id, date" in text
    assert "WHERE date >= ?" in text


def test_sql_aggregate_accepts_only_its_own_filter_clauses() -> None:
    # The builder's docstring promises clauses "from fixed sets"; it must enforce it.
    with pytest.raises(ValueError):
        sql.aggregate_outcomes(("campaign_id",), ["1=1) OR (1=1"])


# -- Cypher builders of the Neo4j backend ----------------------------------------------------
@pytest.fixture
def cypher() -> Any:
    """The Neo4j queries module (importing it needs no server)."""
    return pytest.importorskip("graph.neo4j.queries")


@pytest.mark.parametrize("bad", LABEL_ATTACKS)
def test_cypher_builders_refuse_a_bad_label(bad: str, cypher: Any) -> None:
    builders: list[Callable[[], object]] = [
        lambda: cypher.label_text(bad),
        lambda: cypher.merge_nodes(bad),
        lambda: cypher.merge_edges(bad, RelType.RUNS, Label.CAMPAIGN),
        lambda: cypher.merge_edges(Label.BRAND, RelType.RUNS, bad),
        lambda: cypher.existing_ids(bad),
        lambda: cypher.get_nodes(bad),
        lambda: cypher.count_nodes(bad),
        lambda: cypher.incident_edges([bad], None, None),
        lambda: cypher.incident_edges([Label.BRAND, bad], None, None),
        lambda: cypher.nodes_of([bad]),
        lambda: cypher.count_where(bad, {}),
        lambda: cypher.count_by(bad, ["status"], {}),
        lambda: cypher.unique_constraint(bad, "sha256"),
        lambda: cypher.property_index(bad, ["date"]),
    ]
    for build in builders:
        with pytest.raises(InvalidVocabularyError):
            build()


@pytest.mark.parametrize("bad", REL_ATTACKS)
def test_cypher_builders_refuse_a_bad_relationship_type(bad: str, cypher: Any) -> None:
    with pytest.raises(InvalidVocabularyError):
        cypher.rel_type_text(bad)
    with pytest.raises(InvalidVocabularyError):
        cypher.merge_edges(Label.BRAND, bad, Label.CAMPAIGN)
    with pytest.raises(InvalidVocabularyError):
        cypher.count_edges(bad)


@pytest.mark.parametrize("bad", PROPERTY_ATTACKS)
def test_cypher_schema_builders_refuse_a_bad_property(bad: str, cypher: Any) -> None:
    with pytest.raises(InvalidVocabularyError):
        cypher.unique_constraint(Label.SOURCE, bad)
    with pytest.raises(InvalidVocabularyError):
        cypher.property_index(Label.OUTCOME, ["date", bad])


@pytest.mark.parametrize("bad", PROPERTY_ATTACKS)
def test_node_queries_refuse_a_bad_property(bad: str, cypher: Any) -> None:
    from graph.embedded import find as embedded_find
    from graph.query import NodeQuery

    with pytest.raises(InvalidVocabularyError):
        NodeQuery.of(Label.TASK, {bad: "x"})
    with pytest.raises(InvalidVocabularyError):
        NodeQuery.of(Label.TASK, order_by=bad)
    with pytest.raises(InvalidVocabularyError):
        cypher.count_by(Label.TASK, ["status", bad], {})
    with pytest.raises(InvalidVocabularyError):
        cypher.count_where(Label.TASK, {bad: "x"})
    with pytest.raises(InvalidVocabularyError):
        embedded_find._where(Label.TASK, {bad: "x"})


@pytest.mark.parametrize("bad", GROUP_KEY_ATTACKS)
def test_cypher_aggregate_refuses_a_bad_group_key(bad: str, cypher: Any) -> None:
    with pytest.raises(InvalidVocabularyError):
        cypher.aggregate_outcomes(["channel_id", bad], [])


def test_cypher_aggregate_accepts_only_its_own_filter_clauses(cypher: Any) -> None:
    with pytest.raises(ValueError):
        cypher.aggregate_outcomes(["campaign_id"], ["true) DETACH DELETE (o"])


def test_cypher_builders_splice_only_the_validated_text(cypher: Any) -> None:
    assert cypher.unique_constraint(Label.SOURCE, "sha256") == (
        "CREATE CONSTRAINT uq_Source_sha256 IF NOT EXISTS FOR (n:Source) REQUIRE n.sha256 IS UNIQUE"
    )
    assert cypher.merge_nodes(Label.BRAND) == (
        "UNWIND $rows AS row MERGE (n:Brand {id: row.id}) SET n = row.props"
    )
    assert ":RUNS]" in cypher.merge_edges(Label.BRAND, RelType.RUNS, Label.CAMPAIGN)


def test_typed_incident_edges_interpolate_only_vocabulary_types(cypher: Any) -> None:
    query = cypher.incident_edges([Label.CAMPAIGN], [RelType.USES, RelType.ON], [RelType.RUNS])
    assert "-[r:ON|USES]->(m)" in query and "<-[r:RUNS]-(m)" in query
    with pytest.raises(InvalidVocabularyError):
        cypher.incident_edges([Label.CAMPAIGN], ["RUNS]->(x) DETACH DELETE x //"], None)
