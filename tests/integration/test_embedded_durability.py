"""The embedded backend is durable: SQLite holds every committed batch and nothing else.

Committed batches survive a close and a killed process, a failed batch leaves the
previous state on disk and in memory, and a second store on the same file (another
process: ``marketgraph ingest`` beside ``marketgraph serve``) sees the first one's writes.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

import pytest

import migrations
from graph import (
    AppendOnlyViolationError,
    ConstraintViolationError,
    DanglingReferenceError,
    DecisionRecord,
    Edge,
    Evidence,
    GraphBatch,
    Label,
    Node,
    NodeRef,
    OutcomeQuery,
    OutcomeTotals,
    RelType,
)
from graph.embedded import EmbeddedGraphStore

L, R = Label, RelType
ROOT = Path(__file__).resolve().parents[2]


def ref(label: Label, node_id: str) -> NodeRef:
    return NodeRef(label=label, id=node_id)


def node(label: Label, node_id: str, **props: Any) -> Node:
    return Node(label=label, id=node_id, properties={"id": node_id, **props})


def edge(src: NodeRef, rel: RelType, dst: NodeRef) -> Edge:
    return Edge(src=src, type=rel, dst=dst)


BRAND, CAMPAIGN, CHANNEL = ref(L.BRAND, "b1"), ref(L.CAMPAIGN, "c1"), ref(L.CHANNEL, "ch1")
OUTCOME = ref(L.OUTCOME, "o1")


def small_world() -> GraphBatch:
    return GraphBatch(
        nodes=[
            node(L.BRAND, "b1", name="Acme"),
            node(L.CAMPAIGN, "c1", name="Spring"),
            node(L.CHANNEL, "ch1", name="Email"),
            node(
                L.OUTCOME,
                "o1",
                date="2024-03-01",
                campaign_id="c1",
                channel_id="ch1",
                spend=12.5,
                revenue=50.0,
            ),
        ],
        edges=[
            edge(BRAND, R.RUNS, CAMPAIGN),
            edge(CAMPAIGN, R.ON, CHANNEL),
            edge(OUTCOME, R.OF, CAMPAIGN),
            edge(OUTCOME, R.OF, CHANNEL),
        ],
    )


def metrics(totals: OutcomeTotals) -> tuple[Any, ...]:
    return tuple(getattr(totals, m) for m in ("rows", "spend", "revenue", "clicks"))


def state(store: EmbeddedGraphStore) -> tuple[Any, ...]:
    """Everything a reader could observe about :func:`small_world` and what follows it."""
    refs = [BRAND, CAMPAIGN, CHANNEL, OUTCOME, ref(L.DECISION, "dec1"), ref(L.BRAND, "b2")]
    return (
        store.count(),
        store.count_edges(),
        store.get_nodes(refs),
        store.incident_edges(refs, 50),
        [metrics(t) for t in store.aggregate_outcomes(OutcomeQuery(group_by=()))],
    )


def open_store(path: Path) -> EmbeddedGraphStore:
    store = EmbeddedGraphStore(path)
    migrations.apply_pending(store)
    return store


def run_child(code: str, *args: str, **popen: Any) -> subprocess.Popen[str]:
    """Start a Python child process that uses the package as another process would."""
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )


# -- reopening -------------------------------------------------------------------------------
def test_reopening_keeps_everything_committed(tmp_path: Path) -> None:
    path = tmp_path / "graph.sqlite"
    store = open_store(path)
    store.write(small_world())
    store.record_decision(
        DecisionRecord(
            id="dec1",
            kind="shift",
            agent="planner",
            rationale="why",
            algorithm="alloc",
            algorithm_version="1",
            evidence=[Evidence(ref=OUTCOME, score=0.9)],
        )
    )
    before = state(store)
    lineage = store.get_lineage(OUTCOME, "down", depth=2)
    store.close()

    reopened = EmbeddedGraphStore(path)
    try:
        assert state(reopened) == before
        assert reopened.get_lineage(OUTCOME, "down", depth=2) == lineage
        assert {n.id for n in lineage.nodes} == {"o1", "dec1"}
        assert migrations.apply_pending(reopened) == []  # migrations recorded durably too
        assert before[0] == 4 + 3 + len(migrations.load_migrations())  # decision, agent, head
    finally:
        reopened.close()


# -- failed batches --------------------------------------------------------------------------
def test_a_dangling_batch_leaves_the_previous_state_in_memory_and_on_disk(
    tmp_path: Path,
) -> None:
    path = tmp_path / "graph.sqlite"
    store = open_store(path)
    store.write(small_world())
    before = state(store)

    with pytest.raises(DanglingReferenceError):
        store.write(
            GraphBatch(
                nodes=[node(L.BRAND, "b2"), node(L.CAMPAIGN, "c1", name="renamed")],
                edges=[edge(ref(L.BRAND, "b2"), R.RUNS, ref(L.CAMPAIGN, "c404"))],
            )
        )

    assert state(store) == before
    store.close()
    reopened = EmbeddedGraphStore(path)
    try:
        assert state(reopened) == before
    finally:
        reopened.close()


def test_a_batch_failing_inside_the_transaction_is_rolled_back(tmp_path: Path) -> None:
    mig_dir = tmp_path / "migrations"
    mig_dir.mkdir()
    (mig_dir / "0001_source_hash.toml").write_text('unique = [["Source", "sha256"]]\n')
    path = tmp_path / "graph.sqlite"
    store = EmbeddedGraphStore(path)
    migrations.apply_pending(store, migrations.load_migrations(mig_dir))
    store.write(small_world())
    store.write(GraphBatch(nodes=[node(L.SOURCE, "s1", sha256="aa")]))
    before = state(store), store.count(L.SOURCE)

    # The brand, the campaign update and the edge are written before the duplicate hash
    # fails the unique index: all of it must be rolled back, in SQLite and in memory.
    batch = GraphBatch(
        nodes=[
            node(L.BRAND, "b2"),
            node(L.CAMPAIGN, "c1", name="renamed"),
            node(L.SOURCE, "s2", sha256="aa"),
        ],
        edges=[edge(ref(L.BRAND, "b2"), R.RUNS, CAMPAIGN)],
    )
    with pytest.raises(ConstraintViolationError):
        store.write(batch)

    assert (state(store), store.count(L.SOURCE)) == before
    store.write(GraphBatch(nodes=[node(L.SOURCE, "s3", sha256="bb")]))  # not left locked
    assert store.count(L.SOURCE) == 2
    after = state(store)
    store.close()
    reopened = EmbeddedGraphStore(path)
    try:
        assert state(reopened) == after
        assert reopened.get_node(ref(L.BRAND, "b2")) is None
        assert reopened.get_node(CAMPAIGN) == node(L.CAMPAIGN, "c1", name="Spring")
        assert reopened.existing_ids(L.SOURCE, ["s1", "s2", "s3"]) == {"s1", "s3"}
    finally:
        reopened.close()


WRITER = """
    import sys
    from pathlib import Path

    import migrations
    from graph import Edge, GraphBatch, Label, Node, NodeRef, RelType
    from graph.embedded import EmbeddedGraphStore

    store = EmbeddedGraphStore(Path(sys.argv[1]))
    migrations.apply_pending(store)
    width = int(sys.argv[2])
    for i in range(100_000):
        run = NodeRef(label=Label.INGEST_RUN, id=f"run{i}")
        sources = [
            Node(label=Label.SOURCE, id=f"s{i}_{j}", properties={"id": f"s{i}_{j}", "batch": i})
            for j in range(width)
        ]
        store.write(GraphBatch(
            nodes=[Node(label=Label.INGEST_RUN, id=run.id, properties={"id": run.id}), *sources],
            edges=[Edge(src=run, type=RelType.READ, dst=s.ref) for s in sources],
        ))
        print(i, flush=True)
