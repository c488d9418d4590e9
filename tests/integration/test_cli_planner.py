"""A CLI a planner lives in, on both backends: campaigns, a campaign's context, plans
listed, lineage summarised, and one error style naming the option and what it accepts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.auth import create_key
from api.cli._format import money
from graph.base import GraphStore
from graph.models import NodeRef, OutcomeQuery
from graph.schema import Label
from tests.integration.cli_runner import Invoke, assert_usage_error, cli_for

BRAND = "brand-trailhead"


@pytest.fixture
def cli(demo: GraphStore, tmp_path: Path, request: pytest.FixtureRequest) -> Invoke:
    return cli_for(demo, tmp_path, request)


def spend_by_campaign(store: GraphStore, brand: str) -> dict[str, float]:
    rows = store.aggregate_outcomes(OutcomeQuery(brand_id=brand, group_by=("campaign_id",)))
    return {str(t.campaign_id): t.spend for t in rows}


def test_campaigns_are_searched_sorted_and_paged(cli: Invoke, demo: GraphStore) -> None:
    own = demo.find_nodes(Label.CAMPAIGN, {"brand_id": BRAND}, 10_000)
    spend = spend_by_campaign(demo, BRAND)
    by_spend = sorted(own, key=lambda n: (-spend.get(n.id, 0.0), n.id))

    top = cli("campaigns", "--brand", BRAND, "--sort", "spend", "--desc", "--limit", "3", "--json")

    assert top.exit_code == 0, top.stderr
    page = json.loads(top.stdout)
    assert page["total"] == len(own)
    assert [i["id"] for i in page["items"]] == [n.id for n in by_spend[:3]]
    assert [i["totals"]["spend"] for i in page["items"]] == [
        round(spend[n.id], 2) for n in by_spend[:3]
    ]
    second = json.loads(
        cli("campaigns", "--brand", BRAND, "--sort", "spend", "--desc", "--limit", "3",
            "--offset", "3", "--json").stdout
    )  # fmt: skip
    assert [i["id"] for i in second["items"]] == [n.id for n in by_spend[3:6]]

    word = str(own[0].properties["name"]).split()[0]
    found = json.loads(cli("campaigns", "--search", word.upper(), "--json").stdout)
    assert found["items"] and all(
        word.casefold() in i["name"].casefold() or word.casefold() in i["id"]
        for i in found["items"]
    )

    text = cli("campaigns", "--brand", BRAND, "--sort", "spend", "--desc", "--limit", "2")
    first = by_spend[0]
    assert str(first.properties["name"]) in text.stdout and first.id in text.stdout
    assert f"spend ${spend[first.id]:,.2f}" in text.stdout and "Trailhead" in text.stdout
    assert "--offset 2 for the next page" in text.stdout


def test_campaigns_are_totalled_per_currency_never_added_across(
    cli: Invoke, demo: GraphStore
) -> None:
    currency = {b.id: str(b.properties["currency"]) for b in demo.find_all(Label.BRAND)}
    brand_of = {c.id: str(c.properties["brand_id"]) for c in demo.find_all(Label.CAMPAIGN)}
    spend: dict[str, float] = {}
    for t in demo.aggregate_outcomes(OutcomeQuery(group_by=("campaign_id",))):
        if t.campaign_id in brand_of:
            code = currency[brand_of[str(t.campaign_id)]]
            spend[code] = spend.get(code, 0.0) + t.spend
    assert len(spend) > 1  # the demo's brands pay in several currencies

    listed = cli("campaigns", "--limit", "1")

    assert listed.exit_code == 0, listed.stderr
    lines = [ln for ln in listed.stdout.splitlines() if ln.startswith("total in ")]
    assert len(lines) == len(spend), listed.stdout
    for code, amount in spend.items():
        (line,) = [ln for ln in lines if ln.startswith(f"total in {code}:")]
        assert f"spend {money(amount, code)}" in line, line
    own = cli("campaigns", "--brand", BRAND, "--limit", "1").stdout
    (line,) = [ln for ln in own.splitlines() if ln.startswith("total in ")]
    assert line.startswith(f"total in {currency[BRAND]}:") and "of 1 brand(s)" in line


def test_campaign_options_are_checked(cli: Invoke) -> None:
    assert_usage_error(
        cli("campaigns", "--brand", "trailhead"),
        "--brand 'trailhead'",
        "did you mean brand-trailhead?",
    )
    assert_usage_error(cli("campaigns", "--sort", "size"), "--sort 'size' is not one of", "spend")
    assert_usage_error(
        cli("campaigns", "--start", "2027-03-31", "--end", "2027-03-01"),
        "--start 2027-03-31 is after --end 2027-03-01",
    )
    assert_usage_error(cli("campaigns", "--start", "31/03/2027"), "a day like 2027-03-01")


def test_context_shows_a_campaign_with_names_and_totals(cli: Invoke, demo: GraphStore) -> None:
    campaign = demo.find_nodes(Label.CAMPAIGN, {"brand_id": BRAND}, 1)[0]
    truth = demo.get_campaign_context(campaign.id)

    shown = cli("context", campaign.id)

    assert shown.exit_code == 0, shown.stderr
    assert str(campaign.properties["name"]) in shown.stdout
    assert "Trailhead Outfitters" in shown.stdout  # the brand by name
    for channel in truth.channels:
        assert f"{channel.properties['name']} ({channel.id})" in shown.stdout
    for t in truth.outcomes_by_channel:
        assert f"spend ${t.spend:,.2f}" in shown.stdout
    as_json = json.loads(cli("context", campaign.id, "--json").stdout)
    assert as_json["campaign"]["id"] == campaign.id and as_json["brand"]["id"] == BRAND
    assert sorted(c["id"] for c in as_json["channels"]) == sorted(c.id for c in truth.channels)
    suggestion = campaign.id[:-2] + "9" + campaign.id[-1]  # one digit off
    assert_usage_error(cli("context", suggestion), "CAMPAIGN_ID", "did you mean cmp-trailhead-")


def test_plans_are_made_listed_and_their_lineage_summarised(
    cli: Invoke, demo: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = cli(
        "plan", "create", "--brand", BRAND, "--budget", "40k", "--start", "2026-12-01",
        "--end", "2026-12-14", "--min", "email=2.5k", "--max", "Meta Ads=1,500", "--json",
    )  # fmt: skip
    assert made.exit_code == 0, made.stderr
    plan = json.loads(made.stdout)
    assert plan["budget"] == 40000
    lines = plan["allocations"]
    assert sum(a["budget"] for a in lines if a["channel_id"] == "ch-email") >= 2500
    assert sum(a["budget"] for a in lines if a["channel_id"] == "ch-meta") <= 1500

    listed = json.loads(cli("plan", "list", "--status", "pending_approval", "--json").stdout)
    assert [p["id"] for p in listed] == [plan["id"]]
    text = cli("plan", "list", "--brand", BRAND)
    assert plan["id"] in text.stdout and "$40,000.00" in text.stdout
    assert json.loads(cli("plan", "list", "--status", "completed", "--json").stdout) == []
    assert_usage_error(cli("plan", "list", "--status", "done"), "--status 'done'", "approved")

    monkeypatch.delenv("MARKETGRAPH_API_KEY", raising=False)
    keys = tmp_path / "api-keys.json"  # the data dir's key file, as `keys create` writes it
    sam = create_key(keys, "approver", "sam")
    viewer = create_key(keys, "viewer", "vic")
    elsewhere = create_key(keys, "approver", "olga", ["brand-ledgerline"])
    pid = plan["id"]
    typed = cli("plan", "approve", pid, "--as", "the ceo")
    assert_usage_error(
        typed, "--as 'the ceo'", "not an identity", "--key KEY", "MARKETGRAPH_API_KEY"
    )
    assert_usage_error(cli("plan", "approve", pid), "needs the approver's API key")
    assert_usage_error(cli("plan", "reject", pid, "--key", "mg_guess"), "--key: not a key")
    assert_usage_error(cli("plan", "approve", pid, "--key", viewer), "role viewer", "may not")
    hidden = cli("plan", "approve", pid, "--key", elsewhere)  # another brand's plan is not there
    assert_usage_error(hidden, f"no Plan node with id {pid!r}", code=1)
    assert BRAND not in hidden.stdout + hidden.stderr
    assert json.loads(cli("plan", "show", pid, "--json").stdout)["status"] == "pending_approval"

    monkeypatch.setenv("MARKETGRAPH_API_KEY", sam)
    approved = cli("plan", "approve", pid, "--json")
    assert approved.exit_code == 0, approved.stderr
    (verdict,) = json.loads(approved.stdout)["approvals"]
    assert (verdict["approver"], verdict["role"]) == ("sam", "approver"), verdict
    assert verdict["key_id"], verdict
    allocation = f"Allocation:{lines[0]['id']}"
    summary = cli("lineage", allocation)
    assert summary.exit_code == 0, summary.stderr
    out = summary.stdout
    assert f"Decision:{plan['decision_id']}" in out and "plan by planner" in out
    assert "approvals (1)" in out and "approved" in out and "by sam" in out
    assert "curves (" in out and "Agent:planner" in out
    assert "outcome rows:" in out and "demo:outcomes.jsonl" in out
    assert "-[FITTED_ON]->" not in out  # rows are counted, not listed
    every = cli("lineage", allocation, "--all")
    assert "-[FITTED_ON]->" in every.stdout and "Outcome:" in every.stdout
    data = json.loads(cli("lineage", allocation, "--json").stdout)
    assert [a["node_id"].split(":")[0] for a in data["approvals"]] == ["Approval"]
    assert data["outcome_rows"] == sum(s["rows"] for s in data["outcome_sources"]) > 0
    whole = json.loads(cli("lineage", allocation, "--all", "--json").stdout)
    assert len(whole["nodes"]) == whole["summary"]["nodes"]


def test_plan_options_name_the_option_and_the_accepted_form(cli: Invoke) -> None:
    base = ("plan", "create", "--brand", BRAND, "--start", "2027-03-01", "--end", "2027-03-31")
    assert_usage_error(
        cli(*base, "--budget", "40 grand"),
        "--budget '40 grand' is not an amount like 40000, 40k, 40,000, 2.5k",
    )
    assert_usage_error(
        cli("plan", "create", "--brand", BRAND, "--budget", "40000", "--start", "2027-03-31",
            "--end", "2027-03-01"),
        "--start 2027-03-31 is after --end 2027-03-01",
    )  # fmt: skip
    assert_usage_error(
        cli(*base, "--budget", "1k", "--min", "emial=5000"), "did you mean ch-email?"
    )
    assert_usage_error(cli(*base, "--budget", "1k", "--min", "email"), "CHANNEL=AMOUNT")
    assert_usage_error(
        cli(*base, "--budget", "1k", "--min", "email=lots"), "'lots' is not an amount"
    )
    assert_usage_error(
        cli("plan", "create", "--brand", "trailhead", "--budget", "1k", "--start", "2027-03-01",
            "--end", "2027-03-31"),
        "did you mean brand-trailhead?",
    )  # fmt: skip
    assert_usage_error(cli(*base, "--budget", "1k", "--objective", "clicks"), "--objective")
    assert_usage_error(
        cli(*base, "--budget", "1k", "--min-line", "2k"), "--min-line 2k is more than --budget 1k"
    )
    assert_usage_error(cli(*base, "--budget", "1k", "--min-line", "some"), "--min-line 'some'")


def cli_totals(plan: dict[str, object]) -> dict[str, float]:
    totals: dict[str, float] = {}
    for line in plan["allocations"]:  # type: ignore[attr-defined]
        totals[line["channel_id"]] = totals.get(line["channel_id"], 0.0) + line["budget"]
    return totals


def test_a_kind_several_channels_share_or_channels_joined_by_plus_limit_their_total(
    cli: Invoke, demo: GraphStore
) -> None:
    """Ember & Oak runs Meta and TikTok (both paid social): ``--max social=3k`` is 3,000 for
    the two together, as the brief reader reads "social max 3k"; ``email+sms=25%`` is a
    minimum of a quarter of the budget on the two together; one channel stays a channel
    limit."""
    base = ("plan", "create", "--brand", "brand-emberoak", "--budget", "40k", "--start",
            "2026-07-01", "--end", "2026-07-30", "--json")  # fmt: skip
    free = cli_totals(json.loads(cli(*base).stdout))
    assert free.get("ch-meta", 0) + free.get("ch-tiktok", 0) > 3_000  # the limit binds
    assert free.get("ch-email", 0) + free.get("ch-sms", 0) < 10_000

    made = cli(*base, "--max", "social=3k", "--min", "email+SMS=25%", "--max", "youtube=1k")

    assert made.exit_code == 0, made.stderr
    plan = json.loads(made.stdout)
    totals = cli_totals(plan)
    assert round(totals.get("ch-meta", 0) + totals.get("ch-tiktok", 0), 2) == 3_000
    assert totals.get("ch-email", 0) + totals.get("ch-sms", 0) >= 10_000
    assert totals.get("ch-youtube", 0) <= 1_000
    decision = demo.get_node(NodeRef(label=Label.DECISION, id=plan["decision_id"]))
    assert decision is not None
    effective = json.loads(str(decision.properties["inputs"]))["effective"]["constraints"]
    assert effective["groups"] == [  # the --min values first, then the --max ones
        {"channels": ["ch-email", "ch-sms"], "min": "10000.00", "max": None},
        {"channels": ["ch-meta", "ch-tiktok"], "min": None, "max": "3000.00"},
    ]
    assert effective["max"] == {"ch-youtube": "1000.00"}

    both = cli(*base, "--min", "social=1k", "--max", "meta+tiktok=2k")  # one group, two sides
    assert both.exit_code == 0, both.stderr
    totals = cli_totals(json.loads(both.stdout))
    assert 1_000 <= round(totals.get("ch-meta", 0) + totals.get("ch-tiktok", 0), 2) <= 2_000

    # a re-plan takes limits too: they replace the plan's, a share is of the new budget
    again = cli("plan", "replan", plan["id"], "--budget", "30k", "--max", "social=2.5k",
                "--min", "email+sms=10%", "--json")  # fmt: skip
    assert again.exit_code == 0, again.stderr
    newer = json.loads(again.stdout)
    assert (newer["version"], newer["budget"]) == (2, 30_000)
    totals = cli_totals(newer)
    assert round(totals.get("ch-meta", 0) + totals.get("ch-tiktok", 0), 2) <= 2_500
    assert totals.get("ch-email", 0) + totals.get("ch-sms", 0) >= 3_000
    decision = demo.get_node(NodeRef(label=Label.DECISION, id=newer["decision_id"]))
    assert decision is not None
    effective = json.loads(str(decision.properties["inputs"]))["effective"]["constraints"]
    assert effective["max"] == {}  # the YouTube maximum of version 1 is replaced
    assert [(g["channels"], g["min"], g["max"]) for g in effective["groups"]] == [
        (["ch-email", "ch-sms"], "3000.00", None),
        (["ch-meta", "ch-tiktok"], None, "2500.00"),
    ]
    kept = cli("plan", "replan", newer["id"], "--max", "social+emial=1k")
    assert_usage_error(kept, "--max 'emial'", "did you mean")


def test_group_limits_on_the_cli_are_checked_with_one_error_style(cli: Invoke) -> None:
    base = ("plan", "create", "--brand", "brand-emberoak", "--budget", "40k", "--start",
            "2027-03-01", "--end", "2027-03-31")  # fmt: skip
    assert_usage_error(cli(*base, "--max", "social+emial=3k"), "--max 'emial'", "did you mean")
    assert_usage_error(cli(*base, "--max", "social+=3k"), "CHANNEL+CHANNEL=AMOUNT")
    assert_usage_error(cli(*base, "--min", "social=140%"), "'140%' is not a share")
    assert_usage_error(
        cli(*base, "--max", "social=3k", "--max", "meta+email=2k"),
        "--max 'meta+email=2k' and --max 'social=3k' both limit ch-meta",
    )
    assert_usage_error(
        cli(*base, "--max", "social=3k", "--max", "tiktok+meta=4k"),
        "ch-meta + ch-tiktok already has a maximum (--max 'social=3k')",
    )
    crossed = cli(*base, "--min", "social=5k", "--max", "social=3k")  # the planner's 422
    assert_usage_error(
        crossed, "ch-meta + ch-tiktok together have a minimum of 5000.00 above", code=1
    )
    assert "Traceback" not in crossed.stdout + crossed.stderr
    assert_usage_error(cli(*base, "--min", "email+sms=50k"), "more than the budget", code=1)


def test_a_plan_from_the_cli_keeps_its_minimum_line_and_shows_channels_and_warnings(
    cli: Invoke,
) -> None:
    args = ("plan", "create", "--brand", BRAND, "--budget", "2k", "--start", "2026-12-01")
    made = cli(*args, "--end", "2026-12-30", "--min-line", "500", "--json")
    assert made.exit_code == 0, made.stderr
    plan = json.loads(made.stdout)
    assert plan["min_line_budget"] == 500
    assert plan["allocations"] and all(a["budget"] >= 499.99 for a in plan["allocations"])
    assert "outside_history" in [w["code"] for w in plan["warnings"]]
    text = cli(*args, "--end", "2026-12-30", "--min-line", "500")
    assert text.exit_code == 0, text.stderr
    for total in plan["channels"]:
        assert f"channel {total['channel_id']}: " in text.stdout
    assert "minimum line: 500.00" in text.stdout
    assert "warning outside_history:" in text.stdout and "a day" in text.stdout


def test_search_takes_k_and_names_an_unknown_brand(cli: Invoke) -> None:
    found = cli("search", "waterproof boots", "-k", "3", "--brand", BRAND, "--json")
    assert found.exit_code == 0, found.stderr
    assert len(json.loads(found.stdout)["items"]) <= 3
    assert_usage_error(
        cli("search", "boots", "--brand", "trailhead"), "did you mean brand-trailhead?"
    )
