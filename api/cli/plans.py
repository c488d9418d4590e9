"""``marketgraph plan …`` and ``marketgraph approvals``: the planner and its gates from a shell.

The CLI talks to the stores directly, as an operator would; verdicts name who gives them
(``--as``), which the approval records, and the same policy applies as over HTTP (no
approving your own plan unless the policy allows it).
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

import typer

from agents.planner.models import PlanRequest, PlanResult
from api.cli._common import fail, one_line_errors, open_cli_services, out
from workflows import plans

plan_app = typer.Typer(help="Make, approve, execute and roll back plans.", no_args_is_help=True)

AsJson = Annotated[bool, typer.Option("--json", help="print JSON")]


def _limits(values: list[str] | None, option: str) -> dict[str, Decimal]:
    out_: dict[str, Decimal] = {}
    for value in values or []:
        channel, sep, amount = value.partition("=")
        try:
            if not sep or not channel:
                raise InvalidOperation
            out_[channel.strip()] = Decimal(amount.strip())
        except InvalidOperation:
            raise fail(f"{option} takes CHANNEL=AMOUNT, got {value!r}", 2) from None
    return out_


def _show(plan: PlanResult, as_json: bool) -> None:
    if as_json:
        from api.schemas.plans import PlanPublic

        out.print_json(PlanPublic.of(plan).model_dump_json())
        return
    out.print(
        f"[bold]{plan.id}[/] version {plan.version} of {plan.family}: {plan.status}; "
        f"{plan.brand_id}, {plan.budget:,} from {plan.start_date} to {plan.end_date} "
        f"({plan.objective})",
        highlight=False,
    )
    for line in plan.lines:
        out.print(
            f"  {line.budget:>12,}  {line.channel_id} × {line.audience_id}  expected revenue "
            f"{line.revenue:,.2f} ({line.low:,.2f}–{line.high:,.2f}), ROAS {line.roas:.2f}  "
            f"[{line.allocation_id}]",
            highlight=False,
        )
    for task in plan.tasks:
        deps = f" after {', '.join(task['depends_on'])}" if task["depends_on"] else ""
        out.print(f"  task {task['id']} ({task['agent']}): {task['status']}{deps}", highlight=False)
    out.print(f"  rationale: {plan.rationale}", highlight=False, soft_wrap=True)
    out.print(f"  decision: {plan.decision_id}", highlight=False)


@plan_app.command("create")
@one_line_errors
def create(
    brand: Annotated[str, typer.Option(help="the brand to plan for")],
    budget: Annotated[str, typer.Option(help="total budget of the period")],
    start: Annotated[str, typer.Option(help="first day, YYYY-MM-DD")],
    end: Annotated[str, typer.Option(help="last day, YYYY-MM-DD")],
    objective: Annotated[str | None, typer.Option(help="revenue or conversions")] = None,
    brief: Annotated[str | None, typer.Option(help="the brief, in words")] = None,
    minimum: Annotated[
        list[str] | None, typer.Option("--min", help="CHANNEL=AMOUNT, repeatable")
    ] = None,
    maximum: Annotated[
        list[str] | None, typer.Option("--max", help="CHANNEL=AMOUNT, repeatable")
    ] = None,
    requested_by: Annotated[str, typer.Option("--as", help="who asks for it")] = "cli",
    as_json: AsJson = False,
) -> None:
    """Plan a budget from the graph; the plan waits at its approval gate."""
    body: dict[str, Any] = {
        "brand_id": brand,
        "budget": budget,
        "start_date": start,
        "end_date": end,
        "brief": brief,
        "constraints": {"min": _limits(minimum, "--min"), "max": _limits(maximum, "--max")},
    }
    if objective is not None:
        body["objective"] = objective
    request = PlanRequest.model_validate(body)
    with open_cli_services() as services:
        plan = plans.create_plan(services, request, requested_by)
    _show(plan, as_json)


@plan_app.command("show")
@one_line_errors
def show(
    plan_id: Annotated[str, typer.Argument(help="a plan version's id")], as_json: AsJson = False
) -> None:
    """A plan version with its lines, tasks and status."""
    with open_cli_services() as services:
        plan = plans.show_plan(services, plan_id)
    _show(plan, as_json)


@plan_app.command("approve")
@one_line_errors
def approve(
    plan_id: Annotated[str, typer.Argument(help="a plan version waiting at its gate")],
    actor: Annotated[str, typer.Option("--as", help="who approves (recorded)")],
    comment: Annotated[str | None, typer.Option(help="why")] = None,
    as_json: AsJson = False,
) -> None:
    """Approve a plan version at its gate."""
    with open_cli_services() as services:
        plan = plans.decide_plan(services, plan_id, "approved", actor, "admin", comment)
    _show(plan, as_json)


@plan_app.command("reject")
@one_line_errors
def reject(
    plan_id: Annotated[str, typer.Argument(help="a plan version waiting at its gate")],
    actor: Annotated[str, typer.Option("--as", help="who rejects (recorded)")],
    comment: Annotated[str | None, typer.Option(help="why")] = None,
    as_json: AsJson = False,
) -> None:
    """Reject a plan version at its gate."""
    with open_cli_services() as services:
        plan = plans.decide_plan(services, plan_id, "rejected", actor, "admin", comment)
    _show(plan, as_json)


@plan_app.command("execute")
@one_line_errors
def execute(
    plan_id: Annotated[str, typer.Argument(help="an approved plan version")],
    requested_by: Annotated[str, typer.Option("--as", help="who hands it over")] = "cli",
    wait: Annotated[
        bool, typer.Option(help="run its tasks here until nothing is left to do")
    ] = True,
    as_json: AsJson = False,
) -> None:
    """Hand an approved plan to the execution agents (and run them, unless --no-wait)."""
    with open_cli_services() as services:
        plan = plans.execute_plan(services, plan_id, requested_by, wait=wait)
    _show(plan, as_json)


@plan_app.command("replan")
@one_line_errors
def replan(
    plan_id: Annotated[str, typer.Argument(help="the version to start from")],
    budget: Annotated[str | None, typer.Option(help="a new total budget")] = None,
    start: Annotated[str | None, typer.Option(help="a new first day")] = None,
    end: Annotated[str | None, typer.Option(help="a new last day")] = None,
    requested_by: Annotated[str, typer.Option("--as", help="who asks for it")] = "cli",
    as_json: AsJson = False,
) -> None:
    """A new version on fresh curves (it waits at the gate again)."""
    changes: dict[str, Any] = {}
    if budget is not None:
        changes["budget"] = budget
    for key, value in (("start_date", start), ("end_date", end)):
        if value is not None:
            changes[key] = date.fromisoformat(value).isoformat()
    with open_cli_services() as services:
        plan = plans.replan(services, plan_id, changes, requested_by)
    _show(plan, as_json)


@plan_app.command("rollback")
@one_line_errors
def rollback(
    plan_id: Annotated[str, typer.Argument(help="any version of the plan")],
    to_version: Annotated[int, typer.Option("--to-version", help="the version to go back to")],
    requested_by: Annotated[str, typer.Option("--as", help="who asks for it")] = "cli",
    as_json: AsJson = False,
) -> None:
    """A new version equal to an earlier one, recorded as a decision."""
    with open_cli_services() as services:
        plan = plans.rollback(services, plan_id, to_version, requested_by)
    _show(plan, as_json)


@one_line_errors
def approvals(as_json: AsJson = False) -> None:
    """What waits for a human: plan versions and tasks at their gates."""
    with open_cli_services() as services:
        items = plans.approvals(services)
    if as_json:
        out.print_json(json.dumps(items, default=str))
        return
    if not items:
        out.print("nothing waits for approval")
    for item in items:
        out.print(
            f"{item['decision_id']}  {item['action']:<13} {item['subject']}  "
            f"{item['approvals']}/{item['approvers_needed']} approvals  {item['summary']}",
            highlight=False,
        )


@one_line_errors
def work(
    once: Annotated[bool, typer.Option("--once", help="one pass, then exit")] = False,
) -> None:
    """Run the worker: due events and executing plans (a server runs one itself)."""
    import time

    with open_cli_services() as services:
        orchestrator = services.orchestrator
        while True:
            reports = orchestrator.run_until_idle()
            ran = sum(len(r.ran) for report in reports for r in report.runs)
            events = sum(report.events for report in reports)
            if once:
                out.print(f"handled {events} events, ran {ran} tasks")
                return
            time.sleep(services.settings.worker_seconds)