"""


def test_a_writer_killed_midway_leaves_only_whole_batches(tmp_path: Path) -> None:
    path, width = tmp_path / "graph.sqlite", 300
    child = run_child(WRITER, str(path), str(width))
    assert child.stdout is not None
    committed = -1
    try:
        deadline = time.monotonic() + 60
        while committed < 20 and time.monotonic() < deadline:
            line = child.stdout.readline()
            if not line:
                break
            committed = int(line)
    finally:
        child.send_signal(signal.SIGKILL)
        rest, err = child.communicate(timeout=30)
    assert committed >= 20, f"the writer did not get going: {err}"
    assert child.returncode == -signal.SIGKILL
    committed = max([committed, *(int(line) for line in rest.split())])  # printed, unread

    store = EmbeddedGraphStore(path)
    try:
        runs = store.count(L.INGEST_RUN)
        # Every reported batch is there; at most the one in flight landed (whole) after it.
        assert committed + 1 <= runs <= committed + 2
        expected_runs = {f"run{i}" for i in range(runs)}
        assert store.existing_ids(L.INGEST_RUN, expected_runs) == expected_runs
        assert store.count(L.SOURCE) == runs * width
        assert store.count_edges(R.READ) == runs * width
        last = [ref(L.SOURCE, f"s{runs - 1}_{j}") for j in range(width)]
        assert len(store.get_nodes(last)) == width
        assert store.existing_ids(L.SOURCE, [f"s{runs}_0"]) == set()
        neighbours = store.get_neighbourhood(ref(L.INGEST_RUN, f"run{runs - 1}"), limit=1000)
        assert len(neighbours.edges) == width
    finally:
        store.close()


# -- several stores on one file --------------------------------------------------------------
def test_a_second_store_on_the_same_file_sees_the_first_ones_writes(tmp_path: Path) -> None:
    path = tmp_path / "graph.sqlite"
    first, second = open_store(path), EmbeddedGraphStore(path)
    try:
        assert second.get_node(BRAND) is None  # loads its in-memory graph now
        first.write(small_world())

        assert second.get_node(BRAND) == node(L.BRAND, "b1", name="Acme")
        assert state(second) == state(first)
        # Writes on the second store may refer to nodes only the first one wrote...
        second.write(
            GraphBatch(
                nodes=[node(L.CAMPAIGN, "c2")],
                edges=[edge(BRAND, R.RUNS, ref(L.CAMPAIGN, "c2"))],
            )
        )
        # ... and the first one's traversals (served from memory) see them.
        down = first.get_lineage(BRAND, "down", depth=1)
        assert {n.id for n in down.nodes} == {"b1", "c1", "c2"}
        assert [n.id for n in first.get_neighbourhood(BRAND).nodes] == ["b1", "c1", "c2"]

        def decision(rationale: str) -> DecisionRecord:
            return DecisionRecord(
                id="dec1",
                kind="k",
                agent="a",
                rationale=rationale,
                algorithm="x",
                algorithm_version="1",
            )

        first.record_decision(decision("first"))
        with pytest.raises(AppendOnlyViolationError):
            second.record_decision(decision("second"))
        stored = second.get_node(ref(L.DECISION, "dec1"))
        assert stored is not None and stored.properties["rationale"] == "first"
        assert state(first) == state(second)
    finally:
        first.close()
        second.close()


READER_THEN_WRITER = """
    import sys
    from pathlib import Path

    from graph import Edge, GraphBatch, Label, Node, NodeRef, RelType
    from graph.embedded import EmbeddedGraphStore

    store = EmbeddedGraphStore(Path(sys.argv[1]))
    brand = NodeRef(label=Label.BRAND, id="b1")
    assert store.get_node(brand) is not None, "the child does not see the parent's brand"
    campaign = Node(label=Label.CAMPAIGN, id="c_child", properties={"id": "c_child"})
    store.write(GraphBatch(
        nodes=[campaign], edges=[Edge(src=brand, type=RelType.RUNS, dst=campaign.ref)]
    ))
    store.close()
