"""docs/neo4j-browser.md, followed in Chromium against the test suite's Neo4j server.

Connect with ``bolt://`` and "No authentication", paste MarketGraph's ``:style`` line,
set ``$id`` and run ``allocation-to-evidence`` from docs/lineage.md: the picture holds the
allocation's own two curves (not the brand's many), captioned by names and kinds, with
each label in its colour. Screenshots go to the test artifacts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

import migrations
from agents.orchestrator.gates import decide, find_gate
from agents.orchestrator.policy import ApprovalPolicy
from agents.planner.plan import PlanRequest, make_plan
from api.browser_style import grass, style_command
from demo import dataset_parts, generate
from ingest import ingest
from tests.browser.conftest import ARTIFACTS
from tests.conftest import Neo4jConnection, clear_neo4j, open_neo4j_store

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = [pytest.mark.integration, pytest.mark.browser, pytest.mark.neo4j]

DOCS = Path(__file__).resolve().parents[2] / "docs"
_BLOCK = re.compile(r"```cypher\n// (?P<name>[a-z0-9-]+)\n(?P<query>.*?)```", re.DOTALL)


@pytest.fixture(scope="module")
def planned(neo4j_connection: Neo4jConnection) -> Iterator[tuple[Neo4jConnection, Any]]:
    if neo4j_connection.http_uri is None:
        pytest.skip("Neo4j Browser needs the session's own Neo4j (MARKETGRAPH_NEO4J_URI is set)")
    store = open_neo4j_store(neo4j_connection)
    try:
        clear_neo4j(store)
        migrations.apply_pending(store)
        ingest(store, dataset_parts(generate(seed=7, outcome_rows=3000)))
        request = PlanRequest(
            brand_id="brand-trailhead",
            budget=Decimal("30000.00"),
            start_date="2026-12-01",  # type: ignore[arg-type]
            end_date="2026-12-31",  # type: ignore[arg-type]
        )
        plan = make_plan(store, request, requested_by="pat")
        decide(
            store,
            find_gate(store, plan.decision_id, ApprovalPolicy()),
            "approved",
            "sam",
            "approver",
            "looks right",
        )
        yield neo4j_connection, plan
    finally:
        store.close()


def _run(page: Page, command: str) -> None:
    frames = page.get_by_test_id("frame").count()
    page.get_by_test_id("activeEditor").click()
    page.keyboard.insert_text(command)
    page.get_by_test_id("editor-Run").click()
    page.wait_for_function(
        f"() => document.querySelectorAll('[data-testid=frame]').length > {frames}"
    )


def test_the_guide_connects_styles_and_draws_an_allocations_lineage(
    browser: Browser, planned: tuple[Neo4jConnection, Any]
) -> None:
    from playwright.sync_api import expect

    connection, plan = planned
    assert connection.http_uri is not None
    folder = ARTIFACTS / "neo4j_browser"
    folder.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    crashes: list[str] = []
    page.on("pageerror", lambda e: crashes.append(str(e)))
    try:
        # 2. connect: bolt:// and the printed address, "No authentication"
        page.goto(f"{connection.http_uri}/browser/")
        page.get_by_test_id("bolt-scheme-select").select_option("bolt://")
        page.get_by_test_id("boltaddress").fill(connection.uri.removeprefix("bolt://"))
        page.get_by_test_id("authenticationMethod").select_option(label="No authentication")
        page.screenshot(path=str(folder / "01-connect-form.png"))
        page.get_by_test_id("connect").click()
        connected = page.get_by_text(re.compile("You are connected to|have a working connection"))
        expect(connected.first).to_be_visible(timeout=60_000)
        page.screenshot(path=str(folder / "02-connected.png"))

        # 3. the style, as one pasted line
        command = style_command()
        assert "\n" not in command and command.startswith(":style node {")
        _run(page, command)

        # 4. the allocation's lineage
        queries = {
            m["name"]: m["query"]
            for m in _BLOCK.finditer((DOCS / "lineage.md").read_text(encoding="utf-8"))
        }
        line = plan.lines[0]
        _run(page, f":param id => '{line.allocation_id}'")
        _run(page, queries["allocation-to-evidence"].strip())
        page.wait_for_selector("svg g.node", state="attached")
        page.wait_for_timeout(1500)  # the force layout settles
        page.screenshot(path=str(folder / "03-allocation-to-evidence.png"))
        assert not crashes, crashes
        assert "Something went wrong" not in page.locator("body").inner_text()

        nodes = page.evaluate(
            """() => Array.from(document.querySelectorAll('svg g.node')).map(g => ({
                 text: Array.from(g.querySelectorAll('text')).map(t => t.textContent.trim())
                         .join(' '),
                 fills: Array.from(g.querySelectorAll('circle'))
                         .map(c => (c.getAttribute('fill') || '').toUpperCase()),
               }))"""
        )
        # allocation, decision, agent, the line's two curves, its channel and audience
        assert len(nodes) == 7, nodes
        captions = " | ".join(n["text"] for n in nodes)
        assert "planner" in captions  # the agent
        assert "plan" in captions  # the decision, by its kind
        assert line.channel_id[:6] in captions  # allocation and curves, by channel
        assert not re.search(r"\b(alloc|rc|dec)_[0-9a-f]{6}", captions), captions
        colours = {f for n in nodes for f in n["fills"]}
        expected = _colours(grass())
        for label in ("Decision", "ResponseCurve", "Allocation", "Agent"):
            assert expected[label] in colours, (label, colours)
    finally:
        context.close()


def _colours(text: str) -> dict[str, str]:
    """Label -> colour of each ``node.Label`` rule of the style."""
    return {
        m["label"]: m["colour"].upper()
        for m in re.finditer(
            r"node\.(?P<label>\w+) \{[^}]*?color: (?P<colour>#[0-9A-Fa-f]{6})", text
        )
    }
