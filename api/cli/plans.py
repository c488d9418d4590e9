"""``marketgraph plan …`` and ``marketgraph approvals``: the planner and its gates from a shell.

The CLI talks to the stores directly, as an operator would. A verdict needs the approver's
API key (``--key`` or ``MARKETGRAPH_API_KEY``): a typed name is not an identity. The key
must hold the approve capability and see the plan's brand (another brand's plan is not
found, as over HTTP); the approval records the key's name, role and id, and the same
policy applies as over HTTP (no approving your own plan unless the policy allows it).
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from pydantic import ValidationError

from agents.orchestrator.gates import Verdict
from agents.planner.models import PlanRequest, PlanResult
from api import plan_names
from api.cli._channels import LIMIT_FORM, brand_channels, plan_limits
from api.cli._common import one_line_errors, open_cli_services, out
from api.cli._format import Names, brand_currency, money
from api.cli._values import (
    AMOUNT_FORMS,
    UsageError,
    amount,
    day,
    existing_id,
    options_error,
    window,
)
from graph.errors import NodeNotFoundError
from graph.schema import Label
from reports.plan_runs import PlanRun
from workflows import plans

OBJECTIVES = ("revenue", "conversions")
API_KEY_ENV = "MARKETGRAPH_API_KEY"
_PLAN_OPTIONS = {
    "brand_id": "--brand",
    "start_date": "--start",
    "end_date": "--end",
    "constraints": "--min/--max",
    "min_line_budget": "--min-line",
}

_LIMIT_HELP = (
    " (CHANNEL is an id, name or kind: email=5k; a kind or name several channels share, or "
    "names joined by +, limit their total: search=15k, search+social=20k; AMOUNT may be a "
    "share of the budget: display=40%)"
)

plan_app = typer.Typer(help="Make, approve, execute and roll back plans.", no_args_is_help=True)

AsJson = Annotated[bool, typer.Option("--json", help="print JSON")]


def _show(plan: PlanResult, as_json: bool) -> None:
    if as_json:
        from api.schemas.plans import PlanPublic

        out.print_json(PlanPublic.of(plan).model_dump_json())
        return
    out.print(
        f"[bold]{plan.id}[/] version {plan.version} of {plan.family}: {plan.status}"
        f"{run_state(plan)}; {plan.brand_id}, {plan.budget:,} from {plan.start_date} to "
        f"{plan.end_date} ({plan.objective})",
        highlight=False,
    )
    for line in plan.lines:
        out.print(
            f"  {line.budget:>12,}  {line.channel_id} × {line.audience_id}  expected revenue "
            f"{line.revenue:,.2f} ({line.low:,.2f}–{line.high:,.2f}), ROAS {line.roas:.2f}  "
            f"[{line.allocation_id}]",
            highlight=False,
        )
    for total in plan.channels():
        share = float(total.budget / plan.budget) if plan.budget > 0 else 0.0
        out.print(
            f"  channel {total.channel_id}: {total.budget:,} ({share:.0%}) on {total.lines} "
            f"line{'s' if total.lines != 1 else ''}, expected revenue {total.revenue:,.2f}, "
            f"ROAS {total.roas:.2f}",
            highlight=False,
        )
    if plan.min_line_budget is not None:
        out.print(f"  minimum line: {plan.min_line_budget:,}", highlight=False)
    for warning in plan.warnings:
        out.print(
            f"  [yellow]warning[/] {warning['code']}: {warning['message']}",
            highlight=False,
            soft_wrap=True,
        )
    for task in plan.tasks:
        deps = f" after {', '.join(task['depends_on'])}" if task["depends_on"] else ""
        out.print(f"  task {task['id']} ({task['agent']}): {task['status']}{deps}", highlight=False)
    out.print(f"  rationale: {plan.rationale}", highlight=False, soft_wrap=True)
    out.print(f"  decision: {plan.decision_id}", highlight=False)


def run_state(plan: PlanResult) -> str:
    """What a handed-over plan is today, in words ("" before it is handed over)."""
    if plan.scheduled_for is not None:
        return f", scheduled for {plan.scheduled_for} (nothing is set on the channels before)"
    if plan.run_status is None:
        return ""
    return f", {plan.run_status} (spent {plan.spend_to_date or 0:,.2f} so far)"


@plan_app.command("create")
@one_line_errors
def create(
    brand: Annotated[str, typer.Option(help="the brand to plan for")],
    budget: Annotated[str, typer.Option(help=f"total budget of the period: {AMOUNT_FORMS}")],
    start: Annotated[str, typer.Option(help="first day, YYYY-MM-DD")],
    end: Annotated[str, typer.Option(help="last day, YYYY-MM-DD")],
    objective: Annotated[str | None, typer.Option(help="revenue or conversions")] = None,
    brief: Annotated[str | None, typer.Option(help="the brief, in words")] = None,
    minimum: Annotated[
        list[str] | None,
        typer.Option("--min", help=f"least spend: {LIMIT_FORM}, repeatable{_LIMIT_HELP}"),
    ] = None,
    maximum: Annotated[
        list[str] | None,
        typer.Option("--max", help=f"most spend: {LIMIT_FORM}, repeatable{_LIMIT_HELP}"),
    ] = None,
    min_line: Annotated[
        str | None,
        typer.Option(
            "--min-line",
            help="no line under this amount (default: the larger of 1 % of the budget and "
            "the policy's per-day floor times the days)",
        ),
    ] = None,
    requested_by: Annotated[str, typer.Option("--as", help="who asks for it")] = "cli",
    as_json: AsJson = False,
) -> None:
    """Plan a budget from the graph; the plan waits at its approval gate."""
    total = amount(budget, "--budget")
    least = amount(min_line, "--min-line") if min_line is not None else None
    if least is not None and least > total:
        raise UsageError(f"--min-line {min_line} is more than --budget {budget}")
    first, last = day(start, "--start"), day(end, "--end")
    window(first, last)
    if objective is not None and objective not in OBJECTIVES:
        raise UsageError(f"--objective {objective!r} is not one of {', '.join(OBJECTIVES)}")
    with open_cli_services() as services:
        brand = existing_id(services.graph, Label.BRAND, brand, "--brand")
        channels = brand_channels(services.graph, brand) if minimum or maximum else []
        body: dict[str, Any] = {
            "brand_id": brand,
            "budget": total,
            "start_date": first,
            "end_date": last,
            "brief": brief,
            "constraints": plan_limits(minimum, maximum, channels, total),
        }
        if objective is not None:
            body["objective"] = objective
        if least is not None:
            body["min_line_budget"] = least
        try:
            request = PlanRequest.model_validate(body)
        except ValidationError as e:
            raise options_error(e, _PLAN_OPTIONS) from None
        plan = plans.create_plan(services, request, requested_by)
    _show(plan, as_json)


@plan_app.command("list")
@one_line_errors
def list_command(
    brand: Annotated[str | None, typer.Option(help="only this brand's plans")] = None,
    status: Annotated[
        str | None,
        typer.Option(
            help=f"only plans with this status: {', '.join(plans.STATUS_FILTERS)} (scheduled, "
            "running, completed: what a handed-over plan is today, as the list shows it)"
        ),
    ] = None,
    limit: Annotated[int, typer.Option(help="at most this many (newest first)")] = 50,
    as_json: AsJson = False,
) -> None:
    """Plan versions, newest first: status, brand, budget, period, brief."""
    if status is not None and status not in plans.STATUS_FILTERS:
        raise UsageError(f"--status {status!r} is not one of {', '.join(plans.STATUS_FILTERS)}")
    if not 1 <= limit <= 1000:
        raise UsageError(f"--limit {limit} is not between 1 and 1000")
    with open_cli_services() as services:
        if brand is not None:
            brand = existing_id(services.graph, Label.BRAND, brand, "--brand")
        found = plans.list_plans(services, [brand] if brand else None, status, limit)
        nodes = [n for n, _ in found]
        titles = plan_names.names(services.graph, [plan_names.ref_of(n) for n in nodes])
        if as_json:
            from api.schemas.plans import PlanSummary

            rows = [
                PlanSummary.of(n, t, run).model_dump(mode="json")
                for (n, run), t in zip(found, titles, strict=True)
            ]
            out.print_json(json.dumps(rows))
            return
        names = Names(services.graph)
        names.load(Label.BRAND, (str(n.properties.get("brand_id") or "") for n in nodes))
        currencies = {
            b: brand_currency(services.graph, b)
            for b in {str(n.properties.get("brand_id") or "") for n in nodes}
            if b
        }
    if not nodes:
        out.print("no plans" + (f" with status {status}" if status else ""))
    for (n, run), title in zip(found, titles, strict=True):
        p = n.properties
        brand_id = str(p.get("brand_id") or "")
        currency = currencies.get(brand_id)
        shown = (run.run_status if run is not None else None) or str(p.get("status", ""))
        out.print(
            f"{n.id}  {shown:<16} {names(Label.BRAND, brand_id)}  "
            f"{money(float(p.get('budget') or 0), currency)}  "
            f"{p.get('start_date')}..{p.get('end_date')}  {title}{_run_words(run, currency)}",
            highlight=False,
        )


def _run_words(run: PlanRun | None, currency: str | None) -> str:
    """After a handed-over plan's line in the list (its status column says scheduled,
    running or completed): its first day while scheduled, else its spend so far."""
    if run is None or run.run_status is None:
        return ""
    if run.scheduled_for is not None:
        return f"  (scheduled for {run.scheduled_for})"
    return f"  (spent {money(run.spend_to_date, currency)} so far)"


@plan_app.command("show")
@one_line_errors
def show(
    plan_id: Annotated[str, typer.Argument(help="a plan version's id")], as_json: AsJson = False
) -> None:
    """A plan version with its lines, tasks and status."""
    with open_cli_services() as services:
        plan = plans.show_plan(services, plan_id)
    _show(plan, as_json)


KeyOpt = Annotated[
    str | None,
    typer.Option(
        "--key",
        envvar=API_KEY_ENV,
        show_envvar=True,
        help="the approver's API key (recorded by its name and role)",
    ),
]
# Hidden: a name typed after --as is refused with a line saying to use a key.
NameOpt = Annotated[str | None, typer.Option("--as", hidden=True)]


@plan_app.command("approve")
@one_line_errors
def approve(
    plan_id: Annotated[str, typer.Argument(help="a plan version waiting at its gate")],
    key: KeyOpt = None,
    comment: Annotated[str | None, typer.Option(help="why")] = None,
    as_json: AsJson = False,
    name: NameOpt = None,
) -> None:
    """Approve a plan version at its gate, with the approver's key."""
    _verdict(plan_id, "approved", key, name, comment, as_json)


