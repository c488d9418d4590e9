"""Fixtures of the browser tests: Debian's chromium driven by Playwright, a real server
over demo data per test module (its worker running), keys of every role, and a page that
fails its test on any JavaScript error. Screenshots go to ``MARKETGRAPH_TEST_ARTIFACTS``
(default ``tests/browser/artifacts/``).

Needs Playwright for Python and Debian's ``chromium`` (no ``playwright install``): without
them the tests skip, unless ``MARKETGRAPH_REQUIRE_BROWSER=1`` makes that a failure.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

import migrations
from agents.orchestrator.clock import ManualClock
from demo import dataset_parts, generate
from graph.embedded import EmbeddedGraphStore
from graph.models import NodeRef
from graph.schema import Label
from ingest import ingest
from reports.alerts import AlertDraft, record_alerts
from tests.integration.http_server import serve

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Error, Page

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
    "plan-key-123-secret": "planner",
    "appr-key-123-secret": "approver",
    "admin-key-123-secret": "admin",
    "view-key-123-secret": "viewer",
}
PLANNER = {"Authorization": "Bearer plan-key-123-secret"}
ADMIN = {"Authorization": "Bearer admin-key-123-secret"}
BRAND = "brand-trailhead"
TODAY = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # the console server's clock
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
    clock: ManualClock  # the server's: 2026-12-01 unless a test moves it


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    data_dir = tmp_path_factory.mktemp("console")
    graph = EmbeddedGraphStore(data_dir / "graph.sqlite")
    try:
        migrations.apply_pending(graph)
        ingest(graph, dataset_parts(generate(seed=7, outcome_rows=3000)))
        clock = ManualClock(TODAY)
        with serve(graph, data_dir, KEYS, worker_seconds=0.5, clock=clock) as http:
            yield Console(str(http.base_url), http, graph, data_dir / "api-keys.json", clock)
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


def create_plan(console: Console, headers: dict[str, str], **changes: Any) -> dict[str, Any]:
    r = console.http.post("/v1/plans", json={**REQUEST, **changes}, headers=headers)
    assert r.status_code == 200, r.text
    plan: dict[str, Any] = r.json()
    assert plan["status"] == "pending_approval"
    return plan


def raise_alert(console: Console, plan: dict[str, Any]) -> None:
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


def log_in(s: Session, console: Console, key: str) -> None:
    from playwright.sync_api import expect

    page = s.page
    if not page.url.startswith(console.url):
        page.goto(f"{console.url}/console/")
    expect(page.locator("#login")).to_be_visible()
    page.fill("#api-key", key)
    page.click("#login-form button[type=submit]")
    expect(page.locator("#login")).to_be_hidden()
