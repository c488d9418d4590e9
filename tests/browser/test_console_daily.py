"""The console's daily tools in headless Chromium, against a real server over demo data.

- A planner creates a plan from a brief in the console: it is named after the brief, its
  lines roll up per channel, its KPIs read as money of the brand's currency, ratios and
  percentages; a re-plan from the console makes version 2 without the channel left out.
- Campaigns are searched, sorted and paged (the page stays short), with totals per
  currency that never add pounds to dollars.
- At the publish gate an approver reads every drafted text with its brand score, edits
  one and approves; the edit is stored and measured.

Every step is checked against the API or the graph; any JavaScript error fails the test.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

import pytest

from graph.models import NodeRef
from graph.schema import Label
from tests.browser.conftest import ADMIN, PLANNER, Console, Session, create_plan, log_in

pytestmark = [pytest.mark.integration, pytest.mark.browser]

VIEWER = {"Authorization": "Bearer view-key-123-secret"}
EMBEROAK = "brand-emberoak"  # a GBP brand
BRIEF = "Autumn candle gifting push. Keep email at 1,500 at least; weekends matter most."


def _number(text: str) -> float:
    """12,000.50 from "£12,000.50" (the console formats in en-US in this browser)."""
    return float(re.sub(r"[^\d.\-]", "", text))


def test_a_planner_creates_and_replans_from_the_console(session: Session, console: Console) -> None:
    from playwright.sync_api import expect

    page, s = session.page, session
    log_in(s, console, "plan-key-123-secret")
    page.click("#nav a[data-view=plans]")
    page.click("#new-plan")
    form = page.locator("#plan-form")
    page.select_option("#plan-brand", EMBEROAK)
    page.fill("#plan-budget", "12000")
    page.fill("#plan-start", "2026-12-01")
    page.fill("#plan-end", "2026-12-28")
    page.fill("#plan-brief", BRIEF)
    form.locator("#add-limit").click()
    form.locator(".limit-channel").fill("ch-email")
    form.locator(".limit-min").fill("1500")
    s.shot("new-plan-form")
    form.get_by_role("button", name="Create plan").click()

    # the plan's page: named after the brief's first sentence
    expect(page.locator("#plan-name")).to_have_text("Autumn candle gifting push")
    plan_id = page.url.rsplit("/", 1)[1]
    plan = console.http.get(f"/v1/plans/{plan_id}", headers=ADMIN).json()
    assert plan["name"] == "Autumn candle gifting push" and plan["brief"] == BRIEF
    assert (plan["brand_id"], plan["budget"], plan["start_date"]) == (EMBEROAK, 12000, "2026-12-01")
    assert plan["created_by"] == "env-key-1"
    lines = plan["allocations"]
    email = sum(a["budget"] for a in lines if a["channel_id"] == "ch-email")
    assert email >= 1500 - 0.01

    # the roll-up: one row per channel, summing the lines; money in pounds
    channels: dict[str, dict[str, float]] = {}
    for a in lines:
        c = channels.setdefault(a["channel_id"], {"budget": 0.0, "revenue": 0.0, "lines": 0})
        c["budget"] += a["budget"]
        c["revenue"] += a["expected"]["revenue"]
        c["lines"] += 1
    rows = page.locator("tr[data-channel]")
    expect(rows).to_have_count(len(channels))
    shown = rows.evaluate_all("rs => rs.map(r => r.dataset.channel)")
    assert shown == sorted(channels, key=lambda c: (-channels[c]["budget"], c))
    for channel, c in channels.items():
        cells = page.locator(f"tr[data-channel='{channel}'] td").all_inner_texts()
        assert cells[1] == str(int(c["lines"]))
        assert cells[2].startswith("£") and _number(cells[2]) == pytest.approx(c["budget"], abs=1)
        assert cells[3].endswith("%")
        assert _number(cells[4]) == pytest.approx(c["revenue"], abs=1)
        assert cells[6].endswith("×")
        assert _number(cells[6]) == pytest.approx(c["revenue"] / c["budget"], abs=0.01)
    expect(page.locator("tr[data-allocation]")).to_have_count(len(lines))

    # KPIs: money, ratio and percentage, never the raw key/value dump
    kpis = plan["kpis"]
    revenue = page.locator("tr[data-kpi='target_revenue'] td").all_inner_texts()
    assert revenue[0] == "Revenue" and revenue[1].startswith("£")
    assert _number(revenue[1]) == pytest.approx(kpis["target_revenue"], abs=1)
    low, high = revenue[2].split(" – ")
    assert _number(low) == pytest.approx(kpis["revenue_low"], abs=1)
    assert _number(high) == pytest.approx(kpis["revenue_high"], abs=1)
    roas = page.locator("tr[data-kpi='target_roas'] td").all_inner_texts()
    assert roas[1] == f"{kpis['target_roas']:.2f}×"
    level = page.locator("tr[data-kpi='confidence_level'] td").all_inner_texts()
    assert level[1] == f"{kpis['confidence_level'] * 100:.0f} %"
    expect(page.locator("#kpis")).not_to_contain_text("roas_high")
    s.shot("plan-created")

    # re-plan: a smaller budget, one channel left out; version 2 waits at the gate
    left_out = sorted(channels, key=lambda c: channels[c]["budget"])[0]
    assert left_out != "ch-email"
    page.click("#replan")
    page.fill("#replan-budget", "10000")
    page.check(f"#replan-exclude input[data-channel='{left_out}']")
    page.fill("#replan-reason", "a smaller pot after the board")
    s.shot("replan-form")
    page.locator("#replan-form").get_by_role("button", name="Make the new version").click()
    expect(page.locator("tr[data-version='2'] strong")).to_have_text("v2 (this)")
    newer_id = page.url.rsplit("/", 1)[1]
    assert newer_id != plan_id
    newer = console.http.get(f"/v1/plans/{newer_id}", headers=ADMIN).json()
    assert (newer["version"], newer["status"], newer["budget"]) == (2, "pending_approval", 10000)
    assert left_out not in {a["channel_id"] for a in newer["allocations"]}
    assert newer["name"] == "Autumn candle gifting push"  # the brief is kept
    expect(page.locator("#plan-name")).to_have_text("Autumn candle gifting push")
    expect(page.locator(f"tr[data-channel='{left_out}']")).to_have_count(0)
    decision = console.http.get(f"/v1/decisions/{newer['decision_id']}", headers=ADMIN).json()
    reasons = [e["properties"].get("reason", "") for e in decision["edges"]]
    assert any("a smaller pot after the board" in r for r in reasons), reasons
    s.shot("replanned")

    # the list names plans after their briefs
    page.click("#nav a[data-view=plans]")
    listed = page.locator(f"tr[data-plan='{newer_id}'] a.plan-name")
    expect(listed).to_have_text("Autumn candle gifting push")

    # a refusal from the server shows in the form, naming the problem
    page.click("#new-plan")
    page.select_option("#plan-brand", EMBEROAK)
    page.fill("#plan-budget", "5000")
    page.fill("#plan-start", "2026-12-10")
    page.fill("#plan-end", "2026-12-01")
    s.expected_statuses = {422}
    page.locator("#plan-form").get_by_role("button", name="Create plan").click()
    expect(page.locator("#plan-form .error")).to_contain_text("end_date")
    s.shot("plan-refused")


def test_group_limits_from_the_plan_form_limit_channels_together(
    session: Session, console: Console
) -> None:
    """A planner limits Meta and TikTok together (picked by their kind, paid social) and
    email with SMS (ticked) to a share of the budget: the request carries
    constraints.groups and the plan keeps them; a group the planner cannot keep shows the
    server's 422 in the form, and a group of one channel is refused before any request."""
    from playwright.sync_api import expect

    page, s = session.page, session
    log_in(s, console, "plan-key-123-secret")
    page.click("#nav a[data-view=plans]")
    page.click("#new-plan")
    form = page.locator("#plan-form")

    def fill(budget: str) -> None:
        page.select_option("#plan-brand", EMBEROAK)
        expect(form.locator("#add-group")).to_be_visible()
        page.fill("#plan-budget", budget)
        page.fill("#plan-start", "2026-07-01")
        page.fill("#plan-end", "2026-07-30")

    def group(n: int) -> Any:
        form.locator("#add-group").click()
        row = form.locator(".group-row").nth(n)
        expect(row.locator(".group-channels input")).not_to_have_count(0)  # the brand's
        return row

    fill("40000")
    social = group(0)
    social.locator(".group-kind").select_option("paid_social")
    ticked = social.locator(".group-channels input:checked")
    assert sorted(ticked.evaluate_all("bs => bs.map(b => b.value)")) == ["ch-meta", "ch-tiktok"]
    social.locator(".group-max").fill("3000")
    direct = group(1)
    direct.locator("input[data-channel='ch-email']").check()
    direct.locator("input[data-channel='ch-sms']").check()
    direct.locator(".group-min").fill("25")
    direct.locator(".group-unit").select_option("percent")
    s.shot("group-limits-form")
    form.get_by_role("button", name="Create plan").click()

    expect(page.locator("#plan-name")).to_be_visible()
    plan_id = page.url.rsplit("/", 1)[1]
    plan = console.http.get(f"/v1/plans/{plan_id}", headers=ADMIN).json()
    totals: dict[str, float] = {}
    for a in plan["allocations"]:
        totals[a["channel_id"]] = totals.get(a["channel_id"], 0.0) + a["budget"]
    assert round(totals.get("ch-meta", 0) + totals.get("ch-tiktok", 0), 2) == 3000
    assert totals.get("ch-email", 0) + totals.get("ch-sms", 0) >= 10_000 - 0.01
    decision = console.graph.get_node(NodeRef(label=Label.DECISION, id=plan["decision_id"]))
    assert decision is not None
    effective = json.loads(str(decision.properties["inputs"]))["effective"]["constraints"]
    sent = [
        (g["channels"], *(None if g[k] is None else float(g[k]) for k in ("min", "max")))
        for g in effective["groups"]
    ]
    assert sent == [
        (["ch-meta", "ch-tiktok"], None, 3000.0),
        (["ch-email", "ch-sms"], 10000.0, None),
    ]
    s.shot("group-limits-plan")

    # a group of one channel is refused in the form, before any request
    page.click("#nav a[data-view=plans]")
    page.click("#new-plan")
    fill("40000")
    one = group(0)
    one.locator("input[data-channel='ch-meta']").check()
    one.locator(".group-max").fill("3000")
    form.get_by_role("button", name="Create plan").click()
    expect(form.locator(".error")).to_contain_text("group limit 1: tick two channels or more")

    # limits the planner cannot keep: the server's 422, inline
    one.locator(".group-kind").select_option("paid_social")
    one.locator(".group-min").fill("5000")
    s.expected_statuses = {422}
    form.get_by_role("button", name="Create plan").click()
    error = form.locator(".error")
    expect(error).to_contain_text(
        "ch-meta + ch-tiktok together have a minimum of 5000.00 above their maximum of 3000.00"
    )
    expect(error).to_contain_text("infeasible_constraints")
    s.shot("group-limits-refused")


