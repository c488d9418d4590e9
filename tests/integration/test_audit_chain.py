"""The audit chain on both backends: sealed by the store's own write transaction, verified
through the contract, and every kind of edit made directly in the database is found.

Tampering goes around the store on purpose: SQL on the embedded store's SQLite file, Cypher
through a separate Neo4j driver session. Nothing is mocked.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

import migrations
from agents.channels import Action, Target
from agents.channels.journal import execution_id
from agents.channels.outbox import (
    ChannelHook,
    OutboxWorker,
    WebhookAdapter,
    WebhookConfig,
    list_entries,
    retry_entry,
)
from api.settings import Settings
from graph.audit import (
    GENESIS,
    HEAD_REF,
    ChainHead,
    Finding,
    link_hash,
    record_content,
    verify_chain,
)
from graph.base import GraphStore
from graph.embedded import EmbeddedGraphStore
from graph.errors import AppendOnlyViolationError
from graph.models import DecisionRecord, Edge, Evidence, GraphBatch, Node, NodeRef, Precondition
from graph.schema import Label, RelType
from tests.integration.execution_helpers import load_catalogue, receiver, wait_for
from tests.integration.http_server import serve
from tests.integration.reopen import reopen

BRAND = NodeRef(label=Label.BRAND, id="b1")
TASK = NodeRef(label=Label.TASK, id="task-1")
LINE = NodeRef(label=Label.LINE_STATE, id="line-1")


# -- building a chain through the store --------------------------------------------------------
def decision(decision_id: str, rationale: str = "because", on: NodeRef = BRAND) -> DecisionRecord:
    return DecisionRecord(
        id=decision_id,
        kind="budget_shift",
        agent="planner",
        rationale=rationale,
        algorithm="hill-allocator",
        algorithm_version="1.0",
        confidence=0.7,
        evidence=[Evidence(ref=on, score=0.8, reason="the brand's history")],
    )


def approval(approval_id: str, decision_id: str) -> GraphBatch:
    """An approval as agents/orchestrator/gates.py writes it."""
    node = Node(
        label=Label.APPROVAL,
        id=approval_id,
        properties={
            "id": approval_id,
            "decision_id": decision_id,
            "verdict": "approved",
            "approver": "ana",
            "role": "approver",
            "created_at": datetime.now(UTC).isoformat(),
        },
    )
    target = NodeRef(label=Label.DECISION, id=decision_id)
    return GraphBatch(nodes=[node], edges=[Edge(src=node.ref, type=RelType.APPROVES, dst=target)])


def execute(store: GraphStore, key: str, revision: int) -> NodeRef:
    """An Execution and its line's new state, written once as agents/channels/journal.py
    writes them (create-once and compare-and-set on the line's revision, one transaction)."""
    ref = NodeRef(label=Label.EXECUTION, id=execution_id(key))
    props = {
        "id": ref.id,
        "idempotency_key": key,
        "adapter": "test",
        "kind": "set_budget",
        "status": "pending",
        "action": json.dumps({"daily_budget": 100 + revision}),
        "action_digest": f"digest-{key}",
        "applied_at": datetime.now(UTC).isoformat(),
        "line_id": LINE.id,
        "line_revision": revision,
        "channel_id": "ch1",
        "task_id": TASK.id,
        "before": json.dumps({"daily_budget": 99 + revision}),
        "after": json.dumps({"daily_budget": 100 + revision}),
    }
    line = Node(label=LINE.label, id=LINE.id, properties={"id": LINE.id, "revision": revision})
    guard = Precondition(LINE, {"revision": revision - 1} if revision > 1 else None)
    batch = GraphBatch(
        nodes=[Node(label=ref.label, id=ref.id, properties=props), line],
        edges=[Edge(src=ref, type=RelType.EXECUTES, dst=TASK)],
    )
    assert store.write_if(batch, [Precondition(ref), guard])
    return ref


def build_chain(store: GraphStore) -> list[NodeRef]:
    """Seven records in this order: d1, d2, approval of d2, execution 1, d3, execution 2, d4."""
    task = Node(label=TASK.label, id=TASK.id, properties={"id": TASK.id, "status": "pending"})
    brand = Node(label=BRAND.label, id=BRAND.id, properties={"id": BRAND.id, "name": "Trailhead"})
    store.write(GraphBatch(nodes=[brand, task]))
    order: list[NodeRef] = []
    for step in ("d1", "d2", "apr", "exe1", "d3", "exe2", "d4"):
        if step.startswith("d"):
            order.append(store.record_decision(decision(step, f"rationale of {step}")).ref)
        elif step == "apr":
            batch = approval("apr-1", "d2")
            store.write(batch)
            order.append(batch.nodes[0].ref)
        else:
            order.append(execute(store, f"plan-1/{step}", revision=int(step[-1])))
    return order


@pytest.fixture
def chain(graph_store: GraphStore) -> list[NodeRef]:
    return build_chain(graph_store)


def problems(findings: list[Finding]) -> list[tuple[str, str | None, int | None]]:
    return [(f.problem, f.node, f.seq) for f in findings]


# -- tampering around the store ------------------------------------------------------------------
class Tamper:
    """Edits made directly in the database, as someone with database access could."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store

    def _sql(self, statement: str, *args: Any) -> list[tuple[Any, ...]]:
        assert isinstance(self.store, EmbeddedGraphStore)
        db = sqlite3.connect(self.store.path)
        try:
            rows = db.execute(statement, args).fetchall()
            db.commit()
        finally:
            db.close()
        return rows

    def _cypher(self, query: str, **params: Any) -> None:
        driver = self.store._driver  # type: ignore[attr-defined]
        driver.execute_query(query, params, database_=self.store._database)  # type: ignore[attr-defined]

    def set(self, ref: NodeRef, **changes: Any) -> None:
        if isinstance(self.store, EmbeddedGraphStore):
            (row,) = self._sql(
                "SELECT props FROM nodes WHERE label = ? AND id = ?", ref.label, ref.id
            )
            props = {**json.loads(row[0]), **changes}
            self._sql(
                "UPDATE nodes SET props = ? WHERE label = ? AND id = ?",
                json.dumps(props),
                ref.label,
                ref.id,
            )
        else:
            label = ref.label.value  # from the fixed vocabulary
            self._cypher(
                f"MATCH (n:{label} {{id: $id}}) SET n += $changes", id=ref.id, changes=changes
            )

    def delete(self, ref: NodeRef) -> None:
        if isinstance(self.store, EmbeddedGraphStore):
            self._sql("DELETE FROM nodes WHERE label = ? AND id = ?", ref.label, ref.id)
            self._sql(
                "DELETE FROM edges WHERE (src_label = ?1 AND src_id = ?2) "
                "OR (dst_label = ?1 AND dst_id = ?2)",
                ref.label,
                ref.id,
            )
        else:
            self._cypher(f"MATCH (n:{ref.label.value} {{id: $id}}) DETACH DELETE n", id=ref.id)

    def delete_edge(self, src: NodeRef, rel: RelType, dst: NodeRef) -> None:
        if isinstance(self.store, EmbeddedGraphStore):
            self._sql(
                "DELETE FROM edges WHERE src_label = ? AND src_id = ? AND type = ? "
                "AND dst_label = ? AND dst_id = ?",
                src.label,
                src.id,
                rel,
                dst.label,
                dst.id,
            )
        else:
            self._cypher(
                f"MATCH (:{src.label.value} {{id: $src}})-[r:{rel.value}]->"
                f"(:{dst.label.value} {{id: $dst}}) DELETE r",
                src=src.id,
                dst=dst.id,
            )

    def set_edge(self, src: NodeRef, rel: RelType, dst: NodeRef, **props: Any) -> None:
        if isinstance(self.store, EmbeddedGraphStore):
            self._sql(
                "UPDATE edges SET props = ? WHERE src_label = ? AND src_id = ? AND type = ? "
                "AND dst_label = ? AND dst_id = ?",
                json.dumps(props),
                src.label,
                src.id,
                rel,
                dst.label,
                dst.id,
            )
        else:
            self._cypher(
                f"MATCH (:{src.label.value} {{id: $src}})-[r:{rel.value}]->"
                f"(:{dst.label.value} {{id: $dst}}) SET r = $props",
                src=src.id,
                dst=dst.id,
                props=props,
            )


# -- an intact chain -------------------------------------------------------------------------------
def test_new_records_are_sealed_in_write_order_and_verify_intact(
    graph_store: GraphStore, chain: list[NodeRef]
) -> None:
    nodes = graph_store.get_nodes(chain)
    assert [n.properties["audit_seq"] for n in nodes] == list(range(1, 8))
    prev = GENESIS
    for node in nodes:
        assert node.properties["audit_prev"] == prev
        prev = node.properties["audit_hash"]
    head = ChainHead.of(graph_store.require_node(HEAD_REF).properties)
    assert head == ChainHead(seq=7, hash=prev)
    execution = nodes[3].properties
    assert "status" not in execution["audit_keys"] and "action" in execution["audit_keys"]
    assert execution["audit_edges"] == ['["EXECUTES","Task","task-1",{}]']

    report = verify_chain(graph_store, page=3)  # pages smaller than the chain

    assert report.intact, report.findings
    assert (report.records, report.unsealed, report.head_seq, report.head_hash) == (7, 0, 7, prev)
    assert report.summary() == f"audit chain intact: 7 records, head seq 7 hash {prev}"


def test_writes_without_records_do_not_touch_the_chain(graph_store: GraphStore) -> None:
    outcome = Node(
        label=Label.OUTCOME,
        id="o1",
        properties={"id": "o1", "date": "2026-03-01", "spend": 1.0, "campaign_id": "c1"},
    )
    graph_store.write(GraphBatch(nodes=[outcome]))
    assert graph_store.get_node(HEAD_REF) is None
    with pytest.raises(AppendOnlyViolationError):  # nor can a caller start one
        graph_store.write(GraphBatch(nodes=[Node(HEAD_REF.label, HEAD_REF.id, {"seq": 5})]))
    assert graph_store.get_node(HEAD_REF) is None
    report = verify_chain(graph_store)
    assert report.intact and report.records == 0 and report.head_seq is None


def test_execution_status_updates_keep_the_seal(
    graph_store: GraphStore, chain: list[NodeRef]
) -> None:
    exe = chain[3]
    sealed = graph_store.require_node(exe).properties
    # The outbox worker's rewrite: the stored properties with changes on top.
    changes = {"status": "delivered", "delivered_at": "2026-03-02T10:00:00+00:00", "attempts": 1}
    graph_store.write(GraphBatch(nodes=[Node(Label.EXECUTION, exe.id, {**sealed, **changes})]))
    # A writer that drops the seal or forges one cannot change it either.
    bare = {k: v for k, v in sealed.items() if not k.startswith("audit_")}
    other = graph_store.require_node(chain[5]).properties
    forged = {**other, "status": "failed", "audit_hash": "f" * 64, "audit_seq": 99}
    graph_store.write(GraphBatch(nodes=[Node(Label.EXECUTION, chain[5].id, forged)]))
    graph_store.write(GraphBatch(nodes=[Node(Label.EXECUTION, exe.id, {**bare, **changes})]))
    # And a direct edit of a property that is not sealed is no tampering.
    Tamper(graph_store).set(chain[5], status="delivered", external_ref="hook-7")
    # Outcomes linked to it later are not part of its seal.
    outcome = Node(Label.OUTCOME, "o1", {"id": "o1", "date": "2026-03-02", "spend": 5.0})
    graph_store.write(GraphBatch(nodes=[outcome]))
    graph_store.write(GraphBatch(edges=[Edge(src=outcome.ref, type=RelType.RESULT_OF, dst=exe)]))

    stored = graph_store.require_node(exe).properties
    assert stored["status"] == "delivered"
    assert {k: v for k, v in stored.items() if k.startswith("audit_")} == {
        k: v for k, v in sealed.items() if k.startswith("audit_")
    }
    assert graph_store.require_node(chain[5]).properties["audit_seq"] == 6
    assert ChainHead.of(graph_store.require_node(HEAD_REF).properties).seq == 7
    report = verify_chain(graph_store)
    assert report.intact, report.findings


def test_the_head_and_the_seal_belong_to_the_store(
    graph_store: GraphStore, chain: list[NodeRef]
) -> None:
    head = graph_store.require_node(HEAD_REF)
    with pytest.raises(AppendOnlyViolationError):
        graph_store.write(GraphBatch(nodes=[Node(HEAD_REF.label, HEAD_REF.id, {"seq": 0})]))
    with pytest.raises(AppendOnlyViolationError):
        graph_store.write(GraphBatch(edges=[Edge(src=BRAND, type=RelType.FROM, dst=HEAD_REF)]))
    with pytest.raises(AppendOnlyViolationError):
        graph_store.update_if(HEAD_REF, {}, {"seq": 0})
    with pytest.raises(AppendOnlyViolationError):
        graph_store.delete_nodes([HEAD_REF])
    with pytest.raises(ValueError, match="audit_hash"):
        graph_store.update_if(chain[3], {}, {"audit_hash": "0" * 64})
    assert graph_store.require_node(HEAD_REF).properties == head.properties
    # update_if may still move what is not sealed
    assert graph_store.update_if(chain[3], {"status": "pending"}, {"status": "failed"})
    assert verify_chain(graph_store).intact


def test_a_real_webhook_history_verifies_intact(graph_store: GraphStore) -> None:
    """Executions applied by the webhook adapter, failed, retried by hand and delivered by
    the outbox worker (each step a rewrite of the Execution), between decisions."""
    load_catalogue(graph_store)
    trailhead = NodeRef(label=Label.BRAND, id="brand-trailhead")
    graph_store.record_decision(decision("d-before", on=trailhead))
    calls: dict[str, int] = {}

    def answer(key: str, n: int) -> int:
        calls[key] = n
        return 500 if key == "plan-1/a" and n == 1 else 200

    with receiver(answer=answer) as hook:
        cfg = WebhookConfig(
            channels={"*": ChannelHook(url=hook.url, secret="s3cret")},
            max_attempts=1,
            base_delay_seconds=0.1,
            max_delay_seconds=0.2,
            timeout_seconds=2.0,
            lease_seconds=4.0,
        )
        adapter = WebhookAdapter(graph_store, cfg)
        first = adapter.apply(_budget("plan-1/a", 120.0))
        second = adapter.apply(_budget("plan-1/b", 80.0, channel="ch-meta"))
        worker = OutboxWorker(graph_store, cfg)
        try:
            assert wait_for(lambda: _delivered_or_failed(worker, graph_store), timeout=30)
            retry_entry(graph_store, first.execution_id, by="test")
            assert wait_for(lambda: _delivered_or_failed(worker, graph_store), timeout=30)
        finally:
            worker.close()
    graph_store.record_decision(decision("d-after", on=trailhead))

    executions = graph_store.get_nodes(
        [NodeRef(Label.EXECUTION, r.execution_id) for r in (first, second)]
    )
    assert [n.properties["status"] for n in executions] == ["delivered", "delivered"]
    assert [n.properties["audit_seq"] for n in executions] == [2, 3]
    report = verify_chain(graph_store)
    assert report.intact, report.findings
    assert report.records == 4 and report.head_seq == 4


def _budget(key: str, amount: float, channel: str = "ch-google-search") -> Action:
    return Action(
        kind="set_budget",
        target=Target(channel_id=channel, audience_id="aud-trailhead-returning"),
        params={"daily_budget": amount},
        idempotency_key=key,
    )


def _delivered_or_failed(worker: OutboxWorker, store: GraphStore) -> bool:
    worker.deliver_pending()
    return all(e.status == "failed" for e in list_entries(store))


# -- tampering is found ----------------------------------------------------------------------------
def test_an_edited_rationale_is_found(graph_store: GraphStore, chain: list[NodeRef]) -> None:
    Tamper(graph_store).set(chain[1], rationale="we always meant to do this")
    report = verify_chain(graph_store)
    assert problems(report.findings) == [("edited", "Decision:d2", 2)]
    assert not report.intact and "BROKEN" in report.summary()


def test_an_edited_sealed_execution_field_is_found(
    graph_store: GraphStore, chain: list[NodeRef]
) -> None:
    Tamper(graph_store).set(chain[5], after=json.dumps({"daily_budget": 9999}))
    report = verify_chain(graph_store)
    assert problems(report.findings) == [("edited", str(chain[5]), 6)]


def test_a_property_added_to_a_decision_is_found(
    graph_store: GraphStore, chain: list[NodeRef]
) -> None:
    Tamper(graph_store).set(chain[0], approved_by="the board")
    (finding,) = verify_chain(graph_store).findings
    assert (finding.problem, finding.seq) == ("edited", 1)
    assert "'approved_by' added" in finding.detail


def test_a_deleted_middle_record_is_found(graph_store: GraphStore, chain: list[NodeRef]) -> None:
    Tamper(graph_store).delete(chain[4])  # d3, seq 5
    report = verify_chain(graph_store)
    assert problems(report.findings) == [("deleted", None, 5)]
    assert "between seq 4" in report.findings[0].detail and "seq 6" in report.findings[0].detail
    assert report.records == 6


def test_a_deleted_last_record_is_a_head_mismatch(
    graph_store: GraphStore, chain: list[NodeRef]
) -> None:
    Tamper(graph_store).delete(chain[-1])
    report = verify_chain(graph_store)
    assert problems(report.findings) == [("head_mismatch", "AuditHead:audit", 7)]
    assert "seq 7 deleted" in report.findings[0].detail


def test_a_removed_based_on_edge_is_found(graph_store: GraphStore, chain: list[NodeRef]) -> None:
    Tamper(graph_store).delete_edge(chain[4], RelType.BASED_ON, BRAND)
    report = verify_chain(graph_store)
    assert problems(report.findings) == [("edge_removed", "Decision:d3", 5)]
    assert "BASED_ON -> Brand:b1" in report.findings[0].detail


def test_a_changed_edge_score_is_found(graph_store: GraphStore, chain: list[NodeRef]) -> None:
    Tamper(graph_store).set_edge(chain[0], RelType.BASED_ON, BRAND, score=0.99, reason="x")
    assert problems(verify_chain(graph_store).findings) == [("edge_changed", "Decision:d1", 1)]


def test_a_deleted_head_is_found(graph_store: GraphStore, chain: list[NodeRef]) -> None:
    Tamper(graph_store).delete(HEAD_REF)
    report = verify_chain(graph_store)
    assert problems(report.findings) == [("head_missing", None, None)]
    assert report.head_seq is None


def test_a_record_resealed_in_place_breaks_the_next_link(
    graph_store: GraphStore, chain: list[NodeRef]
) -> None:
    """Someone who edits a record and recomputes its own hash still breaks the chain."""
    node = graph_store.require_node(chain[2])
    props = {**node.properties, "verdict": "rejected"}
    keys, edges = props["audit_keys"], props["audit_edges"]
    content = record_content(3, node.ref, props, keys, edges)
    Tamper(graph_store).set(
        chain[2], verdict="rejected", audit_hash=link_hash(props["audit_prev"], content)
    )
    report = verify_chain(graph_store)
    assert problems(report.findings) == [("broken_link", str(chain[3]), 4)]


def test_a_record_written_around_the_store_is_unsealed(
    graph_store: GraphStore, chain: list[NodeRef]
) -> None:
    forged = decision("d-forged").node()
    if isinstance(graph_store, EmbeddedGraphStore):
        Tamper(graph_store)._sql(
            "INSERT INTO nodes (label, id, props) VALUES ('Decision', ?, ?)",
            forged.id,
            json.dumps(forged.properties),
        )
    else:
        Tamper(graph_store)._cypher("CREATE (n:Decision) SET n = $props", props=forged.properties)
    report = verify_chain(graph_store)
    assert problems(report.findings) == [("unsealed", "Decision:d-forged", None)]
    assert report.unsealed == 1


def test_records_older_than_the_chain_are_unsealed_but_fine(graph_store: GraphStore) -> None:
    old = decision("d-legacy").node()
    old.properties["created_at"] = (datetime.now(UTC) - timedelta(days=30)).isoformat()
    if isinstance(graph_store, EmbeddedGraphStore):
        Tamper(graph_store)._sql(
            "INSERT INTO nodes (label, id, props) VALUES ('Decision', ?, ?)",
            old.id,
            json.dumps(old.properties),
        )
    else:
        Tamper(graph_store)._cypher("CREATE (n:Decision) SET n = $props", props=old.properties)
    build_chain(graph_store)
    report = verify_chain(graph_store)
    assert report.intact, report.findings
    assert (report.records, report.unsealed) == (7, 1)


def test_an_anchor_catches_a_chain_rewritten_with_its_head(
    graph_store: GraphStore, chain: list[NodeRef]
) -> None:
    head = ChainHead.of(graph_store.require_node(HEAD_REF).properties)
    assert verify_chain(graph_store, anchor=(head.seq, head.hash)).intact
    # Rewrite the last record and the head consistently: only the anchor can tell.
    last = graph_store.require_node(chain[-1])
    props = {**last.properties, "rationale": "rewritten"}
    content = record_content(7, last.ref, props, props["audit_keys"], props["audit_edges"])
    digest = link_hash(props["audit_prev"], content)
    tamper = Tamper(graph_store)
    tamper.set(chain[-1], rationale="rewritten", audit_hash=digest)
    tamper.set(HEAD_REF, hash=digest)
    assert verify_chain(graph_store).intact  # the documented limit
    report = verify_chain(graph_store, anchor=(head.seq, head.hash))
    assert problems(report.findings) == [("anchor_mismatch", "Decision:d4", 7)]


# -- concurrency --------------------------------------------------------------------------------
def test_concurrent_writers_make_one_valid_chain(
    graph_store: GraphStore, request: pytest.FixtureRequest
) -> None:
    graph_store.write(GraphBatch(nodes=[Node(BRAND.label, BRAND.id, {"id": BRAND.id})]))
    writers, each = 4, 8
    stores = [reopen(graph_store, request) for _ in range(writers)]
    start = threading.Barrier(writers)
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            start.wait()
            for j in range(each):
                stores[i].record_decision(decision(f"d-{i}-{j}", f"writer {i}, decision {j}"))
        except BaseException as e:  # reported below, in the test's thread
            errors.append(e)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(writers)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
    finally:
        for s in stores:
            s.close()
    assert not errors, errors
    nodes = graph_store.list_nodes(Label.DECISION, limit=1000)
    assert sorted(n.properties["audit_seq"] for n in nodes) == list(range(1, writers * each + 1))
    report = verify_chain(graph_store)
    assert report.intact, report.findings
    assert report.records == report.head_seq == writers * each


# -- the command line and the API -----------------------------------------------------------------
BIN = Path(sys.executable).parent / "marketgraph"


def cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MARKETGRAPH_")}
    env.update(MARKETGRAPH_DATA_DIR=str(data_dir), COLUMNS="200")
    return subprocess.run(
        [str(BIN), *args], env=env, capture_output=True, text=True, timeout=300, cwd=data_dir
    )


@pytest.mark.skipif(not BIN.exists(), reason="the marketgraph entry point is not installed")
def test_cli_audit_verify_exits_0_when_intact_and_1_listing_findings(tmp_path: Path) -> None:
    store = EmbeddedGraphStore(Settings(data_dir=tmp_path).graph_path)
    try:
        migrations.apply_pending(store)
        chain = build_chain(store)
    finally:
        store.close()

    head = cli(tmp_path, "audit", "head")
    assert head.returncode == 0, head.stderr
    seq, digest = head.stdout.split()[1], head.stdout.split()[3]
    intact = cli(tmp_path, "audit", "verify", "--anchor", f"{seq}:{digest}")
    assert intact.returncode == 0, intact.stdout + intact.stderr
    assert intact.stdout.strip() == f"audit chain intact: 7 records, head seq 7 hash {digest}"

    tampered = EmbeddedGraphStore(Settings(data_dir=tmp_path).graph_path)
    try:
        Tamper(tampered).set(chain[1], rationale="edited behind the store's back")
        Tamper(tampered).delete(chain[4])
    finally:
        tampered.close()
    broken = cli(tmp_path, "audit", "verify")
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "Traceback" not in broken.stderr
    assert "edited (seq 2, Decision:d2)" in broken.stdout
    assert "deleted (seq 5)" in broken.stdout
    as_json = cli(tmp_path, "audit", "verify", "--json")
    assert as_json.returncode == 1
    body = json.loads(as_json.stdout)
    assert body["intact"] is False
    assert [(f["problem"], f["seq"]) for f in body["findings"]] == [("edited", 2), ("deleted", 5)]
    bad = cli(tmp_path, "audit", "verify", "--anchor", "7:nothex")
    assert bad.returncode == 2 and bad.stderr.lstrip().startswith("error:")


KEYS = {
    "view-key-123": "viewer",
    "admin-key-123": "admin",
    "brand-admin-123": "admin@brand-trailhead",  # its findings would name every brand
}


@pytest.fixture
def client(graph_store: GraphStore, tmp_path: Path) -> Iterator[httpx.Client]:
    with serve(graph_store, tmp_path, KEYS) as http:
        yield http


def test_http_audit_verify_is_for_admins(
    client: httpx.Client, graph_store: GraphStore, chain: list[NodeRef]
) -> None:
    admin = {"Authorization": "Bearer admin-key-123"}
    ok = client.get("/v1/audit/verify", headers=admin)
    assert ok.status_code == 200, ok.text
    body = ok.json()
    assert (body["intact"], body["records"], body["head_seq"], body["findings"]) == (
        True,
        7,
        7,
        [],
    )
    denied = client.get("/v1/audit/verify", headers={"Authorization": "Bearer view-key-123"})
    assert denied.status_code == 403 and denied.json()["error"]["code"] == "forbidden"
    limited = client.get("/v1/audit/verify", headers={"Authorization": "Bearer brand-admin-123"})
    assert limited.status_code == 403 and limited.json()["error"]["code"] == "brand_forbidden"

    Tamper(graph_store).delete_edge(chain[0], RelType.BASED_ON, BRAND)
    broken = client.get("/v1/audit/verify", headers=admin).json()
    assert broken["intact"] is False
    assert [(f["problem"], f["node"], f["seq"]) for f in broken["findings"]] == [
        ("edge_removed", "Decision:d1", 1)
    ]
