"""Hostile input: each case is refused with a bounded 4xx, and the store does not change.

Run over a real server on both backends, with a brand-limited analyst and an admin. The
cases are those of issue 15 (numbered as there) and more of the same families: writes
across a brand's limit, bodies that cost memory or CPU, input that used to be a 500,
values beyond reason. Every case checks the status, that the answer is short, that the
message names what was wrong (the limit and its value where a limit is crossed), and
that no node or edge was written: not even an IngestRun or a Source.
"""

from __future__ import annotations

import io
import json
import socket
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import httpx
import pytest

from graph.base import GraphStore
from graph.lineage import WalkBudget
from graph.models import Edge, GraphBatch, Node, NodeRef
from graph.schema import Label, RelType
from tests.integration.hostile_world import (
    ADMIN,
    BOUND,
    CSV,
    KEYS,
    LIMITED,
    NDJSON,
    OTHER,
    OWN,
    Snapshot,
    assert_refused,
    jsonl,
    load_world,
)
from tests.integration.http_server import serve

MIB = 1024 * 1024
# Smaller zip limits than the defaults, so that a bomb is cheap to build here.
LIMITS = {"zip_bytes": 4 * MIB, "zip_files": 50}


@pytest.fixture
def world(graph_store: GraphStore, tmp_path: Path) -> Iterator[tuple[httpx.Client, GraphStore]]:
    load_world(graph_store)
    with serve(graph_store, tmp_path, KEYS, run_worker=False, limits=LIMITS) as client:
        yield client, graph_store


@dataclass
class Case:
    """One hostile request and the refusal it must get."""

    name: str
    path: str
    body: bytes | str | None
    status: int | tuple[int, ...]
    words: tuple[str, ...] = ()
    headers: dict[str, str] = field(default_factory=lambda: {**LIMITED, **NDJSON})
    params: dict[str, str] = field(default_factory=dict)
    hidden: tuple[str, ...] = ()  # words the answer must not hold (another brand's id)


def _campaign(**extra: Any) -> dict[str, Any]:
    return {"id": "cmp-new", "brand_id": OWN, "name": "New", **extra}


def _outcome(**extra: Any) -> dict[str, Any]:
    return {"date": "2026-03-09", "campaign_id": "cmp-own", "channel_id": "ch-email",
            "spend": 10.0, **extra}  # fmt: skip


def _zip(files: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=method) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def _patched_zip(offsets: tuple[int, int], value: bytes) -> bytes:
    """A one-file zip with bytes at (local header, central header) offsets replaced."""
    data = bytearray(_zip({"post.md": b"# Title\n\nbody " * 50}))
    local, central = data.find(b"PK\x03\x04"), data.find(b"PK\x01\x02")
    for start, offset in ((local, offsets[0]), (central, offsets[1])):
        data[start + offset : start + offset + len(value)] = value
    return bytes(data)


def _corrupt_zip() -> bytes:
    data = bytearray(_zip({"post.md": b"# Title\n\n" + bytes(range(256)) * 40}))
    start = data.find(b"PK\x03\x04") + 30 + len("post.md")
    data[start + 10 : start + 60] = b"\xff" * 50  # inside the deflate stream
    return bytes(data)


def _deep(levels: int) -> str:
    return json.dumps(_campaign())[:-1] + ', "deep": ' + "[" * levels + "]" * levels + "}"


ZIP = {**LIMITED, "Content-Type": "application/zip"}
CMS = "/v1/ingest/from/cms"


