"""What every command of ``marketgraph`` shares: the consoles, one-line errors, the stores
opened for one command, the progress bar and the ingest report."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, ParamSpec, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from agents.channels.errors import ExecutionError
from agents.orchestrator import OrchestratorError
from agents.planner.errors import PlannerError
from api.cli._values import UsageError
from api.services import Services, open_graph, open_services
from api.settings import Settings, get_settings
from graph.base import GraphStore
from graph.errors import GraphError
from ingest import IngestError, IngestReport
from ingest.errors import RecordsRejectedError
from migrations import apply_pending
from retrieval.errors import IndexUnavailableError

# soft_wrap: lines are never broken at the console's width, so output piped to a file or
# another program (where rich would assume 80 columns) keeps each line whole.
err = Console(stderr=True, soft_wrap=True)
out = Console(soft_wrap=True)

INDEX_HINT = (
    "a running `marketgraph serve` lends its embedded index to commands beside it; "
    "several processes can also share a Qdrant server with MARKETGRAPH_QDRANT_URL"
)

JsonOpt = Annotated[bool, typer.Option("--json", help="print JSON")]

P = ParamSpec("P")
R = TypeVar("R")


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print one error line on stderr; the caller raises the returned exit."""
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def one_line_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Turn every error into one line on stderr and exit status 1 (2 for bad settings)."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except typer.Exit:
            raise
        except RecordsRejectedError as e:
            counted = f"{e.total:,} or more" if e.stopped else f"{e.total:,}"
            summary = f"{counted} bad record(s), nothing was written"
            err.print(f"[bold red]error:[/] {summary} (fix them, or use --skip-bad):")
            for r in e.rejected[:20]:
                err.print(f"  {r}", highlight=False, soft_wrap=True)
            if e.total > 20:
                err.print(f"  … and {e.total - 20:,} more", highlight=False)
            raise typer.Exit(1) from None
        except UsageError as e:
            raise fail(str(e), 2) from None
        except IndexUnavailableError as e:
            raise fail(f"{e} ({INDEX_HINT})") from None
        except ValidationError as e:
            first = e.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise fail(f"bad setting {where.upper()}: {first['msg']}", 2) from None
        except (
            GraphError,
            IngestError,
            PlannerError,
            OrchestratorError,
            ExecutionError,
            OSError,
            ValueError,
        ) as e:
            raise fail(str(e)) from None
        except KeyboardInterrupt:
            raise fail("interrupted", 130) from None
        except Exception as e:  # a defect: still one line, with where to look
            raise fail(f"unexpected {type(e).__name__}: {e}") from None

    return wrapper


@contextmanager
def open_cli_services(
    settings: Settings | None = None, *, recreate_index: bool = False, migrate: bool = True
) -> Iterator[Services]:
    """Every store and agent, opened for one command and closed after it."""
    services = open_services(
        settings or get_settings(),
        recreate_index=recreate_index,
        migrate=migrate,  # the index opens on first use: no word about one a command never reads
    )
    try:
        yield services
    finally:
        services.close()


@contextmanager
def open_cli_graph() -> Iterator[GraphStore]:
    """The graph alone, migrated (no text index, no LLM): quick to open, for commands that
    need nothing else (the outbox, the audit chain)."""
    graph = open_graph(get_settings())
    try:
        apply_pending(graph)
        yield graph
    finally:
        graph.close()


@contextmanager
def progress_bar(description: str) -> Iterator[Callable[[str, int, int], None]]:
    """A progress bar on stderr, fed by the ingest pipeline's (stage, done, total) calls."""
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task(description, total=None)

        def update(stage: str, done: int, total: int) -> None:
            bar.update(
                task, description=f"{description}: {stage}", completed=done, total=total or None
            )

        yield update


def print_report(report: IngestReport) -> None:
    """An ingest run: what landed, what was skipped, what waits for the index."""
    if report.already_ingested:
        out.print(
            f"already ingested as {report.run_id}: {report.accepted} records, nothing changed"
        )
        return
    out.print(f"ingested {report.accepted} records as {report.run_id}")
    if report.rejected:
        count = max(report.rejected_count, len(report.rejected))
        out.print(f"skipped {count:,} bad records (listed in {report.rejects_file}):")
        for r in report.rejected[:20]:
            out.print(f"  {r}", highlight=False)
    if report.index_pending:
        out.print(
            f"{report.index_pending} texts wait for the index (queued; the running server or "
            "`marketgraph reindex --pending` retries them)"
        )