@plan_app.command("reject")
@one_line_errors
def reject(
    plan_id: Annotated[str, typer.Argument(help="a plan version waiting at its gate")],
    key: KeyOpt = None,
    comment: Annotated[str | None, typer.Option(help="why")] = None,
    as_json: AsJson = False,
    name: NameOpt = None,
) -> None:
    """Reject a plan version at its gate, with the approver's key."""
    _verdict(plan_id, "rejected", key, name, comment, as_json)


def _verdict(
    plan_id: str,
    verdict: Verdict,
    key: str | None,
    name: str | None,
    comment: str | None,
    as_json: bool,
) -> None:
    if name is not None:
        raise UsageError(
            f"--as {name!r}: a typed name is not an identity; give the approver's key with "
            f"--key KEY or {API_KEY_ENV} (the approval records the key's name)"
        )
    if not (key or "").strip():
        raise UsageError(
            f"--key: a verdict needs the approver's API key (--key KEY or {API_KEY_ENV}; "
            "`marketgraph keys create --role approver --name NAME` makes one)"
        )
    with open_cli_services() as services:
        who = services.keys.authenticate(str(key).strip())
        if who is None:
            raise UsageError(f"--key: not a key of this deployment (or revoked; {API_KEY_ENV})")
        if not who.may("approve"):
            raise UsageError(
                f"--key: {who.name}'s key has role {who.role}, which may not approve "
                "(approver or admin may)"
            )
        brand = plans.show_plan(services, plan_id).brand_id
        if not who.sees_brand(brand):  # the same answer as a plan that is not there
            raise NodeNotFoundError(plan_id, "Plan")
        plan = plans.decide_plan(
            services, plan_id, verdict, who.name, who.role, comment, who.key_id
        )
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
    min_line: Annotated[
        str | None, typer.Option("--min-line", help="a new minimum line budget")
    ] = None,
    minimum: Annotated[
        list[str] | None,
        typer.Option(
            "--min",
            help=f"least spend: {LIMIT_FORM}, repeatable; --min/--max replace the plan's "
            f"limits (none given: they are kept){_LIMIT_HELP}",
        ),
    ] = None,
    maximum: Annotated[
        list[str] | None,
        typer.Option("--max", help=f"most spend: {LIMIT_FORM}, repeatable (as --min)"),
    ] = None,
    requested_by: Annotated[str, typer.Option("--as", help="who asks for it")] = "cli",
    as_json: AsJson = False,
) -> None:
    """A new version on fresh curves (it waits at the gate again)."""
    changes: dict[str, Any] = {}
    if budget is not None:
        changes["budget"] = str(amount(budget, "--budget"))
    if min_line is not None:
        changes["min_line_budget"] = str(amount(min_line, "--min-line"))
    first = day(start, "--start") if start is not None else None
    last = day(end, "--end") if end is not None else None
    window(first, last)
    for key, value in (("start_date", first), ("end_date", last)):
        if value is not None:
            changes[key] = value.isoformat()
    with open_cli_services() as services:
        if minimum or maximum:  # a share is of the new version's budget
            base = plans.show_plan(services, plan_id)
            total = amount(budget, "--budget") if budget is not None else base.budget
            channels = brand_channels(services.graph, base.brand_id)
            limits = plan_limits(minimum, maximum, channels, total)
            changes["constraints"] = json.loads(json.dumps(limits, default=str))
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