def _campaigns(console: Console, **params: Any) -> tuple[list[dict[str, Any]], int]:
    r = console.http.get("/v1/campaigns", params=params, headers=VIEWER)
    assert r.status_code == 200, r.text
    return r.json(), int(r.headers["X-Total-Count"])


def test_campaigns_are_searched_sorted_and_paged_with_totals_per_currency(
    session: Session, console: Console
) -> None:
    from playwright.sync_api import expect

    # past campaigns without outcomes, so that there are pages to turn
    archive = "\n".join(
        json.dumps(
            {
                "id": f"cmp-archive-{i:03d}",
                "brand_id": ["brand-trailhead", EMBEROAK, "brand-ledgerline"][i % 3],
                "name": f"Archive {2020 + i % 4} wave {i}",
                "status": "completed",
                "start_date": f"{2020 + i % 4}-0{1 + i % 9}-01",
            }
        )
        for i in range(45)
    )
    r = console.http.post(
        "/v1/ingest/campaigns",
        content=archive,
        headers={**ADMIN, "Content-Type": "application/x-ndjson"},
    )
    assert r.status_code == 200, r.text

    page, s = session.page, session
    log_in(s, console, "view-key-123-secret")
    page.click("#nav a[data-view=campaigns]")

    # every brand: one total per currency, as the API sums them
    summary = console.http.get("/v1/campaigns/summary", headers=VIEWER).json()
    assert len(summary["currencies"]) == 3
    cards = page.locator(".currency-total")
    expect(cards).to_have_count(3)
    symbols = {"USD": "$", "GBP": "£", "EUR": "€"}
    for c in summary["currencies"]:
        box = page.locator(f".currency-total[data-currency='{c['currency']}']")
        spend = box.locator(".spend").inner_text()
        assert spend.startswith(symbols[c["currency"]]), spend
        assert _number(spend) == pytest.approx(c["totals"]["spend"], abs=1)
        assert _number(box.locator(".revenue").inner_text()) == pytest.approx(
            c["totals"]["revenue"], abs=1
        )

    # largest spend first, 25 a page; the page stays short
    first, total = _campaigns(console, sort="spend", order="desc", limit=25)
    expect(page.locator("#page-info")).to_have_text(f"1–25 of {total}")
    expect(page.locator("#campaign-count")).to_have_text(f"{total} campaigns")
    rows = page.locator("tr[data-campaign]")
    expect(rows).to_have_count(25)
    assert rows.evaluate_all("rs => rs.map(r => r.dataset.campaign)") == [c["id"] for c in first]
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 2500, f"the campaigns page is {height} px tall"
    s.shot("campaigns-page-1")
    page.click("#page-next")
    second, _ = _campaigns(console, sort="spend", order="desc", limit=25, offset=25)
    expect(page.locator("#page-info")).to_have_text(f"26–50 of {total}")
    expect(rows.first).to_have_attribute("data-campaign", second[0]["id"])
    page.click("#page-prev")
    expect(rows.first).to_have_attribute("data-campaign", first[0]["id"])

    # sort by ROAS, lowest first, from the column header then the order button
    page.select_option("#campaign-sort", "roas")
    page.click("#campaign-order")
    by_roas, _ = _campaigns(console, sort="roas", order="asc", limit=25)
    expect(rows.first).to_have_attribute("data-campaign", by_roas[0]["id"])
    assert rows.evaluate_all("rs => rs.map(r => r.dataset.campaign)") == [c["id"] for c in by_roas]
    page.click("th button[data-sort='name']")
    by_name, _ = _campaigns(console, sort="name", order="asc", limit=25)
    expect(rows.first).to_have_attribute("data-campaign", by_name[0]["id"])

    # search: the count and the totals follow; the state survives a reload
    word = by_name[0]["name"].split()[0]
    found, count = _campaigns(console, q=word, sort="name", limit=25)
    assert 0 < count < total
    page.fill("#campaign-search", word.lower())
    expect(page.locator("#campaign-count")).to_have_text(
        f"{count} campaign{'' if count == 1 else 's'}"
    )
    assert rows.evaluate_all("rs => rs.map(r => r.dataset.campaign)") == [c["id"] for c in found]
    searched = console.http.get("/v1/campaigns/summary", params={"q": word}, headers=VIEWER)
    expect(cards).to_have_count(len(searched.json()["currencies"]))
    s.shot("campaigns-searched")
    page.reload()
    expect(page.locator("#campaign-search")).to_have_value(word.lower())
    expect(page.locator("#campaign-sort")).to_have_value("name")
    expect(page.locator("#campaign-count")).to_have_text(
        f"{count} campaign{'' if count == 1 else 's'}"
    )
    page.fill("#campaign-search", "no campaign is called this")
    expect(page.locator(".list-panel .empty")).to_contain_text("No campaign matches")
    expect(page.locator("#page-info")).to_have_text("0–0 of 0")

    # one brand: its currency only
    page.fill("#campaign-search", "")
    page.select_option("#brand-select", EMBEROAK)
    expect(cards).to_have_count(1)
    expect(cards.first).to_have_attribute("data-currency", "GBP")
    _, ember = _campaigns(console, brand_id=EMBEROAK)
    expect(page.locator("#campaign-count")).to_have_text(f"{ember} campaigns")
    s.shot("campaigns-one-brand")