def _cases() -> list[Case]:
    scope = [
        # 1. a limited key rewrites a shared channel, or hides it with a brand_id
        Case("1-shared-channel", "/v1/ingest/channels",
             jsonl({"id": "ch-email", "name": "Pwned", "kind": "sms"}), 422,
             ("shared by every brand",)),
        Case("1-channel-brand-id", "/v1/ingest/channels",
             jsonl({"id": "ch-email", "name": "Mailchimp", "kind": "email",
                    "platform": "mailchimp", "brand_id": OWN}), 422, ("reserved",)),
        Case("1-channel-brand-id-admin", "/v1/ingest/channels",
             jsonl({"id": "ch-email", "name": "Mailchimp", "kind": "email", "brand_id": OWN}),
             422, ("'brand_id' is reserved",), {**ADMIN, **NDJSON}),
        # 2. it claims a shared audience by re-sending it with its own brand_id
        Case("2-claim-shared-audience", "/v1/ingest/audiences",
             jsonl({"id": "aud-shared", "name": "Mine now", "brand_id": OWN}), 422,
             ("shared by every brand",)),
        # 3. it links its records to another brand's nodes
        Case("3-asset-on-their-campaign", "/v1/ingest/assets",
             jsonl({"id": "ast-new", "brand_id": OWN, "kind": "email", "title": "Hi",
                    "campaign_ids": ["cmp-other"]}), 422, ("'cmp-other'",), hidden=(OTHER,)),
        Case("3-outcome-cites-their-asset", "/v1/ingest/outcomes",
             jsonl(_outcome(asset_id="ast-other", revenue=999_999)), 422, ("'ast-other'",),
             hidden=(OTHER,)),
        Case("3-outcome-cites-their-audience", "/v1/ingest/outcomes",
             jsonl(_outcome(audience_id="aud-other", revenue=999_999)), 422, ("'aud-other'",),
             hidden=(OTHER,)),
        Case("3-campaign-targets-their-audience", "/v1/ingest/campaigns",
             jsonl(_campaign(audience_ids=["aud-other"])), 422, ("'aud-other'",), hidden=(OTHER,)),
        Case("3-campaign-uses-their-asset", "/v1/ingest/campaigns",
             jsonl(_campaign(asset_ids=["ast-other"])), 422, ("'ast-other'",), hidden=(OTHER,)),
        Case("3-outcome-on-their-campaign", "/v1/ingest/outcomes",
             jsonl(_outcome(campaign_id="cmp-other")), 422, ("'cmp-other'",), hidden=(OTHER,)),
        Case("3-lead-on-their-campaign", "/v1/ingest/leads",
             jsonl({"id": "lead-new", "created_at": "2026-03-02T09:00:00+00:00",
                    "campaign_id": "cmp-other"}), 422, ("'cmp-other'",), hidden=(OTHER,)),
        Case("3-brand-declares-itself-their-competitor", "/v1/ingest/brands",
             jsonl({"id": OWN, "name": "Own Co", "currency": "GBP",
                    "competitor_of": [OTHER]}), 422, (f"'{OTHER}'",)),
        Case("3-overwrite-their-lead", "/v1/ingest/leads",
             jsonl({"id": "lead-other", "created_at": "2026-03-01T09:00:00+00:00",
                    "campaign_id": "cmp-own"}), 422, ("another brand",), hidden=(OTHER,)),
        # 4. a record property sets visibility
        Case("4-lead-brand-ids", "/v1/ingest/leads",
             jsonl({"id": "lead-new", "created_at": "2026-03-02T09:00:00+00:00",
                    "campaign_id": "cmp-own", "brand_ids": [OTHER]}), 422, ("'brand_ids'",)),
        Case("4-campaign-brand-ids-admin", "/v1/ingest/campaigns",
             jsonl(_campaign(brand_ids=[OTHER])), 422, ("'brand_ids'",), {**ADMIN, **NDJSON}),
        Case("4-outcome-brand-id", "/v1/ingest/outcomes",
             jsonl(_outcome(brand_id=OTHER)), 422, ("'brand_id' is reserved",)),
        Case("4-audit-fields", "/v1/ingest/campaigns",
             jsonl(_campaign(audit_hash="0" * 64, audit_seq=1)), 422, ("'audit_",),
             {**ADMIN, **NDJSON}),
    ]  # fmt: skip
    bodies = [
        # 6. bodies that cost memory and CPU
        Case("6-million-empty-lines", "/v1/ingest/campaigns", b"{}\n" * 1_000_000, 422,
             ("rejections_kept",)),
        Case("6-zip-bomb", CMS, _zip({"bomb.md": b"\0" * (20 * MIB)}), 413,
             ("zip_bytes", str(4 * MIB)), ZIP),
        Case("6-zip-too-many-files", CMS,
             _zip({f"post-{i}.md": b"# T\n\nx" for i in range(60)}), 413, ("zip_files=50",), ZIP),
        # 7. what used to be a 500
        Case("7-deep-json-line", "/v1/ingest/campaigns", _deep(100_000), 422, ("json_depth",)),
        Case("7-nested-900", "/v1/ingest/campaigns", _deep(900), 422, ("json_depth",)),
        Case("7-deep-json-body", "/v1/search",
             '{"query": ' + "[" * 100_000 + "]" * 100_000 + "}", 422, ("json_depth",),
             {**LIMITED, "Content-Type": "application/json"}),
        Case("7-deep-ga4-export", "/v1/ingest/from/ga4",
             "[" * 50_000 + "]" * 50_000, 422, ("json_depth",),
             {**LIMITED, "Content-Type": "application/json"}, {"brand_id": OWN}),
        Case("7-encrypted-zip", CMS, _patched_zip((6, 8), b"\x01\x00"), 400, ("encrypted",),
             ZIP),
        Case("7-unsupported-zip", CMS, _patched_zip((8, 10), b"\x61\x00"), 400,
             ("unsupported",), ZIP),
        Case("7-corrupt-zip", CMS, _corrupt_zip(), 400, ("corrupt",), ZIP),
        Case("7-not-a-zip", CMS, b"PK\x03\x04 surely", 400, ("zip",), ZIP),
    ]  # fmt: skip
    values = [
        # 9. values beyond reason
        Case("9-50mb-name", "/v1/ingest/campaigns",
             jsonl(_campaign(name="x" * 50_000_000)), 422, ("at most 10000 characters",)),
        Case("9-huge-numbers", "/v1/ingest/outcomes",
             jsonl(_outcome(spend=1e308, revenue=1e308)), 422, ("less than or equal to",)),
        Case("9-negative-huge-revenue", "/v1/ingest/outcomes",
             jsonl(_outcome(revenue=-1e300)), 422, ("greater than or equal to",)),
        Case("9-ancient-date", "/v1/ingest/outcomes", jsonl(_outcome(date="0001-01-01")), 422,
             ("1970-01-01",)),
        Case("9-far-future-timestamp", "/v1/ingest/leads",
             jsonl({"id": "lead-new", "created_at": "9999-01-01T00:00:00+00:00",
                    "campaign_id": "cmp-own"}), 422, ("2100-12-31",)),
        Case("9-duplicate-ids", "/v1/ingest/campaigns",
             jsonl(_campaign(name="One"), _campaign(name="Two")), 422,
             ("also on line 1",)),
        Case("9-empty-body", "/v1/ingest/campaigns", b"", 422, ("no records",)),
        Case("9-blank-lines", "/v1/ingest/campaigns", b"\n\n  \n", 422, ("no records",)),
        Case("9-header-only-csv", "/v1/ingest/campaigns", b"id,brand_id,name\n", 422,
             ("no records",), {**LIMITED, **CSV}),
        Case("9-long-unknown-field", "/v1/ingest/campaigns",
             jsonl(_campaign(notes="y" * 2_000_000)), 422, ("limit 10,000",)),
        Case("9-long-list", "/v1/ingest/campaigns",
             jsonl(_campaign(channel_ids=["ch-email"] * 20_000)), 422, ("at most 10000",)),
        Case("9-many-fields", "/v1/ingest/campaigns",
             jsonl(_campaign(**{f"f{i}": i for i in range(300)})), 422, ("more than 200",)),
        Case("9-nan-in-unknown-field", "/v1/ingest/campaigns",
             '{"id": "cmp-new", "brand_id": "brand-own", "name": "N", "score": NaN}', 422,
             ("score", "not a finite number")),
        Case("9-huge-unknown-number", "/v1/ingest/campaigns",
             jsonl(_campaign(reach=1e300)), 422, ("1e+300",)),
    ]  # fmt: skip
    return scope + bodies + values


