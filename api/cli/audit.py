"""``marketgraph audit …``: verify the audit chain, print its head for outside anchoring."""

from __future__ import annotations

import re
from typing import Annotated

import typer

from api.cli._common import fail, one_line_errors, open_cli_graph, out
from graph.audit import HEAD_REF, ChainHead, verify_chain

audit_app: typer.Typer = typer.Typer(
    help="The audit chain of decisions, approvals and executions: verify it, print its head.",
    no_args_is_help=True,
)

JsonOpt = Annotated[bool, typer.Option("--json", help="print JSON")]
_ANCHOR = re.compile(r"^(\d+):([0-9a-f]{64})$")


@audit_app.command("verify")
@one_line_errors
def audit_verify(
    as_json: JsonOpt = False,
    anchor: Annotated[
        str | None,
        typer.Option(help="SEQ:HASH printed earlier by `audit head`: that record must still match"),
    ] = None,
) -> None:
    """Check every sealed record, link, edge and the head; exit 1 listing what is wrong."""
    anchored: tuple[int, str] | None = None
    if anchor is not None:
        match = _ANCHOR.match(anchor.strip().lower())
        if match is None:
            raise fail(f"--anchor must be SEQ:HASH (64 hex digits), got {anchor!r}", 2)
        anchored = (int(match.group(1)), match.group(2))
    with open_cli_graph() as graph:
        report = verify_chain(graph, anchor=anchored)
    if as_json:
        from api.schemas.audit import AuditReportPublic

        out.print_json(data=AuditReportPublic.of(report).model_dump(mode="json"))
    else:
        out.print(report.summary(), highlight=False, soft_wrap=True)
        if report.unsealed:
            out.print(
                f"{report.unsealed} records from before the chain existed are unsealed",
                highlight=False,
            )
        for finding in report.findings:
            out.print(f"  {finding}", highlight=False, soft_wrap=True)
    if not report.intact:
        raise typer.Exit(1)


@audit_app.command("head")
@one_line_errors
def audit_head(as_json: JsonOpt = False) -> None:
    """Print the chain's head (seq and hash): keep it outside the database to anchor the
    chain, then check it later with `audit verify --anchor SEQ:HASH`."""
    with open_cli_graph() as graph:
        node = graph.get_node(HEAD_REF)
    head = ChainHead.of(node.properties if node else None)
    updated = node.properties.get("updated_at") if node else None
    if as_json:
        out.print_json(data={"seq": head.seq, "hash": head.hash, "updated_at": updated})
        return
    out.print(f"seq {head.seq} hash {head.hash}", highlight=False, soft_wrap=True)
