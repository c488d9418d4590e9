"""The CLI as used every day: exports ingested as downloaded (a new brand with them),
reports that read as reports (names, per cent, money), and output that is not cut at
80 columns when piped."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from demo import dataset_parts, generate
from graph.base import GraphStore
from graph.models import NodeRef, OutcomeQuery
from graph.schema import Label
from ingest import ingest
from reports import lead_sla
from tests.integration.cli_runner import Invoke, assert_usage_error, cli_for
from tests.integration.test_cli import BIN, write_jsonl

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "exports"
ISSUE = FIXTURES / "meta_ads_en_gbp_issue17.csv"


def test_an_export_into_an_empty_graph_checks_the_file_then_makes_the_brand(
    graph_store: GraphStore, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    cli = cli_for(graph_store, tmp_path, request)
    bad = tmp_path / "report.csv"
    bad.write_text("Week,Campaign,Cost\n2026-03-01,Spring,12.50\n")
    refused = cli("ingest", "--from", "google-ads", str(bad))
    assert_usage_error(refused, "report.csv: missing column(s) 'Day'", code=1)

    no_brand = cli("ingest", "--from", "meta-ads", str(ISSUE))
    assert_usage_error(no_brand, "no brand in the graph yet", "--brand-name NAME", "GBP", code=1)

    made = cli(
        "ingest", "--from", "meta-ads", str(ISSUE),
        "--brand", "brand-emberoak", "--brand-name", "Ember & Oak",
    )  # fmt: skip

    assert made.exit_code == 0, made.stderr
    assert "meta-ads export for brand-emberoak (a new brand): 1 brands" in made.stdout
    assert "10 outcomes" in made.stdout
    assert "note: derived column(s) checked against each row and not stored: Purchase ROAS" in (
        made.stdout
    )
    brand = graph_store.require_node(NodeRef(Label.BRAND, "brand-emberoak")).properties
    assert (brand["name"], brand["currency"]) == ("Ember & Oak", "GBP")
    assert graph_store.count(Label.OUTCOME) == 10
    assert_usage_error(
        cli("ingest", "brands", str(ISSUE), "--brand-name", "X"), "go with --from SOURCE"
    )


@pytest.fixture
def extras(graph_store: GraphStore) -> GraphStore:
    """The demo data set with what the use cases need (creative tests, slow handoffs)."""
    ingest(graph_store, dataset_parts(generate(seed=7, outcome_rows=3000, extras=True)))
    return graph_store


def test_reports_show_names_per_cent_and_money(
    extras: GraphStore, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    cli: Invoke = cli_for(extras, tmp_path, request)
    report = lead_sla(extras, brand_id="brand-ledgerline")
    truth = {k.name: k for k in report.kpis}
    compliance = truth["sla_compliance"].value
    assert compliance is not None and compliance >= 0.1

    leads = cli("usecase", "leads", "--brand", "brand-ledgerline")

    assert leads.exit_code == 0, leads.stderr
    assert leads.stdout.startswith("Ledgerline")
    line = next(ln for ln in leads.stdout.splitlines() if "SLA compliance" in ln)
    assert f"{compliance * 100:.0f} %" in line and f"{compliance:.4g}" not in line
    assert "share" not in leads.stdout and "sla_compliance" not in leads.stdout
    assert report.by_channel
    for group in report.by_channel:  # channels by name, not id
        channel = extras.require_node(NodeRef(Label.CHANNEL, group.key))
        assert str(channel.properties["name"]) in leads.stdout
        assert f" {group.key} " not in leads.stdout

    creative = cli("usecase", "creative", "--brand", "brand-trailhead")
    assert creative.exit_code == 0, creative.stderr
    cost = next(ln for ln in creative.stdout.splitlines() if "cost per result" in ln)
    assert "$" in cost and "money" not in creative.stdout
    tests = json.loads(cli("usecase", "creative", "--brand", "brand-trailhead", "--json").stdout)
    first = tests["tests"][0]
    title = first["variants"][0]["title"]
    assert title and title in creative.stdout
    channel = extras.require_node(NodeRef(Label.CHANNEL, first["channel_id"]))
    assert str(channel.properties["name"]) in creative.stdout

    handoff = cli("usecase", "handoff", "--brand", "brand-ledgerline")
    assert handoff.exit_code == 0, handoff.stderr
    sources = json.loads(cli("usecase", "handoff", "--brand", "brand-ledgerline", "--json").stdout)[
        "sources"
    ]
    assert sources
    for source in sources:
        channel = extras.require_node(NodeRef(Label.CHANNEL, source["source"]))
        assert str(channel.properties["name"]) in handoff.stdout
        assert f" {source['source']} " not in handoff.stdout
    assert_usage_error(
        cli("usecase", "content", "--brand", "emberoak"), "did you mean brand-emberoak?"
    )


def test_output_is_not_cut_at_80_columns_when_piped(tmp_path: Path) -> None:
    name = "Spring " + "and summer " * 12 + "launch"  # 145 characters
    write_jsonl(tmp_path / "brands.jsonl", {"id": "b1", "name": "Trailhead", "currency": "EUR"})
    write_jsonl(tmp_path / "campaigns.jsonl", {"id": "c1", "brand_id": "b1", "name": name})
    env = {k: v for k, v in os.environ.items() if not k.startswith("MARKETGRAPH_")}
    env.pop("COLUMNS", None)
    env["MARKETGRAPH_DATA_DIR"] = str(tmp_path)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(BIN), *args], env=env, capture_output=True, text=True, timeout=300, cwd=tmp_path
        )

    for kind in ("brands", "campaigns"):
        assert run("ingest", kind, str(tmp_path / f"{kind}.jsonl")).returncode == 0
    listed = run("campaigns")
    assert listed.returncode == 0, listed.stderr
    (line,) = [ln for ln in listed.stdout.splitlines() if "c1" in ln]
    assert name in line and len(line) > 150


def test_the_demo_ends_on_the_day_asked(
    graph_store: GraphStore, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    cli = cli_for(graph_store, tmp_path, request)
    loaded = cli("demo", "--cycles", "0", "--outcome-rows", "3000", "--end", "2026-06-30")
    assert loaded.exit_code == 0, loaded.stderr
    days = graph_store.aggregate_outcomes(OutcomeQuery(group_by=("date",)))
    assert max(str(t.date)[:10] for t in days) == "2026-06-30"
    assert_usage_error(cli("demo", "--end", "30.06.2026"), "--end '30.06.2026'", "YYYY-MM-DD")


def test_browser_style_prints_one_line_to_paste(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MARKETGRAPH_")}
    env["MARKETGRAPH_DATA_DIR"] = str(tmp_path)
    style = subprocess.run(
        [str(BIN), "browser-style"], env=env, capture_output=True, text=True, timeout=120
    )
    assert style.returncode == 0, style.stderr
    line = style.stdout.rstrip("\n")
    assert line.startswith(":style node {") and "\n" not in line
    assert "node.Campaign {" in line and "caption: '{name}'" in line
    grass = subprocess.run(
        [str(BIN), "browser-style", "--grass"], env=env, capture_output=True, text=True, timeout=120
    )
    assert " ".join(grass.stdout.split()) == line.removeprefix(":style ")
