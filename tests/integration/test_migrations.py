"""Schema migrations: ordered, checksummed, applied once, enforced by both backends."""

from __future__ import annotations

import hashlib
import re
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import neo4j
import pytest

import migrations
from graph import (
    ConstraintViolationError,
    GraphBatch,
    GraphStore,
    Label,
    MigrationChecksumError,
    MigrationError,
    Node,
    NodeRef,
)
from graph.embedded import EmbeddedGraphStore

SHIPPED = sorted(migrations.MIGRATIONS_DIR.glob("*.toml"))
SHIPPED_IDS = [p.stem for p in SHIPPED]
# A property no real migration uses, so a constraint left on a shared server harms nothing.
TEST_KEY = "contract_test_key"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def node(label: Label, node_id: str, **props: Any) -> Node:
    return Node(label=label, id=node_id, properties={"id": node_id, **props})


@pytest.fixture
def mig_dir(tmp_path: Path) -> Path:
    """A copy of the shipped migrations that a test may edit."""
    target = tmp_path / "migrations"
    target.mkdir()
    for path in SHIPPED:
        shutil.copy(path, target / path.name)
    return target


def write_migration(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def drop_test_constraints(store: GraphStore) -> None:
    """Remove the constraints these tests create on a Neo4j server (nothing else)."""
    if store.backend != "neo4j":
        return
    driver, database = store._driver, store._database  # type: ignore[attr-defined]
    records, _, _ = driver.execute_query(
        "SHOW CONSTRAINTS YIELD name, properties WHERE $key IN properties RETURN name",
        key=TEST_KEY,
        database_=database,
    )
    for record in records:
        name = record["name"]
        assert re.fullmatch(r"\w+", name), name
        driver.execute_query(f"DROP CONSTRAINT `{name}` IF EXISTS", database_=database)


@pytest.fixture
def cleanup_constraints(bare_graph_store: GraphStore) -> Iterator[GraphStore]:
    drop_test_constraints(bare_graph_store)
    yield bare_graph_store
    drop_test_constraints(bare_graph_store)


# -- the shipped files -----------------------------------------------------------------------
def test_shipped_migrations_load_in_order_with_their_checksums() -> None:
    loaded = migrations.load_migrations()

    assert [m.id for m in loaded] == SHIPPED_IDS
    assert sorted(SHIPPED_IDS) == SHIPPED_IDS and len(SHIPPED_IDS) >= 2
    assert [m.checksum for m in loaded] == [sha256(p) for p in SHIPPED]
    assert (Label.CAMPAIGN, "id") in loaded[0].unique
    # Together, the migrations make every label of the vocabulary unique by id.
    unique_ids = {label for m in loaded for label, prop in m.unique if prop == "id"}
    assert unique_ids == set(Label)


# -- applying, on every backend --------------------------------------------------------------
def test_migrating_twice_applies_once_and_records_each_migration(
    bare_graph_store: GraphStore,
) -> None:
    store = bare_graph_store
    assert store.applied_migrations() == {}

    assert migrations.apply_pending(store) == SHIPPED_IDS
    assert migrations.apply_pending(store) == []
    assert migrations.pending_migrations(store) == []

    assert store.applied_migrations() == {p.stem: sha256(p) for p in SHIPPED}
    assert store.count(Label.MIGRATION) == len(SHIPPED)
    for loaded in migrations.load_migrations():
        recorded = store.get_node(NodeRef(label=Label.MIGRATION, id=loaded.id))
        assert recorded is not None
        assert recorded.properties["checksum"] == loaded.checksum
        assert recorded.properties["description"] == loaded.description
        assert recorded.properties["applied_at"]


def test_a_new_migration_is_applied_alone(bare_graph_store: GraphStore, mig_dir: Path) -> None:
    store = bare_graph_store
    migrations.apply_pending(store, migrations.load_migrations(mig_dir))
    write_migration(mig_dir, "0099_lead_stage.toml", 'indexes = [["Lead", ["stage"]]]\n')

    assert migrations.apply_pending(store, migrations.load_migrations(mig_dir)) == [
        "0099_lead_stage"
    ]
    assert migrations.apply_pending(store, migrations.load_migrations(mig_dir)) == []
    assert set(store.applied_migrations()) == {*SHIPPED_IDS, "0099_lead_stage"}


def test_a_migration_changed_after_being_applied_is_refused(
    bare_graph_store: GraphStore, mig_dir: Path
) -> None:
    store = bare_graph_store
    migrations.apply_pending(store, migrations.load_migrations(mig_dir))
    applied = store.applied_migrations()
    changed = mig_dir / SHIPPED[-1].name
    recorded = sha256(changed)
    changed.write_text(changed.read_text() + "\n# a comment is a change too\n")
    write_migration(mig_dir, "0099_later.toml", 'indexes = [["Task", ["status"]]]\n')

    with pytest.raises(MigrationChecksumError) as info:
        migrations.apply_pending(store, migrations.load_migrations(mig_dir))

    error = info.value
    assert isinstance(error, MigrationError)
    assert (error.migration_id, error.recorded, error.current) == (
        changed.stem,
        recorded,
        sha256(changed),
    )
    message = str(error)
    assert changed.stem in message and "changed after it was applied" in message
    assert recorded[:12] in message and "new migration" in message
    assert store.applied_migrations() == applied  # nothing applied, not even 0099


# -- uniqueness --------------------------------------------------------------------------------
def unique_migration(directory: Path, label: Label) -> list[migrations.Migration]:
    write_migration(
        directory, "0050_unique_key.toml", f'unique = [["{label.value}", "{TEST_KEY}"]]\n'
    )
    return migrations.load_migrations(directory)


def snapshot(store: GraphStore) -> tuple[int, int, dict[Label, int]]:
    return store.count(), store.count_edges(), {label: store.count(label) for label in Label}


@pytest.mark.parametrize("label", [Label.SOURCE, Label.OUTCOME])
def test_a_unique_property_refuses_a_second_node_with_its_value(
    cleanup_constraints: GraphStore, mig_dir: Path, label: Label
) -> None:
    store = cleanup_constraints
    migrations.apply_pending(store, unique_migration(mig_dir, label))
    store.write(GraphBatch(nodes=[node(label, "n1", **{TEST_KEY: "aa"}, date="2024-01-01")]))
    before = snapshot(store)

    with pytest.raises(ConstraintViolationError):
        store.write(
            GraphBatch(nodes=[node(Label.BRAND, "b1"), node(label, "n2", **{TEST_KEY: "aa"})])
        )
    assert snapshot(store) == before
    assert store.get_node(NodeRef(label=label, id="n2")) is None
    assert store.get_node(NodeRef(label=Label.BRAND, id="b1")) is None

    with pytest.raises(ConstraintViolationError):  # two of a kind inside one batch
        store.write(
            GraphBatch(
                nodes=[node(label, "n3", **{TEST_KEY: "bb"}), node(label, "n4", **{TEST_KEY: "bb"})]
            )
        )
    assert snapshot(store) == before

    # Rewriting the owner of a value, or another label with it, is no violation.
    store.write(GraphBatch(nodes=[node(label, "n1", **{TEST_KEY: "aa"}, note="again")]))
    store.write(GraphBatch(nodes=[node(Label.ASSET, "x1", **{TEST_KEY: "aa"})]))
    store.write(GraphBatch(nodes=[node(label, "n5", **{TEST_KEY: "cc"})]))
    assert store.count(label) == 2


def test_a_unique_migration_over_duplicate_data_fails_cleanly(
    cleanup_constraints: GraphStore, mig_dir: Path
) -> None:
    store = cleanup_constraints
    migrations.apply_pending(store, migrations.load_migrations(mig_dir))
    store.write(
        GraphBatch(
            nodes=[
                node(Label.SOURCE, "s1", **{TEST_KEY: "dup"}),
                node(Label.SOURCE, "s2", **{TEST_KEY: "dup"}),
            ]
        )
    )
    before, applied = snapshot(store), store.applied_migrations()

    with pytest.raises(MigrationError, match="0050_unique_key"):
        migrations.apply_pending(store, unique_migration(mig_dir, Label.SOURCE))

    assert store.applied_migrations() == applied
    assert snapshot(store) == before
    # Once the data are fixed, the same migration applies.
    store.write(GraphBatch(nodes=[node(Label.SOURCE, "s2", **{TEST_KEY: "unique"})]))
    assert migrations.apply_pending(store, unique_migration(mig_dir, Label.SOURCE)) == [
        "0050_unique_key"
    ]


@pytest.mark.neo4j
def test_neo4j_has_the_constraints_and_indexes_after_migrating(neo4j_store: Any) -> None:
    records, _, _ = neo4j_store._driver.execute_query(
        "SHOW CONSTRAINTS YIELD type, labelsOrTypes, properties "
        "RETURN type, labelsOrTypes[0] AS label, properties",
        database_=neo4j_store._database,
    )
    unique = {(r["label"], tuple(r["properties"])) for r in records if "UNIQUE" in r["type"]}
    assert {(label.value, ("id",)) for label in Label} <= unique

    records, _, _ = neo4j_store._driver.execute_query(
        "SHOW INDEXES YIELD labelsOrTypes, properties, state WHERE properties IS NOT NULL "
        "RETURN labelsOrTypes[0] AS label, properties, state",
        database_=neo4j_store._database,
    )
    indexes = {(r["label"], tuple(r["properties"])): r["state"] for r in records}
    assert indexes[("Outcome", ("campaign_id", "date"))] == "ONLINE"
    assert indexes[("Decision", ("created_at",))] == "ONLINE"

    with pytest.raises(neo4j.exceptions.ConstraintError):  # the constraint is enforced
        neo4j_store._driver.execute_query(
            "CREATE (:Brand {id: 'b1'}), (:Brand {id: 'b1'})", database_=neo4j_store._database
        )


def test_embedded_has_the_indexes_after_migrating(embedded_store: EmbeddedGraphStore) -> None:
    with closing(sqlite3.connect(embedded_store.path)) as db:
        names = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"ix_Outcome_date", "ix_Decision_created_at"} <= names
    # (campaign_id, date) and its prefix are served by the table's own index, not duplicated.
    assert "outcomes_by_campaign" in names
    assert not {"ix_Outcome_campaign_id_date", "ix_Outcome_campaign_id"} & names


