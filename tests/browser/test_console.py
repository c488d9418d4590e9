"""The web console in headless Chromium, against a real server over demo data.

An approver logs in with a key, approves a plan waiting at its gate in the approval
queue, opens the plan's lineage (a summary first, then drawn by Cytoscape.js) and re-roots
it on the approval, then charts a campaign's KPI trend; refusals (a wrong key, a revoked
key, approving one's own plan) show the server's message. Fixtures: ``conftest.py``.
"""

from __future__ import annotations

import re

import pytest

from api.auth import create_key, revoke_key
from graph.models import NodeRef, OutcomeQuery
from graph.schema import Label
from tests.browser.conftest import (
    ADMIN,
    BRAND,
    PLANNER,
    Console,
    Session,
    create_plan,
    log_in,
    raise_alert,
)

pytestmark = [pytest.mark.integration, pytest.mark.browser]


def test_an_approver_approves_a_plan_and_follows_its_lineage(
    session: Session, console: Console
) -> None:
    from playwright.sync_api import expect

    plan = create_plan(console, PLANNER)
    raise_alert(console, plan)
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

    log_in(s, console, "appr-key-123-secret")
    expect(page.locator("#whoami")).to_contain_text("approver")
    expect(page.locator("#whoami")).to_contain_text("every brand")
    assert page.evaluate("sessionStorage.getItem('marketgraph.key')") == "appr-key-123-secret"

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

    # its lineage opens on a summary: the decision and the approval listed, audit fields
    # folded under "details"; then the graph: the plan, its decision and the approval drawn
    gate.get_by_role("link", name="Lineage", exact=True).click()
    summary = page.locator("#lineage-summary")
    expect(summary.locator("section[data-label='Decision'] li")).to_have_count(1)
    approvals = summary.locator("section[data-label='Approval'] li")
    expect(approvals).to_have_count(1)
    expect(approvals).to_contain_text("approved by env-key-2")
    expect(approvals).to_contain_text("fits the summer push")
    expect(summary.locator(".summary-root h2")).to_contain_text("v1 approved")
    expect(summary.locator(".summary-root > dl.props")).to_contain_text("budget")
    s.shot("lineage-summary")
    # the decision, re-rooted from the summary: its audit fields are folded under "details"
    summary.locator("section[data-label='Decision'] li a").click()
    expect(page.locator(".root-id")).to_have_text(f"Decision:{plan['decision_id']}")
    facts = summary.locator(".summary-root > dl.props")
    expect(facts).to_contain_text("planner")
    assert "audit_hash" not in facts.inner_text()
    folded = summary.locator(".summary-root details.tech-details")
    expect(folded.locator("dt", has_text="audit_hash")).to_be_hidden()
    folded.locator("summary").click()
    expect(folded.locator("dt", has_text="audit_hash")).to_be_visible()
    expect(folded.locator("dt", has_text="audit_prev")).to_be_visible()
    s.shot("lineage-decision-details")
    page.go_back()
    expect(page.locator(".root-id")).to_have_text(f"Plan:{plan['id']}")
    page.click("#tab-graph")
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
    # the audit chain's fields are there, folded under "details"
    expect(side.locator("details.tech-details dt", has_text="audit_hash")).to_be_hidden()
    assert "audit_hash" not in side.locator(":scope > dl.props").inner_text()
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
    listed.locator("a.plan-name").click()
    expect(page.locator(".plan-status")).to_have_text("approved")
    expect(page.locator("tr[data-version='1']")).to_contain_text("approved")
    expect(page.locator("tr[data-allocation]")).to_have_count(len(plan["allocations"]))
    expect(page.locator(".verdict-box")).to_have_count(0)
    s.shot("plan")

    # campaigns: a brand's campaigns with totals, and the chosen one's daily trend charted
    page.click("#nav a[data-view=campaigns]")
    page.select_option("#brand-select", BRAND)
    campaign_id = "cmp-trailhead-0001"
    page.fill("#campaign-search", campaign_id)
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
    why = page.locator("#lineage-summary section[data-label='Decision'] li")
    expect(why).to_have_count(1)
    expect(why).to_contain_text("by validation")
    page.click("#tab-graph")
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
    own = create_plan(console, ADMIN)
    log_in(s, console, "admin-key-123-secret")
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
    log_in(s, console, "view-key-123-secret")
    page.click("#nav a[data-view=approvals]")
    gate = page.locator(f"article.gate[data-decision='{own['decision_id']}']")
    expect(gate).to_be_visible()
    expect(gate.get_by_role("button", name="Approve")).to_have_count(0)
    expect(page.locator(".note")).to_contain_text("may read the queue but not decide")
    s.shot("viewer-queue")

    # a key revoked while in use: the next call shows the login with the reason
    page.click("#logout")
    key = create_key(console.key_file, "viewer", "kiosk", brands=[BRAND])
    log_in(s, console, key)
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


def test_a_plan_handed_over_before_its_first_day_shows_scheduled_for_that_day(
    session: Session, console: Console
) -> None:
    from playwright.sync_api import expect

    plan = create_plan(console, PLANNER, start_date="2027-03-01", end_date="2027-03-31")
    http = console.http
    assert http.post(f"/v1/plans/{plan['id']}/approve", json={}, headers=ADMIN).status_code == 200
    executed = http.post(f"/v1/plans/{plan['id']}/execute", headers=PLANNER)
    assert executed.status_code == 200, executed.text
    assert executed.json()["scheduled_for"] == "2027-03-01"

    page, s = session.page, session
    log_in(s, console, "view-key-123-secret")
    page.goto(f"{console.url}/console/#/plans/{plan['id']}")
    expect(page.locator("#plan-run-state")).to_have_text(re.compile(r"^scheduled for "))
    expect(page.locator("#plan-run-state")).to_contain_text("2027")
    s.shot("plan-scheduled")
    # the list says what the plan's page says (its run status, not the stored "executing")
    page.click("#nav a[data-view=plans]")
    row = page.locator(f"tr[data-plan='{plan['id']}']")
    expect(row).to_contain_text("scheduled")
    expect(row).to_contain_text("2027")
    expect(row).not_to_contain_text("executing")
    # the list filters on the run status: this plan is scheduled, never running
    page.select_option("#status-select", "scheduled")
    expect(page.locator(f"tr[data-plan='{plan['id']}']")).to_have_count(1)
    assert "status=scheduled" in page.url
    page.select_option("#status-select", "running")
    expect(page.locator(f"tr[data-plan='{plan['id']}']")).to_have_count(0)
    rows = page.locator("tr[data-plan]")
    for plan_id in rows.evaluate_all("rs => rs.map(r => r.dataset.plan)"):
        shown = http.get(f"/v1/plans/{plan_id}", headers=ADMIN).json()
        assert shown["run_status"] == "running", shown["id"]
