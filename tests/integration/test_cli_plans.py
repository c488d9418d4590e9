"""``marketgraph plan …`` and ``marketgraph approvals`` as a user runs them (real processes)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.integration.test_cli import assert_one_line_error, run

# The plan starts today on the system clock the CLI runs on, so executing it runs it now.
START = datetime.now(UTC).date()
END = START + timedelta(days=13)


def test_plan_approve_execute_and_roll_back_from_the_shell(tmp_path: Path) -> None:
    assert run(tmp_path, "demo", "--outcome-rows", "3000").returncode == 0
    made = run(
        tmp_path,
        "plan",
        "create",
        "--brand",
        "brand-trailhead",
        "--budget",
        "20000",
        "--start",
        START.isoformat(),
        "--end",
        END.isoformat(),
        "--max",
        "ch-meta=3000",
        "--as",
        "pat",
        "--json",
    )
    assert made.returncode == 0, made.stderr
    plan = json.loads(made.stdout)
    assert plan["status"] == "pending_approval" and plan["created_by"] == "pat"
    assert sum(a["budget"] for a in plan["allocations"] if a["channel_id"] == "ch-meta") <= 3000

    waiting = run(tmp_path, "approvals")
    assert plan["decision_id"] in waiting.stdout and "plan" in waiting.stdout
    early = run(tmp_path, "plan", "execute", plan["id"])
    assert_one_line_error(early, 1, "pending_approval", "approved")
    # A verdict is given with the approver's key; a typed name is nobody.
    keys = {
        name: run(tmp_path, "keys", "create", "--role", role, "--name", name).stdout.strip()
        for name, role in (("pat", "approver"), ("sam", "approver"), ("vic", "viewer"))
    }
    keys["ann"] = run(
        tmp_path, "keys", "create", "--role", "approver", "--name", "ann", "--brand", "brand-x"
    ).stdout.strip()
    named = run(tmp_path, "plan", "approve", plan["id"], "--as", "sam")
    assert_one_line_error(named, 2, "a typed name is not an identity", "--key")
    assert_one_line_error(
        run(tmp_path, "plan", "approve", plan["id"]), 2, "needs the approver's API key"
    )
    wrong = run(tmp_path, "plan", "approve", plan["id"], "--key", "mg_not-a-key-at-all")
    assert_one_line_error(wrong, 2, "not a key of this deployment")
    viewer = run(tmp_path, "plan", "approve", plan["id"], "--key", keys["vic"])
    assert_one_line_error(viewer, 2, "role viewer", "may not approve")
    elsewhere = run(tmp_path, "plan", "reject", plan["id"], "--key", keys["ann"])
    assert_one_line_error(elsewhere, 1, f"no Plan node with id {plan['id']!r}")
    own = run(tmp_path, "plan", "approve", plan["id"], "--key", keys["pat"])
    assert_one_line_error(own, 1, "pat asked for")
    assert plan["decision_id"] in run(tmp_path, "approvals").stdout  # nothing was recorded

    approved = run(
        tmp_path, "plan", "approve", plan["id"], "--comment", "ok", "--json",
        MARKETGRAPH_API_KEY=keys["sam"],
    )  # fmt: skip
    assert approved.returncode == 0, approved.stderr
    verdicts = json.loads(approved.stdout)["approvals"]
    sam = next(k for k in json.loads(run(tmp_path, "keys", "list", "--json").stdout)
               if k["name"] == "sam")  # fmt: skip
    assert [(v["approver"], v["key_id"]) for v in verdicts] == [("sam", sam["id"])]
    assert run(tmp_path, "approvals").stdout.strip() == "nothing waits for approval"
    executed = run(tmp_path, "plan", "execute", plan["id"], "--json")
    assert executed.returncode == 0, executed.stderr
    assert json.loads(executed.stdout)["status"] == "executing"

    back = run(tmp_path, "plan", "rollback", plan["id"], "--to-version", "1", "--json")
    assert back.returncode == 0, back.stderr
    v2 = json.loads(back.stdout)
    assert (v2["version"], v2["status"]) == (2, "pending_approval")
    assert sorted(a["budget"] for a in v2["allocations"]) == sorted(
        a["budget"] for a in plan["allocations"]
    )
    missing = run(tmp_path, "plan", "rollback", plan["id"], "--to-version", "7")
    assert_one_line_error(missing, 1, "no version 7")
    bad = run(
        tmp_path,
        "plan",
        "create",
        "--brand",
        "brand-trailhead",
        "--budget",
        "1000",
        "--start",
        "2026-07-01",
        "--end",
        "2026-07-14",
        "--min",
        "ch-meta:5",
    )
    assert_one_line_error(bad, 2, "--min 'ch-meta:5' is not CHANNEL=AMOUNT")
    nobody = run(
        tmp_path,
        "plan",
        "create",
        "--brand",
        "brand-nope",
        "--budget",
        "1000",
        "--start",
        "2026-07-01",
        "--end",
        "2026-07-14",
    )
    assert_one_line_error(nobody, 2, "--brand 'brand-nope': no brand with that id")
