"""What the web console reads, over a real HTTP server on both graph backends.

``/v1/me``, ``/v1/brands``, ``/v1/campaigns`` (with totals), ``/v1/campaigns/{id}/trend``
and ``/v1/alerts``: numbers are checked against sums of the outcome rows read one by one
from the graph, and a key limited to one brand must see nothing of another. The console's
own files are checked as served (types, headers, every referenced file present, none
outside its folder, none in the OpenAPI schema) and as packaged.
"""

from __future__ import annotations

import fnmatch
import re
import tomllib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.console import STATIC_DIR
from graph.base import GraphStore
from graph.models import Node, NodeRef, OutcomeQuery
from graph.schema import Label
from reports.alerts import AlertDraft, record_alerts
from tests.integration.http_server import serve
from tests.integration.test_api import assert_error

ROOT = Path(__file__).resolve().parents[2]
KEYS = {
    "view-key-123-secret": "viewer",
    "appr-key-123-secret": "approver",
    "trail-key-123-secret": "viewer@brand-trailhead",
    "two-key-123-secret": "analyst@brand-trailhead;brand-emberoak",
}
VIEWER = {"Authorization": "Bearer view-key-123-secret"}
TRAIL = {"Authorization": "Bearer trail-key-123-secret"}
TWO = {"Authorization": "Bearer two-key-123-secret"}
TRAILHEAD, EMBEROAK, LEDGERLINE = "brand-trailhead", "brand-emberoak", "brand-ledgerline"
METRICS = ("spend", "revenue", "conversions", "clicks", "impressions", "leads")


@pytest.fixture
def client(demo: GraphStore, tmp_path: Path) -> Iterator[httpx.Client]:
    with serve(demo, tmp_path, KEYS) as http:
        yield http


@dataclass
class Rows:
    """The demo's outcome rows, read one by one from the graph (not through aggregates)."""

    by_campaign: dict[str, list[dict[str, Any]]]

    @classmethod
    def read(cls, store: GraphStore) -> Rows:
        keys = store.outcome_keys(OutcomeQuery())
        nodes = store.get_nodes([NodeRef(label=Label.OUTCOME, id=k.id) for k in keys])
        assert len(nodes) == len(keys) > 0
        grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for n in nodes:
            grouped[str(n.properties["campaign_id"])].append(n.properties)
        return cls(dict(grouped))

    def total(self, campaign_id: str, metric: str, start: str = "", end: str = "~") -> float:
        return sum(
            float(r.get(metric) or 0)
            for r in self.by_campaign.get(campaign_id, [])
            if start <= str(r["date"])[:10] <= end
        )

    def daily(self, campaign_id: str, metric: str) -> dict[str, float]:
        days: dict[str, float] = defaultdict(float)
        for r in self.by_campaign.get(campaign_id, []):
            days[str(r["date"])[:10]] += float(r.get(metric) or 0)
        return dict(days)


