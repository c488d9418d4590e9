"""The ``marketgraph`` command. Errors are one line and a non-zero exit, never a traceback.

One module per command group; this root only composes them (nothing imports it but the
console script). Shared helpers live in :mod:`api.cli._common`.
"""

from __future__ import annotations

import sys

import typer
from pydantic import ValidationError

from api.cli import audit, demo, ingest, keys, lineage, outbox, plans, reports, research, search
from api.cli import serve as serve_
from api.cli._common import err

app = typer.Typer(
    help="MarketGraph: a knowledge graph and agents for marketing teams.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

app.command()(serve_.serve)
app.command()(demo.demo)
app.command("ingest")(ingest.ingest_command)
app.command()(serve_.migrate)
app.command()(lineage.lineage)
app.command()(search.search)
app.command()(search.reindex)
app.command("research")(research.research_command)
app.command()(plans.approvals)
app.command()(plans.work)

app.add_typer(keys.keys_app, name="keys")
app.add_typer(plans.plan_app, name="plan")
app.add_typer(outbox.outbox_app, name="outbox")
app.add_typer(reports.usecase_app, name="usecase")
app.add_typer(audit.audit_app, name="audit")


def main() -> None:
    """Entry point with settings errors reported as one line too."""
    try:
        app()
    except ValidationError as e:  # pragma: no cover - raised before a command runs
        first = e.errors()[0]
        err.print(f"error: bad setting {first['loc']}: {first['msg']}")
        sys.exit(2)