def _send(client: httpx.Client, case: Case) -> httpx.Response:
    return client.post(case.path, content=case.body, headers=case.headers, params=case.params)


def test_every_hostile_case_is_refused_and_changes_nothing(
    world: tuple[httpx.Client, GraphStore],
) -> None:
    client, store = world
    failures: list[str] = []
    for case in _cases():
        before = Snapshot.of(store)
        try:
            response = _send(client, case)
            error = assert_refused(response, case.status, *case.words)
            leaked = [w for w in case.hidden if w in json.dumps(error)]
            assert not leaked, f"the answer names {leaked}"
            assert Snapshot.of(store) == before, "the store changed"
        except (AssertionError, httpx.HTTPError, ValueError) as e:
            failures.append(f"{case.name}: {str(e)[:600]}")
    assert failures == [], "\n".join(failures)


def test_the_same_records_pass_when_they_stay_inside(
    world: tuple[httpx.Client, GraphStore],
) -> None:
    """The refusals above are about what the records touch: the same kinds of records,
    inside the key's brand and within the limits, go through."""
    client, store = world
    ok = [
        ("/v1/ingest/campaigns", _campaign(audience_ids=["aud-own", "aud-shared"])),
        ("/v1/ingest/assets", {"id": "ast-new", "brand_id": OWN, "kind": "email",
                               "title": "Hi", "campaign_ids": ["cmp-own"]}),
        ("/v1/ingest/outcomes", _outcome(asset_id="ast-own", audience_id="aud-shared")),
        ("/v1/ingest/channels", {"id": "ch-email", "name": "Mailchimp", "kind": "email",
                                 "platform": "mailchimp"}),  # restates it: nothing written
    ]  # fmt: skip
    for path, record in ok:
        r = client.post(path, content=jsonl(record), headers={**LIMITED, **NDJSON})
        assert r.status_code == 200, (path, r.text)
    channel = store.get_node(NodeRef(Label.CHANNEL, "ch-email"))
    assert channel is not None and channel.properties["name"] == "Mailchimp"
    assert store.get_node(NodeRef(Label.CAMPAIGN, "cmp-new")) is not None