def _get(client: httpx.Client, path: str, headers: dict[str, str], **params: Any) -> Any:
    r = client.get(path, params=params, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


# -- who am I ---------------------------------------------------------------------------------
def test_me_names_the_key_its_role_and_brands(client: httpx.Client) -> None:
    assert _get(client, "/v1/me", VIEWER) == {
        "name": "env-key-1",
        "role": "viewer",
        "brands": None,
        "key_id": _get(client, "/v1/me", VIEWER)["key_id"],
        "capabilities": ["read"],
    }
    two = _get(client, "/v1/me", {"X-API-Key": "two-key-123-secret"})
    assert (two["role"], two["brands"]) == ("analyst", [EMBEROAK, TRAILHEAD])
    assert two["capabilities"] == ["ingest", "read", "research"]
    assert (
        two["key_id"].startswith("key_")
        and two["key_id"] != _get(client, "/v1/me", TRAIL)["key_id"]
    )
    assert (
        "approve"
        in _get(client, "/v1/me", {"Authorization": "Bearer appr-key-123-secret"})["capabilities"]
    )
    assert_error(client.get("/v1/me"), 401, "unauthorized")
    assert_error(
        client.get("/v1/me", headers={"Authorization": "Bearer nope"}), 401, "unauthorized"
    )


# -- brands and campaigns ----------------------------------------------------------------------
def test_campaign_totals_are_the_sums_of_their_outcome_rows(
    client: httpx.Client, demo: GraphStore
) -> None:
    rows = Rows.read(demo)
    brands = _get(client, "/v1/brands", VIEWER)
    assert [b["id"] for b in brands] == sorted(n.id for n in demo.list_nodes(Label.BRAND, 1000))
    assert {"id": TRAILHEAD, "node_id": f"Brand:{TRAILHEAD}", "currency": "USD"}.items() <= (
        next(b for b in brands if b["id"] == TRAILHEAD).items()
    )

    campaigns = _get(client, "/v1/campaigns", VIEWER, limit=1000)
    stored = demo.list_nodes(Label.CAMPAIGN, 1000)
    assert [c["id"] for c in campaigns] == [n.id for n in stored] == sorted(n.id for n in stored)
    assert set(rows.by_campaign) <= {c["id"] for c in campaigns}
    for c in campaigns:
        totals = c["totals"]
        assert totals["rows"] == len(rows.by_campaign.get(c["id"], []))
        for metric in METRICS:
            assert totals[metric] == pytest.approx(rows.total(c["id"], metric), abs=0.01), (
                c["id"],
                metric,
            )
        spend, revenue = rows.total(c["id"], "spend"), rows.total(c["id"], "revenue")
        assert totals["roas"] == (pytest.approx(revenue / spend, abs=1e-4) if spend else None)
        assert c["node_id"] == f"Campaign:{c['id']}" and c["name"]

    # one brand's, a page at a time
    trail = _get(client, "/v1/campaigns", VIEWER, brand_id=TRAILHEAD)
    assert trail and {c["brand_id"] for c in trail} == {TRAILHEAD}
    assert [c["id"] for c in trail] == [c["id"] for c in campaigns if c["brand_id"] == TRAILHEAD]
    pages = [
        _get(client, "/v1/campaigns", VIEWER, limit=3, offset=offset)
        for offset in range(0, len(campaigns) + 3, 3)
    ]
    assert [c["id"] for page in pages for c in page] == [c["id"] for c in campaigns]
    assert _get(client, "/v1/campaigns", VIEWER, brand_id="brand-nobody") == []

    # totals over a window count only the rows inside it
    busiest = max(rows.by_campaign, key=lambda k: len(rows.by_campaign[k]))
    dates = sorted(str(r["date"])[:10] for r in rows.by_campaign[busiest])
    start, end = dates[len(dates) // 4], dates[len(dates) // 2]
    windowed = _get(client, "/v1/campaigns", VIEWER, start=start, end=end, limit=1000)
    one = next(c for c in windowed if c["id"] == busiest)
    assert one["totals"]["spend"] == pytest.approx(
        rows.total(busiest, "spend", start, end), abs=0.01
    )
    assert 0 < one["totals"]["rows"] < len(rows.by_campaign[busiest])
    assert_error(
        client.get("/v1/campaigns", params={"start": end, "end": start}, headers=VIEWER),
        422,
        "bad_window",
    )
    assert_error(
        client.get("/v1/campaigns", params={"limit": 0}, headers=VIEWER), 422, "invalid_request"
    )


def test_a_campaign_trend_is_its_daily_outcome_sums_without_gaps(
    client: httpx.Client, demo: GraphStore
) -> None:
    rows = Rows.read(demo)
    campaign = max(rows.by_campaign, key=lambda k: len(rows.by_campaign[k]))
    trend = _get(client, f"/v1/campaigns/{campaign}/trend", VIEWER)
    assert (trend["campaign_id"], trend["node_id"]) == (campaign, f"Campaign:{campaign}")
    spend_by_day = rows.daily(campaign, "spend")
    revenue_by_day = rows.daily(campaign, "revenue")
    assert (trend["start"], trend["end"]) == (min(spend_by_day), max(spend_by_day))
    days = trend["dates"]
    assert days == sorted(days) and len(days) == len(set(days))
    assert days[0] == trend["start"] and days[-1] == trend["end"]
    assert set(days) >= set(spend_by_day)
    assert set(trend["series"]) == {*METRICS, "roas"}
    for i, day in enumerate(days):
        spend, revenue = spend_by_day.get(day, 0.0), revenue_by_day.get(day, 0.0)
        assert trend["series"]["spend"][i] == pytest.approx(spend, abs=0.01), day
        assert trend["series"]["revenue"][i] == pytest.approx(revenue, abs=0.01), day
        expected_roas = pytest.approx(revenue / spend, abs=1e-4) if spend else None
        assert trend["series"]["roas"][i] == expected_roas, day
    for metric in METRICS:
        assert trend["totals"][metric] == pytest.approx(rows.total(campaign, metric), abs=0.01)

    # a window asked for is covered day by day, empty days as 0, and only the metrics asked
    start, end = "2025-12-30", days[3]
    windowed = _get(
        client,
        f"/v1/campaigns/{campaign}/trend",
        VIEWER,
        start=start,
        end=end,
        metric=["spend", "roas"],
    )
    assert set(windowed["series"]) == {"spend", "roas"}
    assert windowed["dates"][0] == start and windowed["dates"][-1] == end
    assert windowed["series"]["spend"][0] == 0.0 and windowed["series"]["roas"][0] is None
    assert windowed["totals"]["spend"] == pytest.approx(
        rows.total(campaign, "spend", start, end), abs=0.01
    )

    # refusals
    assert_error(
        client.get(f"/v1/campaigns/{campaign}/trend", params={"metric": "likes"}, headers=VIEWER),
        422,
        "invalid_request",
    )
    assert_error(
        client.get(
            f"/v1/campaigns/{campaign}/trend",
            params={"start": "2026-02-01", "end": "2026-01-01"},
            headers=VIEWER,
        ),
        422,
        "bad_window",
    )
    assert_error(
        client.get(
            f"/v1/campaigns/{campaign}/trend",
            params={"start": "2000-01-01", "end": "2026-01-01"},
            headers=VIEWER,
        ),
        422,
        "bad_window",
    )
    assert_error(client.get("/v1/campaigns/cmp-nope/trend", headers=VIEWER), 404, "not_found")
    assert_error(client.get(f"/v1/campaigns/{campaign}/trend"), 401, "unauthorized")
    # the campaign's context (another route under /v1/campaigns/{id}) still answers
    assert _get(client, f"/v1/campaigns/{campaign}/context", VIEWER)["campaign"]["id"] == campaign


def test_a_campaign_without_outcomes_has_an_empty_trend(
    client: httpx.Client, demo: GraphStore
) -> None:
    r = client.post(
        "/v1/ingest/campaigns",
        content='{"id": "cmp-quiet", "brand_id": "brand-trailhead", "name": "Quiet"}',
        headers={
            "Authorization": "Bearer two-key-123-secret",
            "Content-Type": "application/x-ndjson",
        },
    )
    assert r.status_code == 200, r.text
    trend = _get(client, "/v1/campaigns/cmp-quiet/trend", VIEWER)
    assert trend["dates"] == [] and trend["start"] is None and trend["totals"]["rows"] == 0
    assert all(values == [] for values in trend["series"].values())
    listed = _get(client, "/v1/campaigns", VIEWER, brand_id=TRAILHEAD, limit=1000)
    quiet = next(c for c in listed if c["id"] == "cmp-quiet")
    assert quiet["totals"]["rows"] == 0 and quiet["totals"]["roas"] is None


# -- brand scoping ----------------------------------------------------------------------------
def test_a_brands_channels_are_those_it_has_outcomes_on_with_names_and_kinds(
    client: httpx.Client, demo: GraphStore
) -> None:
    """What the plan form offers for group limits: the channels a plan can put money on
    (the brand's outcome rows name them), by id, with name and kind; another brand's is
    "not found", like a brand that does not exist."""
    rows = demo.aggregate_outcomes(OutcomeQuery(brand_id=EMBEROAK, group_by=("channel_id",)))
    used = sorted({str(r.channel_id) for r in rows})
    channels = _get(client, f"/v1/brands/{EMBEROAK}/channels", VIEWER)
    assert [c["id"] for c in channels] == used
    for c in channels:
        node = demo.get_node(NodeRef(label=Label.CHANNEL, id=c["id"]))
        assert node is not None
        assert (c["node_id"], c["name"], c["kind"]) == (
            f"Channel:{c['id']}",
            node.properties["name"],
            node.properties["kind"],
        )
    assert {c["id"] for c in channels if c["kind"] == "paid_social"} == {"ch-meta", "ch-tiktok"}
    hidden = client.get(f"/v1/brands/{EMBEROAK}/channels", headers=TRAIL)
    absent = client.get("/v1/brands/brand-nope/channels", headers=TRAIL)
    hidden, absent = (assert_error(r, 404, "not_found") for r in (hidden, absent))
    assert str(hidden["message"]).replace(EMBEROAK, "X") == str(absent["message"]).replace(
        "brand-nope", "X"
    )
    assert [c["id"] for c in _get(client, f"/v1/brands/{TRAILHEAD}/channels", TRAIL)]


def test_a_key_limited_to_a_brand_sees_nothing_of_another(
    client: httpx.Client, demo: GraphStore
) -> None:
    assert [b["id"] for b in _get(client, "/v1/brands", TRAIL)] == [TRAILHEAD]
    assert [b["id"] for b in _get(client, "/v1/brands", TWO)] == [EMBEROAK, TRAILHEAD]

    everyone = _get(client, "/v1/campaigns", VIEWER, limit=1000)
    theirs = _get(client, "/v1/campaigns", TRAIL, limit=1000)
    assert theirs == [c for c in everyone if c["brand_id"] == TRAILHEAD] != []
    two = _get(client, "/v1/campaigns", TWO, limit=1000)
    assert two == [c for c in everyone if c["brand_id"] in (TRAILHEAD, EMBEROAK)]
    assert {c["brand_id"] for c in two} == {TRAILHEAD, EMBEROAK}
    # paging a limited listing pages the brand's campaigns only
    paged = [_get(client, "/v1/campaigns", TWO, limit=2, offset=o) for o in range(0, len(two), 2)]
    assert [c for page in paged for c in page] == two

    error = assert_error(
        client.get("/v1/campaigns", params={"brand_id": EMBEROAK}, headers=TRAIL),
        403,
        "brand_forbidden",
    )
    assert EMBEROAK in str(error["message"])
    other = next(c["id"] for c in everyone if c["brand_id"] == EMBEROAK)
    own = theirs[0]["id"]
    # another brand's campaign is "not found", like one that does not exist
    missing = assert_error(
        client.get(f"/v1/campaigns/{other}/trend", headers=TRAIL), 404, "not_found"
    )
    absent = assert_error(
        client.get("/v1/campaigns/cmp-nope/trend", headers=TRAIL), 404, "not_found"
    )
    assert str(missing["message"]).replace(other, "X") == str(absent["message"]).replace(
        "cmp-nope", "X"
    )
    assert _get(client, f"/v1/campaigns/{own}/trend", TRAIL)["dates"]
    assert _get(client, "/v1/me", TRAIL)["brands"] == [TRAILHEAD]


# -- alerts ------------------------------------------------------------------------------------
def _alert(store: GraphStore, alert_id: str, brand_id: str | None, **props: Any) -> None:
    """An alert written the way the agents write them: produced by a decision."""
    record_alerts(
        store,
        [
            AlertDraft(
                id=alert_id,
                kind=props.pop("kind", "sla_breach"),
                severity=props.pop("severity", "warning"),
                subject=props.pop("subject", NodeRef(label=Label.BRAND, id=brand_id or TRAILHEAD)),
                message=f"alert {alert_id}",
                properties={**({"brand_id": brand_id} if brand_id else {}), **props},
            )
        ],
        kind="sla_alert",
        agent="sla-monitor",
        algorithm="test",
        rationale="raised by the test",
        inputs={"brand_id": brand_id} if brand_id else {},
    )


def test_alerts_are_listed_newest_first_within_the_keys_brands(
    client: httpx.Client, demo: GraphStore
) -> None:
    assert _get(client, "/v1/alerts", VIEWER) == []
    trail_campaign = next(
        n for n in demo.list_nodes(Label.CAMPAIGN, 1000) if n.id.startswith("cmp-trailhead")
    )
    _alert(demo, "alert-a-trail", TRAILHEAD, severity="critical")
    _alert(demo, "alert-b-ember", EMBEROAK)
    # no brand_id of its own: its brand is its campaign's
    _alert(
        demo,
        "alert-c-via-campaign",
        None,
        campaign_id=trail_campaign.id,
        subject=trail_campaign.ref,
        kind="kpi",
    )
    _alert(demo, "alert-d-ledger", LEDGERLINE)
    # no brand to be told: only keys that see every brand see it
    _alert(demo, "alert-e-nobody", None, subject=NodeRef(label=Label.CHANNEL, id="ch-email"))
    resolved = demo.update_if(
        NodeRef(label=Label.ALERT, id="alert-d-ledger"), {"status": "open"}, {"status": "resolved"}
    )
    assert isinstance(resolved, Node)

    every = _get(client, "/v1/alerts", VIEWER)
    assert [a["id"] for a in every] == [
        "alert-e-nobody",
        "alert-d-ledger",
        "alert-c-via-campaign",
        "alert-b-ember",
        "alert-a-trail",
    ]
    created = [a["created_at"] for a in every]
    assert created == sorted(created, reverse=True)
    by_id = {a["id"]: a for a in every}
    assert by_id["alert-a-trail"] | {"properties": None} == {
        "id": "alert-a-trail",
        "node_id": "Alert:alert-a-trail",
        "kind": "sla_breach",
        "severity": "critical",
        "status": "open",
        "message": "alert alert-a-trail",
        "brands": [TRAILHEAD],
        "plan_id": None,
        "subject": f"Brand:{TRAILHEAD}",
        "created_at": by_id["alert-a-trail"]["created_at"],
        "properties": None,
    }
    assert by_id["alert-c-via-campaign"]["brands"] == [TRAILHEAD]
    assert by_id["alert-e-nobody"]["brands"] == []
    assert by_id["alert-d-ledger"]["status"] == "resolved"

    # filters: status, brand, limit
    open_ids = [a["id"] for a in _get(client, "/v1/alerts", VIEWER, status="open")]
    assert "alert-d-ledger" not in open_ids and len(open_ids) == 4
    assert [a["id"] for a in _get(client, "/v1/alerts", VIEWER, brand_id=TRAILHEAD)] == [
        "alert-c-via-campaign",
        "alert-a-trail",
    ]
    assert [a["id"] for a in _get(client, "/v1/alerts", VIEWER, limit=2)] == [
        "alert-e-nobody",
        "alert-d-ledger",
    ]

    # limited keys: their brands' alerts only, and a 403 for naming another brand
    assert [a["id"] for a in _get(client, "/v1/alerts", TRAIL)] == [
        "alert-c-via-campaign",
        "alert-a-trail",
    ]
    assert [a["id"] for a in _get(client, "/v1/alerts", TWO)] == [
        "alert-c-via-campaign",
        "alert-b-ember",
        "alert-a-trail",
    ]
    assert [a["id"] for a in _get(client, "/v1/alerts", TWO, brand_id=EMBEROAK)] == [
        "alert-b-ember"
    ]
    assert_error(
        client.get("/v1/alerts", params={"brand_id": LEDGERLINE}, headers=TRAIL),
        403,
        "brand_forbidden",
    )
    assert_error(
        client.get("/v1/alerts", params={"limit": 0}, headers=VIEWER), 422, "invalid_request"
    )
    assert_error(client.get("/v1/alerts"), 401, "unauthorized")


# -- the console's files ----------------------------------------------------------------------
@pytest.fixture
def bare_client(embedded_store: GraphStore, tmp_path: Path) -> Iterator[httpx.Client]:
    with serve(embedded_store, tmp_path, KEYS) as http:
        yield http


def _referenced(text: str) -> list[str]:
    """Files a page or module names: src/href attributes and relative ES imports."""
    found = re.findall(r'(?:src|href)="(static/[^"]+)"', text)
    found += re.findall(r'from\s+"\./([^"]+)"', text)
    return found


def test_the_console_is_served_with_its_files_and_no_key(bare_client: httpx.Client) -> None:
    root = bare_client.get("/", follow_redirects=False)
    assert root.status_code in (302, 303, 307) and root.headers["location"] == "console/"
    assert bare_client.get("/console", follow_redirects=True).url.path == "/console/"

    page = bare_client.get("/console/")
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "connect-src 'self'" in csp
    assert "http" not in csp  # nothing from elsewhere
    assert page.headers["x-content-type-options"] == "nosniff"
    assert 'id="login-form"' in page.text

    referenced = _referenced(page.text)
    assert "static/vendor/cytoscape.min.js" in referenced
    assert "static/vendor/chart.umd.min.js" in referenced
    assert "static/js/app.js" in referenced
    types = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}
    modules = []
    for path in referenced:
        r = bare_client.get(f"/console/{path}")
        assert r.status_code == 200, path
        assert r.headers["content-type"].startswith(types[Path(path).suffix]), path
        if path.startswith("static/js/"):
            modules.append(path)
    # every module the app imports, transitively, is there
    seen: set[str] = set()
    while modules:
        path = modules.pop()
        if path in seen:
            continue
        seen.add(path)
        r = bare_client.get(f"/console/{path}")
        assert r.status_code == 200, path
        assert r.headers["content-type"].startswith("text/javascript"), path
        modules += [f"static/js/{name}" for name in _referenced(r.text)]
        assert not re.search(r"[\"'`]https?://", r.text), f"{path} calls out to a URL"
    assert {"static/js/app.js", "static/js/api.js", "static/js/lineage.js"} <= seen

    # nothing outside the folder, and no file that is not there
    for path in (
        "../__init__.py",
        "%2e%2e/__init__.py",
        "..%2f__init__.py",
        "js/../../__init__.py",
        "nope.js",
        "",
    ):
        r = bare_client.get(f"/console/static/{path}")
        assert r.status_code == 404, path
        assert "STATIC_DIR" not in r.text
    vendor = bare_client.get("/console/static/vendor/README.md")
    assert vendor.status_code == 200 and "cytoscape" in vendor.text


def test_the_console_stays_out_of_the_openapi_schema(bare_client: httpx.Client) -> None:
    paths = bare_client.get("/openapi.json").json()["paths"]
    assert not [p for p in paths if p == "/" or p.startswith("/console")]
    for path in ("/v1/me", "/v1/brands", "/v1/campaigns", "/v1/campaigns/{campaign_id}/trend"):
        assert "get" in paths[path], path
    assert "get" in paths["/v1/alerts"]
    assert "get" in paths["/v1/campaigns/{campaign_id}/context"]


def test_every_console_file_is_packaged() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["api.console"]
    package = STATIC_DIR.parent
    files = [p for p in STATIC_DIR.rglob("*") if p.is_file()]
    assert len(files) >= 12
    for file in files:
        relative = file.relative_to(package).as_posix()
        assert any(
            fnmatch.fnmatch(relative, pattern) and relative.count("/") == pattern.count("/")
            for pattern in patterns
        ), f"{relative} is not in [tool.setuptools.package-data] api.console"