"""


def test_a_store_sees_what_another_process_committed(tmp_path: Path) -> None:
    path = tmp_path / "graph.sqlite"
    store = open_store(path)
    try:
        store.write(small_world())
        assert store.get_node(ref(L.CAMPAIGN, "c_child")) is None

        child = run_child(READER_THEN_WRITER, str(path))
        _, err = child.communicate(timeout=60)
        assert child.returncode == 0, err

        assert store.get_node(ref(L.CAMPAIGN, "c_child")) == node(L.CAMPAIGN, "c_child")
        down = store.get_lineage(BRAND, "down", depth=1)
        assert {n.id for n in down.nodes} == {"b1", "c1", "c_child"}
    finally:
        store.close()


def test_a_write_that_waited_for_another_writer_still_sees_its_commit(tmp_path: Path) -> None:
    """Another process commits while this store waits for the write lock.

    A raw connection plays the other process (it writes the row an EmbeddedGraphStore
    would) so that the timing is exact: this store reads its state, waits on BEGIN
    IMMEDIATE, and commits after the other one. It must not miss the other commit.
    """
    path = tmp_path / "graph.sqlite"
    store = open_store(path)
    other = sqlite3.connect(path, isolation_level=None)
    try:
        store.write(small_world())
        other.execute("BEGIN IMMEDIATE")
        other.execute(
            "INSERT INTO nodes (label, id, props) VALUES ('Brand', 'b_other', ?)",
            ('{"id":"b_other"}',),
        )
        mine = GraphBatch(nodes=[node(L.BRAND, "b_mine")])
        writer = threading.Thread(target=store.write, args=(mine,))
        writer.start()
        time.sleep(0.3)  # the store is now blocked on the write lock the other one holds
        other.execute("COMMIT")
        writer.join(30)
        assert not writer.is_alive()

        assert store.existing_ids(L.BRAND, ["b1", "b_mine", "b_other"]) == {
            "b1",
            "b_mine",
            "b_other",
        }
        assert store.count(L.BRAND) == 3
        assert store.get_node(ref(L.BRAND, "b_other")) == node(L.BRAND, "b_other")
        store.write(GraphBatch(edges=[edge(ref(L.BRAND, "b_other"), R.RUNS, CAMPAIGN)]))
    finally:
        other.close()
        store.close()