def _raw(client: httpx.Client, request: bytes, chunks: Callable[[], Iterator[bytes]]) -> bytes:
    """Send ``request`` (head) then ``chunks`` on a plain socket; the answer's bytes."""
    host, port = client.base_url.host, client.base_url.port
    with socket.create_connection((host, port or 80), timeout=10) as sock:
        sock.sendall(request)
        try:
            for chunk in chunks():
                sock.sendall(chunk)
        except OSError:
            pass  # the server answered and closed before the body was through: fine
        answer = b""
        while b"\r\n\r\n" not in answer or len(answer) < 64:
            try:
                data = sock.recv(65536)
            except TimeoutError:
                break
            if not data:
                break
            answer += data
    return answer


def test_a_declared_size_over_the_limit_is_refused_before_reading_or_auth(
    world: tuple[httpx.Client, GraphStore],
) -> None:
    """6. An anonymous 200 MB POST to /v1/search is refused from its headers alone: the
    body is never sent, and the answer comes at once (a server reading it would wait)."""
    client, store = world
    before = Snapshot.of(store)
    for path, size, limit in (
        ("/v1/search", 200 * MIB, "body_bytes"),
        ("/v1/ingest/campaigns", 65 * MIB, "ingest_body_bytes"),
    ):
        head = (
            f"POST {path} HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
            f"Content-Length: {size}\r\n\r\n"
        ).encode()
        answer = _raw(client, head, lambda: iter(()))
        assert answer.startswith(b"HTTP/1.1 413"), answer[:300]
        assert limit.encode() in answer and len(answer) < 2048
    assert Snapshot.of(store) == before


def test_a_streamed_body_is_cut_at_the_limit(world: tuple[httpx.Client, GraphStore]) -> None:
    """6. A body sent without a length (chunked) is counted and refused at the limit."""
    client, _ = world
    head = (
        b"POST /v1/search HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
    )

    def chunks() -> Iterator[bytes]:
        piece = b"x" * 65536
        for _ in range(48):  # 3 MiB, over the 1 MiB limit
            yield b"%x\r\n" % len(piece) + piece + b"\r\n"
        yield b"0\r\n\r\n"

    answer = _raw(client, head, chunks)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:300]
    assert b"body_bytes" in answer


def test_a_scoped_batch_never_passes_for_an_admin_batch(
    world: tuple[httpx.Client, GraphStore],
) -> None:
    """5. The run id holds who sent a batch and with which brands: the admin's identical
    batch after a limited key's is ingested, not answered ``already_ingested``."""
    client, store = world
    body = jsonl(
        {"id": "cmp-mine", "brand_id": OWN, "name": "Mine"},
        {"id": "cmp-theirs", "brand_id": OTHER, "name": "Theirs"},
    )
    scoped = client.post(
        "/v1/ingest/campaigns", content=body, params={"skip_bad": "true"},
        headers={**LIMITED, **NDJSON},
    )  # fmt: skip
    assert scoped.status_code == 200, scoped.text
    assert scoped.json()["accepted"] == 1 and scoped.json()["rejected_count"] == 1
    admin = client.post(
        "/v1/ingest/campaigns", content=body, params={"skip_bad": "true"},
        headers={**ADMIN, **NDJSON},
    )  # fmt: skip
    assert admin.status_code == 200, admin.text
    assert admin.json()["already_ingested"] is False and admin.json()["accepted"] == 2
    assert admin.json()["run_id"] != scoped.json()["run_id"]
    assert store.get_node(NodeRef(Label.CAMPAIGN, "cmp-theirs")) is not None
    runs = {n.properties.get("by") for n in store.list_nodes(Label.INGEST_RUN, limit=100)}
    assert {"key_" in str(b) for b in runs - {None}} == {True} and len(runs - {None}) == 2


