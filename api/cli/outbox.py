"""``marketgraph outbox …``: list the webhook outbox, retry an entry, run the delivery worker."""

from __future__ import annotations

import threading
from typing import Annotated

import typer

from agents.channels.outbox import (
    STATUSES,
    EntryStatus,
    OutboxWorker,
    deliver_forever,
    list_entries,
    retry_entry,
)
from api.cli._common import fail, one_line_errors, open_cli_graph, out
from api.services import webhook_config
from api.settings import get_settings

outbox_app = typer.Typer(
    help="The webhook outbox: list, retry by hand, deliver.", no_args_is_help=True
)


@outbox_app.command("list")
@one_line_errors
def outbox_list(
    status: Annotated[str | None, typer.Option(help=f"only one of {', '.join(STATUSES)}")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """List the actions waiting for delivery or failed at it."""
    if status is not None and status not in STATUSES:
        raise fail(f"--status must be one of {', '.join(STATUSES)}, got {status!r}", 2)
    wanted: EntryStatus | None = next((s for s in STATUSES if s == status), None)
    with open_cli_graph() as graph:
        entries = list_entries(graph, wanted)
    if as_json:
        from api.schemas.outbox import OutboxEntryPublic

        out.print_json(data=[OutboxEntryPublic.of(e).model_dump(mode="json") for e in entries])
        return
    out.print(f"[bold]{len(entries)} outbox entries[/]" + (f" ({status})" if status else ""))
    for e in entries:
        why = f"  {e.last_error}" if e.last_error else ""
        out.print(
            f"{e.id}  {e.status:<10} {e.attempts}/{e.max_attempts}  {e.channel_id}  "
            f"key={e.idempotency_key}{why}",
            highlight=False,
        )


@outbox_app.command("retry")
@one_line_errors
def outbox_retry(
    entry_id: Annotated[str, typer.Argument(help="the entry id (exe_…) or its idempotency key")],
) -> None:
    """Send a failed entry again now, with a fresh count of attempts."""
    with open_cli_graph() as graph:
        entry = retry_entry(graph, entry_id, by="cli")
    out.print(f"{entry.id} is pending again; the next delivery pass sends it", highlight=False)


@outbox_app.command("deliver")
@one_line_errors
def outbox_deliver(
    loop: Annotated[bool, typer.Option("--loop", help="keep delivering until interrupted")] = False,
    interval: Annotated[float, typer.Option(help="seconds between passes with --loop")] = 5.0,
    limit: Annotated[int, typer.Option(help="most entries per pass")] = 100,
) -> None:
    """Deliver due outbox entries to their webhooks (once, or in a loop)."""
    settings = get_settings()
    config = webhook_config(settings)
    if config is None:
        raise fail(
            "no webhook file: set MARKETGRAPH_WEBHOOKS_FILE or create "
            f"{settings.data_dir / 'webhooks.toml'}",
            2,
        )
    with open_cli_graph() as graph:
        worker = OutboxWorker(graph, config)
        try:
            if loop:
                deliver_forever(worker, interval, threading.Event())
                return
            report = worker.deliver_pending(limit)
        finally:
            worker.close()
    out.print(
        f"delivered {report.delivered}, retrying {report.retrying}, failed {report.failed}, "
        f"taken by other workers {report.lost}"
    )
