"""The web console in headless Chromium, against a real server over demo data.

An approver logs in with a key, approves a plan waiting at its gate in the approval
queue, opens the plan's lineage (drawn by Cytoscape.js) and re-roots it on the approval,
then charts a campaign's KPI trend; refusals (a wrong key, a revoked key, approving
one's own plan) show the server's message. Screenshots of every step go to
``MARKETGRAPH_TEST_ARTIFACTS`` (default ``tests/browser/artifacts/``).

Needs Playwright for Python and Debian's ``chromium`` (no ``playwright install``): without
them the tests skip, unless ``MARKETGRAPH_REQUIRE_BROWSER=1`` makes that a failure.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

import migrations
from api.auth import create_key, revoke_key
from api.cli import dataset_parts
from demo import generate
from graph.embedded import EmbeddedGraphStore
from graph.models import NodeRef, OutcomeQuery
from graph.schema import Label
from ingest import ingest
from reports.alerts import AlertDraft, record_alerts
from tests.integration.http_server import serve

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Error, Page

pytestmark = [pytest.mark.integration, pytest.mark.browser]

CHROMIUM = Path(os.environ.get("MARKETGRAPH_CHROMIUM", "/usr/bin/chromium"))
# Without the background-networking flags, Chromium keeps trying to reach Google's
# services from a closed network and misbehaves.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(
    os.environ.get("MARKETGRAPH_TEST_ARTIFACTS") or Path(__file__).parent / "artifacts"
)
TIMEOUT_MS = 20_000

KEYS = {
    "plan-key-123": "planner",
    "appr-key-123": "approver",
    "admin-key-123": "admin",
    "view-key-123": "viewer",
}
PLANNER = {"Authorization": "Bearer plan-key-123"}
ADMIN = {"Authorization": "Bearer admin-key-123"}
BRAND = "brand-trailhead"
REQUEST: dict[str, Any] = {
    "brand_id": BRAND,
    "budget": 30_000,
    "start_date": "2026-07-01",
    "end_date": "2026-07-14",
}


def _required() -> bool:
    return os.environ.get("MARKETGRAPH_REQUIRE_BROWSER", "").strip().lower() in {"1", "true", "yes"}


def _no_browser(reason: str) -> None:
    """Skip (or fail, under ``MARKETGRAPH_REQUIRE_BROWSER=1``) without a browser."""
    if _required():
        pytest.fail(f"MARKETGRAPH_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(f"browser tests need Playwright and Debian's chromium: {reason}")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _no_browser("playwright is not installed (pip install -e '.[dev]')")
    if not CHROMIUM.exists():
        _no_browser(f"{CHROMIUM} is missing (apt-get install chromium)")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@dataclass
class Console:
    """The running service: its URL, an HTTP client, the graph and the key file."""

    url: str
    http: httpx.Client
    graph: EmbeddedGraphStore
    key_file: Path


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    data_dir = tmp_path_factory.mktemp("console")
    graph = EmbeddedGraphStore(data_dir / "graph.sqlite")
    try:
        migrations.apply_pending(graph)
        ingest(graph, dataset_parts(generate(seed=7, outcome_rows=3000)))
        with serve(graph, data_dir, KEYS) as http:
            yield Console(str(http.base_url), http, graph, data_dir / "api-keys.json")
    finally:
        graph.close()


@dataclass
class Session:
    """A page with its screenshots and the browser errors seen on it."""

    page: Page
    folder: Path
    expected_statuses: set[int]
    errors: list[str] = field(default_factory=list)
    step: int = 0

    def shot(self, name: str) -> Path:
        self.step += 1
        path = self.folder / f"{self.step:02d}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        # Chromium logs every 4xx answer as a console error; the refusals a test provokes
        # on purpose are not JavaScript errors, anything else is.
        known = re.match(r"Failed to load resource: .*status of (\d{3})", message.text)
        if known and int(known.group(1)) in self.expected_statuses:
            return
        self.errors.append(f"console.error: {message.text} ({message.location})")

    def on_page_error(self, error: Error) -> None:
        self.errors.append(f"uncaught: {error}")


@pytest.fixture
def session(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Session]:
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", request.node.name)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    s = Session(page=page, folder=folder, expected_statuses=set())
    page.on("console", s.on_console)
    page.on("pageerror", s.on_page_error)
    try:
        yield s
    finally:
        context.close()
    assert s.errors == [], "the console had browser errors:\n" + "\n".join(s.errors)


def _create_plan(console: Console, headers: dict[str, str]) -> dict[str, Any]:
    r = console.http.post("/v1/plans", json=REQUEST, headers=headers)
    assert r.status_code == 200, r.text
    plan: dict[str, Any] = r.json()
    assert plan["status"] == "pending_approval"
    return plan


def _raise_alert(console: Console, plan: dict[str, Any]) -> None:
    """A drift alert on the plan, written as the agents write alerts (by a decision)."""
    record_alerts(
        console.graph,
        [
            AlertDraft(
                id="alert-console-drift",
                kind="drift",
                severity="critical",
                subject=NodeRef(label=Label.PLAN, id=plan["id"]),
                message="ROAS fell to half of the curve on ch-meta",
                properties={"brand_id": BRAND, "plan_id": plan["id"]},
            )
        ],
        kind="drift_alert",
        agent="validation",
        algorithm="test",
        rationale="raised by the browser test",
        inputs={"brand_id": BRAND, "plan_id": plan["id"]},
    )


def _log_in(s: Session, console: Console, key: str) -> None:
    from playwright.sync_api import expect

    page = s.page
    if not page.url.startswith(console.url):
        page.goto(f"{console.url}/console/")
    expect(page.locator("#login")).to_be_visible()
    page.fill("#api-key", key)
    page.click("#login-form button[type=submit]")
    expect(page.locator("#login")).to_be_hidden()


def test_an_approver_approves_a_plan_and_follows_its_lineage(
    session: Session, console: Console
) -> None:
    from playwright.sync_api import expect

    plan = _create_plan(console, PLANNER)
    _raise_alert(console, plan)
    page, s = session.page, session
    s.expected_statuses = {401}

    # the service's root opens the console, which asks for a key
    page.goto(console.url + "/")
    assert page.url == f"{console.url}/console/"
    expect(page.locator("#login")).to_be_visible()
    s.shot("login")

    # a wrong key: the login again, with the server's message
    page.fill("#api-key", "not-a-key")
    page.click("#login-form button[type=submit]")
    expect(page.locator("#login-message")).to_have_text("invalid API key")
    s.shot("wrong-key")

    _log_in(s, console, "appr-key-123")
    expect(page.locator("#whoami")).to_contain_text("approver")
    expect(page.locator("#whoami")).to_contain_text("every brand")
    assert page.evaluate("sessionStorage.getItem('marketgraph.key')") == "appr-key-123"

    # the plan waits in the queue; approving it there changes its status in page and graph
    page.click("#nav a[data-view=approvals]")
    gate = page.locator(f"article.gate[data-decision='{plan['decision_id']}']")
    expect(gate).to_be_visible()
    expect(gate).to_contain_text(f"Plan:{plan['id']}")
    expect(gate.locator(".status-cell")).to_have_text("waiting")
    waiting = console.http.get("/v1/approvals", headers=ADMIN).json()
    expect(page.locator("#queue-count")).to_have_text(str(len(waiting)))
    s.shot("approval-queue")
    gate.locator("input.comment").fill("fits the summer push")
    gate.get_by_role("button", name="Approve").click()
    expect(gate.locator(".status-cell")).to_have_text("approved")
    expect(gate).to_contain_text("Approved by env-key-2")
    expect(gate.get_by_role("button", name="Approve")).to_be_disabled()
    s.shot("approved")
    stored = console.graph.get_node(NodeRef(label=Label.PLAN, id=plan["id"]))
    assert stored is not None and stored.properties["status"] == "approved"
    verdicts = console.http.get(f"/v1/plans/{plan['id']}", headers=ADMIN).json()["approvals"]
    assert [(v["approver"], v["verdict"], v["comment"]) for v in verdicts] == [
        ("env-key-2", "approved", "fits the summer push")
    ]

    # its lineage: the plan, the decision that produced it and the approval, drawn
    gate.get_by_role("link", name="Lineage", exact=True).click()
    page.wait_for_function(
        "() => window.__mgCy && window.__mgCy.nodes().length > 0 && "
        f"window.__mgCy.getElementById('Plan:{plan['id']}').nonempty()"
    )
    drawn: list[str] = page.evaluate("window.__mgCy.nodes().map(n => n.id())")
    lineage = console.http.get(
        f"/v1/lineage/Plan:{plan['id']}", params={"direction": "up", "depth": 2}, headers=ADMIN
    ).json()
    by_label: dict[str, list[str]] = {}
    for n in lineage["nodes"]:
        by_label.setdefault(n["label"], []).append(n["node_id"])
    [approval_id] = by_label["Approval"]
    [decision_node] = by_label["Decision"]
    assert decision_node == f"Decision:{plan['decision_id']}"
    for node_id in (f"Plan:{plan['id']}", decision_node, approval_id):
        assert node_id in drawn, f"{node_id} is not drawn"
    # every node of the lineage is drawn, alone or in a group of look-alikes
    grouped: list[str] = page.evaluate(
        "window.__mgCy.nodes().filter(n => n.data('members')).map(n => n.data('members')).flat()"
    )
    assert sorted(set(drawn) - {i for i in drawn if i.startswith("group:")} | set(grouped)) == (
        sorted(n["node_id"] for n in lineage["nodes"])
    )
    rendered = page.evaluate(
        "window.__mgCy.nodes().filter(n => n.renderedBoundingBox().w > 4).length"
    )
    assert rendered == len(drawn)
    edges = page.evaluate("window.__mgCy.edges().map(e => e.data('type'))")
    assert "APPROVES" in edges and "PRODUCED" in edges
    s.shot("lineage")

    # clicking a node shows its properties; re-rooting draws the lineage of that node
    page.evaluate(f"window.__mgCy.getElementById('{approval_id}').emit('tap')")
    side = page.locator("aside.side")
    expect(side.locator("h2")).to_have_text("Approval")
    expect(side).to_contain_text("fits the summer push")
    side.get_by_role("button", name="Re-root here").click()
    expect(page.locator(".root-id")).to_have_text(approval_id)
    page.wait_for_function(
        f"() => window.__mgCy && window.__mgCy.getElementById('{approval_id}').hasClass('root')"
    )
    s.shot("lineage-rerooted")
    # what the approval led to: the decision it approves and the plan that decision produced
    side.get_by_role("button", name="Its effects ↓").click()
    page.wait_for_function(
        f"() => window.__mgCy && window.__mgCy.getElementById('{decision_node}').nonempty()"
    )
    assert page.evaluate(f"window.__mgCy.getElementById('Plan:{plan['id']}').nonempty()")
    s.shot("lineage-effects")

    # the plans list, then the plan's page: the verdict and its versions
    page.click("#nav a[data-view=plans]")
    listed = page.locator(f"tr[data-plan='{plan['id']}']")
    expect(listed).to_contain_text("approved")
    page.select_option("#status-select", "pending_approval")
    expect(listed).to_have_count(0)
    page.select_option("#status-select", "approved")
    listed.get_by_role("link", name=re.compile("plan_")).click()
    expect(page.locator(".plan-status")).to_have_text("approved")
    expect(page.locator("tr[data-version='1']")).to_contain_text("approved")
    expect(page.locator("tr[data-allocation]")).to_have_count(len(plan["allocations"]))
    expect(page.locator(".verdict-box")).to_have_count(0)
    s.shot("plan")

    # campaigns: a brand's campaigns with totals, and the chosen one's daily trend charted
    page.click("#nav a[data-view=campaigns]")
    page.select_option("#brand-select", BRAND)
    campaign_id = "cmp-trailhead-0001"
    row = page.locator(f"tr[data-campaign='{campaign_id}']")
    row.click()
    expect(row).to_have_class(re.compile(r"\bselected\b"))
    page.wait_for_function(
        "() => window.__mgChart && window.__mgChart.data.labels.length > 0 && "
        "window.__mgChart.canvas.id === 'trend-chart'"
    )
    keys = console.graph.outcome_keys(OutcomeQuery(campaign_ids=[campaign_id]))
    outcomes = console.graph.get_nodes([NodeRef(label=Label.OUTCOME, id=k.id) for k in keys])
    assert outcomes
    days = {str(o.properties["date"])[:10] for o in outcomes}
    spend = sum(float(o.properties.get("spend") or 0) for o in outcomes)
    labels: list[str] = page.evaluate("window.__mgChart.data.labels")
    assert set(labels) >= days and labels[0] == min(days) and labels[-1] == max(days)
    charted = page.evaluate(
        "window.__mgChart.data.datasets.find(d => d.label === 'Spend').data"
        ".reduce((a, b) => a + (b || 0), 0)"
    )
    assert charted == pytest.approx(spend, abs=0.01 * len(days))
    painted = page.evaluate(
        """() => {
          const c = document.getElementById('trend-chart');
          const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          let n = 0;
          for (let i = 3; i < px.length; i += 4) if (px[i] > 0) n++;
          return n;
        }"""
    )
    assert painted > 5_000, "the chart drew next to nothing"
    s.shot("campaigns")

    # alerts: what the validation agent raised about the plan, newest first
    page.click("#nav a[data-view=alerts]")
    alert = page.locator("tr[data-alert='alert-console-drift']")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("ROAS fell to half of the curve")
    expect(alert.get_by_role("link", name="plan")).to_have_attribute(
        "href", f"#/plans/{plan['id']}"
    )
    s.shot("alerts")
    alert.get_by_role("link", name="Why?").click()
    page.wait_for_function(
        "() => window.__mgCy && "
        "window.__mgCy.getElementById('Alert:alert-console-drift').hasClass('root')"
    )
    assert page.evaluate("window.__mgCy.nodes().length") >= 2  # the alert and its decision


def test_refusals_show_the_servers_message(session: Session, console: Console) -> None:
    from playwright.sync_api import expect

    page, s = session.page, session
    s.expected_statuses = {401, 403}

    # an admin may approve, but not a plan of their own: the 403 is shown inline
    own = _create_plan(console, ADMIN)
    _log_in(s, console, "admin-key-123")
    page.goto(f"{console.url}/console/#/plans/{own['id']}")
    box = page.locator(".verdict-box")
    box.get_by_role("button", name="Approve").click()
    error = box.locator(".error")
    expect(error).to_have_attribute("data-code", "self_approval")
    expect(error).to_contain_text("Refused:")
    expect(page.locator(".plan-status")).to_have_text("pending approval")
    s.shot("self-approval-refused")
    stored = console.graph.get_node(NodeRef(label=Label.PLAN, id=own["id"]))
    assert stored is not None and stored.properties["status"] == "pending_approval"

    # a viewer sees the queue but no buttons
    page.click("#logout")
    expect(page.locator("#login-message")).to_have_text("Logged out.")
    _log_in(s, console, "view-key-123")
    page.click("#nav a[data-view=approvals]")
    gate = page.locator(f"article.gate[data-decision='{own['decision_id']}']")
    expect(gate).to_be_visible()
    expect(gate.get_by_role("button", name="Approve")).to_have_count(0)
    expect(page.locator(".note")).to_contain_text("may read the queue but not decide")
    s.shot("viewer-queue")

    # a key revoked while in use: the next call shows the login with the reason
    page.click("#logout")
    key = create_key(console.key_file, "viewer", "kiosk", brands=[BRAND])
    _log_in(s, console, key)
    expect(page.locator("#whoami")).to_contain_text(BRAND)
    page.click("#nav a[data-view=campaigns]")
    expect(page.locator("#brand-select option")).to_have_count(1)
    expect(page.locator("tr[data-campaign]").first).to_be_visible()
    shown = page.locator("tr[data-campaign]").evaluate_all(
        "rows => rows.map(r => r.dataset.campaign)"
    )
    assert shown and all(c.startswith("cmp-trailhead-") for c in shown)
    revoke_key(console.key_file, "kiosk")
    page.click("#nav a[data-view=alerts]")
    expect(page.locator("#login")).to_be_visible()
    expect(page.locator("#login-message")).to_have_text("invalid API key")
    assert page.evaluate("sessionStorage.getItem('marketgraph.key')") is None
    s.shot("revoked-key")