# -- malformed files ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name",
    [
        "3_short.toml",
        "0003-dash.toml",
        "0003_Upper.toml",
        "00003_five.toml",
        "0003.toml",
        "abcd_letters.toml",
    ],
)
def test_a_misnamed_migration_file_is_refused(mig_dir: Path, name: str) -> None:
    write_migration(mig_dir, name, 'indexes = [["Lead", ["stage"]]]\n')

    with pytest.raises(MigrationError, match=re.escape(name)):
        migrations.load_migrations(mig_dir)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("unique = [[", id="toml-syntax"),
        pytest.param('unique = [["Brands", "id"]]', id="unknown-label"),
        pytest.param('unique = [["Brand) DETACH DELETE (n", "id"]]', id="label-injection"),
        pytest.param('unique = [["Brand", "id\') OR 1=1 --"]]', id="property-injection"),
        pytest.param('indexes = [["Outcome", ["date; DROP TABLE nodes"]]]', id="index-injection"),
        pytest.param('unique = [["Brand"]]', id="unique-pair-too-short"),
        pytest.param('unique = [["Brand", ["id"]]]', id="unique-property-not-a-string"),
        pytest.param('unique = "Brand"', id="unique-not-a-list"),
        pytest.param('indexes = [["Outcome", "date"]]', id="index-properties-not-a-list"),
        pytest.param('indexes = [["Outcome", []]]', id="index-without-properties"),
    ],
)
def test_a_malformed_migration_is_refused(mig_dir: Path, text: str) -> None:
    write_migration(mig_dir, "0099_bad.toml", text + "\n")

    with pytest.raises(MigrationError, match=r"0099_bad\.toml"):
        migrations.load_migrations(mig_dir)


def test_two_migrations_sharing_a_number_are_refused(mig_dir: Path) -> None:
    write_migration(mig_dir, "0099_one.toml", 'indexes = [["Lead", ["stage"]]]\n')
    write_migration(mig_dir, "0099_two.toml", 'indexes = [["Task", ["status"]]]\n')

    with pytest.raises(MigrationError, match="0099"):
        migrations.load_migrations(mig_dir)


def test_other_files_are_ignored_and_an_empty_folder_has_no_migrations(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("notes")
    (tmp_path / "0001_draft.toml.bak").write_text("junk")

    assert migrations.load_migrations(tmp_path) == []