def _until(what: str, check: Any, seconds: float = 180) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def test_an_approver_reads_edits_and_approves_drafts_at_the_publish_gate(
    session: Session, console: Console
) -> None:
    from playwright.sync_api import expect

    plan = create_plan(
        console,
        PLANNER,
        start_date="2026-12-01",
        end_date="2026-12-14",
        channel_ids=["ch-email"],
    )
    http = console.http
    assert http.post(f"/v1/plans/{plan['id']}/approve", json={}, headers=ADMIN).status_code == 200
    assert http.post(f"/v1/plans/{plan['id']}/execute", headers=PLANNER).status_code == 200

    def gate() -> dict[str, Any] | None:
        queue = http.get("/v1/approvals", headers=ADMIN).json()
        return next(
            (g for g in queue if g["action"] == "publish" and plan["id"] in g["subject"]), None
        )

    item = _until("the publish gate", gate)
    drafts = http.get(f"/v1/approvals/{item['decision_id']}/drafts", headers=ADMIN).json()
    assert len(drafts) >= 3

    page, s = session.page, session
    log_in(s, console, "appr-key-123-secret")
    page.click("#nav a[data-view=approvals]")
    article = page.locator(f"article.gate[data-decision='{item['decision_id']}']")
    expect(article).to_contain_text("wait for the publish gate")
    shown = article.locator("article.draft")
    expect(shown).to_have_count(len(drafts))
    for d in drafts:
        card = article.locator(f"article.draft[data-asset='{d['id']}']")
        expect(card.locator(".score")).to_have_text(f"brand {d['consistency']:.2f}")
        expect(card.locator("input.draft-title")).to_have_value(d["title"])
        expect(card.locator("textarea.draft-body")).to_have_value(d["body"])
    review = sum(1 for d in drafts if d["needs_review"])
    if review:
        expect(article.locator(".drafts-box > summary")).to_contain_text(f"{review} below 0.75")
    s.shot("publish-gate-drafts")

    # an edit before approving: saved through PATCH /v1/assets/{id}
    edited = drafts[0]
    card = article.locator(f"article.draft[data-asset='{edited['id']}']")
    new_body = edited["body"] + " Free returns for 60 days."
    save = card.get_by_role("button", name="Save edit")
    expect(save).to_be_disabled()
    card.locator("textarea.draft-body").fill(new_body)
    save.click()
    expect(card.locator(".row-message")).to_contain_text("Saved")
    expect(card.locator(".edited")).to_have_text("edited by env-key-2")
    stored = console.graph.get_node(NodeRef(label=Label.ASSET, id=edited["id"]))
    assert stored is not None
    assert stored.properties["body"] == new_body
    assert stored.properties["draft_body"] == edited["body"]
    s.shot("draft-edited")

    # approve: the drafts freeze, and the edit is measured once the task runs
    article.get_by_role("button", name="Approve").click()
    expect(article).to_have_attribute("data-status", re.compile(r"^(?!waiting).+"))
    expect(card.locator("textarea.draft-body")).to_be_disabled()
    s.shot("publish-approved")

    def approved() -> Any:
        node = console.graph.get_node(NodeRef(label=Label.ASSET, id=edited["id"]))
        return node if node and node.properties.get("status") == "approved" else None

    node = _until("the drafts approved", approved)
    assert node.properties["edit_ratio"] > 0
    others = [console.graph.get_node(NodeRef(label=Label.ASSET, id=d["id"])) for d in drafts[1:]]
    assert all(o is not None and o.properties.get("edit_ratio") == 0 for o in others)