def test_rejections_are_counted_beyond_those_listed(
    world: tuple[httpx.Client, GraphStore],
) -> None:
    """6. With skip_bad, 30,000 bad lines among good ones: the good land, the answer lists
    the first 100 and counts the rest once, the rejects file holds the kept ones."""
    client, store = world
    good = [_campaign(id=f"cmp-ok-{i}") for i in range(3)]
    body = "\n".join([jsonl(*good), *["{}"] * 30_000])
    r = client.post(
        "/v1/ingest/campaigns", content=body, params={"skip_bad": "true"},
        headers={**LIMITED, **NDJSON},
    )  # fmt: skip
    assert r.status_code == 200, r.text[:500]
    answer = r.json()
    assert answer["accepted"] == 3 and answer["rejected_count"] == 30_000
    assert len(answer["rejected"]) == 100 and len(r.content) < BOUND
    assert store.get_node(NodeRef(Label.CAMPAIGN, "cmp-ok-2")) is not None


class _CountingReads:
    """The real store, passed through, with the edges its lineage reads return counted."""

    def __init__(self, store: GraphStore) -> None:
        self._store = store
        self.read = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def incident_edges(self, *args: Any, **kwargs: Any) -> list[Edge]:
        found: list[Edge] = self._store.incident_edges(*args, **kwargs)
        self.read += len(found)
        return found


def _fan_out(store: GraphStore, campaigns: int, outcomes: int) -> None:
    """``brand-own`` runs ``campaigns`` more campaigns of ``outcomes`` outcomes each."""
    brand = NodeRef(Label.BRAND, OWN)
    nodes, edges = [], []
    for c in range(campaigns):
        cid = f"cmp-fan-{c:03d}"
        nodes.append(Node(Label.CAMPAIGN, cid, {"id": cid, "brand_id": OWN, "name": cid}))
        edges.append(Edge(brand, RelType.RUNS, NodeRef(Label.CAMPAIGN, cid)))
        for o in range(outcomes):
            oid = f"o-{cid}-{o:03d}"
            props = {"id": oid, "campaign_id": cid, "date": "2026-03-01", "spend": 1.0}
            nodes.append(Node(Label.OUTCOME, oid, props))
            edges.append(
                Edge(NodeRef(Label.OUTCOME, oid), RelType.OF, NodeRef(Label.CAMPAIGN, cid))
            )
    store.write(GraphBatch(nodes=nodes, edges=edges))


def test_a_lineage_walk_stays_within_its_budget(graph_store: GraphStore, tmp_path: Path) -> None:
    """8. One viewer's lineage walk over a wide graph reads no more than its budget: it
    stops at the first node it has no room for (it used to read ``limit + 1`` edges of
    every frontier node at every level) and says so; a walk past its time budget stops."""
    load_world(graph_store)
    _fan_out(graph_store, campaigns=60, outcomes=60)  # 3,660 nodes under brand-own
    counting = _CountingReads(graph_store)
    down = {"direction": "down", "depth": "10"}
    with serve(cast(GraphStore, counting), tmp_path, KEYS, run_worker=False) as client:
        r = client.get(f"/v1/lineage/Brand:{OWN}", params={**down, "limit": "50"}, headers=LIMITED)
        assert r.status_code == 200, r.text[:500]
        body = r.json()
        assert body["truncated"] is True and body["truncated_reason"] == "nodes"
        assert len(body["nodes"]) == 50 and len(r.content) < BOUND
        # 60 campaigns x 51 edges each is what the old walk read; the budget is 2,000
        assert counting.read <= WalkBudget.of(50).edges + 1, counting.read

        counting.read = 0  # the request of the issue: depth 10, limit 5,000
        r = client.get(f"/v1/lineage/Brand:{OWN}", params={**down, "limit": "5000"},
                       headers=LIMITED)  # fmt: skip
        assert r.status_code == 200, r.text[:500]
        assert counting.read <= WalkBudget.of(5000).edges + 1, counting.read
        assert len(r.json()["nodes"]) <= 5000
        other = {str(n["id"]) for n in r.json()["nodes"]} & {"cmp-other", "ast-other"}
        assert other == set(), other  # a limited key's walk shows its brand alone

    with serve(graph_store, tmp_path / "slow", KEYS, run_worker=False,
               lineage_seconds=1e-6) as client:  # fmt: skip
        r = client.get(f"/v1/lineage/Brand:{OWN}", params={**down, "limit": "5000"},
                       headers=LIMITED)  # fmt: skip
        assert r.status_code == 200, r.text[:500]
        assert r.json()["truncated"] is True and r.json()["truncated_reason"] == "time"
