"""The ``marketgraph`` command. Errors are one line and a non-zero exit, never a traceback."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import inspect
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Literal, ParamSpec, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from agents.channels.errors import ExecutionError
from agents.orchestrator import OrchestratorError
from agents.planner.errors import PlannerError
from api.auth import ApiKeyError, KeyRing, create_key, revoke_key
from api.services import Services, open_graph, open_services
from api.settings import ROLES, Settings, get_settings
from graph.base import GraphStore
from graph.errors import GraphError
from graph.schema import Label
from ingest import KINDS, IngestError, IngestReport, Part, ingest, read_file, read_rows
from ingest.errors import RecordsRejectedError
from ingest.readers import SourceInfo
from migrations import apply_pending
from retrieval.base import SearchMode

app = typer.Typer(
    help="MarketGraph: a knowledge graph and agents for marketing teams.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
keys_app = typer.Typer(help="Create, list and revoke API keys.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")
err = Console(stderr=True)
out = Console()

P = ParamSpec("P")
R = TypeVar("R")


def _fail(message: str, code: int = 1) -> typer.Exit:
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
            summary = f"{len(e.rejected)} bad record(s), nothing was written"
            err.print(f"[bold red]error:[/] {summary} (fix them, or use --skip-bad):")
            for r in e.rejected[:20]:
                err.print(f"  {r}", highlight=False, soft_wrap=True)
            if len(e.rejected) > 20:
                err.print(f"  … and {len(e.rejected) - 20} more", highlight=False)
            raise typer.Exit(1) from None
        except ValidationError as e:
            first = e.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise _fail(f"bad setting {where.upper()}: {first['msg']}", 2) from None
        except (
            GraphError,
            IngestError,
            PlannerError,
            OrchestratorError,
            ExecutionError,
            OSError,
            ValueError,
        ) as e:
            raise _fail(str(e)) from None
        except KeyboardInterrupt:
            raise _fail("interrupted", 130) from None
        except Exception as e:  # a defect: still one line, with where to look
            raise _fail(f"unexpected {type(e).__name__}: {e}") from None

    return wrapper


@contextmanager
def _services(
    settings: Settings | None = None, *, recreate_index: bool = False
) -> Iterator[Services]:
    services = open_services(settings or get_settings(), recreate_index=recreate_index)
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
def _progress(description: str) -> Iterator[Callable[[str, int, int], None]]:
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


def _print_report(report: IngestReport) -> None:
    if report.already_ingested:
        out.print(
            f"already ingested as {report.run_id}: {report.accepted} records, nothing changed"
        )
        return
    out.print(f"ingested {report.accepted} records as {report.run_id}")
    if report.rejected:
        out.print(f"skipped {len(report.rejected)} bad records (listed in {report.rejects_file}):")
        for r in report.rejected[:20]:
            out.print(f"  {r}", highlight=False)
    if report.index_pending:
        out.print(
            f"{report.index_pending} texts wait for the index (queued; the running server or "
            "`marketgraph reindex --pending` retries them)"
        )


@app.command()
@one_line_errors
def serve(
    host: Annotated[str, typer.Option(help="interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
    demo_if_empty: Annotated[
        bool, typer.Option("--demo-if-empty", help="load the demo data set when the graph is empty")
    ] = False,
    workers: Annotated[
        int | None,
        typer.Option(help="worker processes (default MARKETGRAPH_WORKERS, else 1)", min=1),
    ] = None,
) -> None:
    """Run the API (and web console)."""
    import uvicorn

    from api.app import create_app
    from api.logs import configure_logging

    settings = get_settings()
    configure_logging(settings.log_format, settings.log_level)
    if demo_if_empty:
        with _services(settings) as services:
            if services.graph.count(Label.BRAND) == 0:
                out.print("the graph is empty: loading the demo data set")
                _load_demo(services, seed=7, outcome_rows=None)
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_config": None,  # our handler, set above, formats uvicorn's lines too
        "log_level": settings.log_level.lower(),
        "access_log": False,  # the request middleware writes the access lines
    }
    count = workers or settings.workers
    if count > 1:  # each worker builds its app (see api.app.serve_app)
        if "timeout_worker_healthcheck" in inspect.signature(uvicorn.run).parameters:
            options["timeout_worker_healthcheck"] = 120  # a worker loads the graph first
        uvicorn.run("api.app:serve_app", factory=True, workers=count, **options)
    else:
        uvicorn.run(create_app(settings), **options)


def _load_demo(services: Services, seed: int, outcome_rows: int | None) -> IngestReport:
    from demo import generate

    dataset = generate(seed=seed, outcome_rows=outcome_rows, extras=True)
    parts = dataset_parts(dataset)
    with _progress("demo data") as progress:
        report = ingest(
            services.graph,
            parts,
            rejects_dir=services.settings.rejects_dir,
            progress=progress,
            on_written=services.index_written,
        )
    _print_report(report)
    return report


def dataset_parts(dataset: Any) -> list[Part]:
    """Turn a generated demo data set into ingest parts, one per kind."""
    parts = []
    for kind in KINDS:
        digest = hashlib.sha256()
        size = 0
        for record in dataset.records(kind):
            line = json.dumps(record, sort_keys=True).encode() + b"\n"
            digest.update(line)
            size += len(line)
        info = SourceInfo(name=f"demo:{kind}.jsonl", sha256=digest.hexdigest(), size=size)
        parts.append(Part(kind=kind, source=info, rows=enumerate(dataset.records(kind), start=1)))
    return parts


@app.command()
@one_line_errors
def demo(
    seed: Annotated[int, typer.Option(help="random seed of the generator")] = 7,
    outcome_rows: Annotated[
        int | None, typer.Option(help="scale outcomes to about this many rows (e.g. 100000)")
    ] = None,
    cycles: Annotated[
        int, typer.Option(help="plan → approve → execute → validate cycles to run (0: load only)")
    ] = 3,
    days: Annotated[int, typer.Option(help="days of each cycle")] = 28,
    brand: Annotated[str, typer.Option(help="the demo brand to run the cycles for")] = (
        "brand-trailhead"
    ),
    shock: Annotated[
        str | None,
        typer.Option(help="CHANNEL: halve that channel's curve from the second cycle on"),
    ] = None,
) -> None:
    """Load the demo data set, then run the whole loop on the sandbox market."""
    from api.cli_demo import run_demo_cycles

    if cycles < 0 or not 7 <= days <= 90:
        raise _fail("--cycles must be >= 0 and --days between 7 and 90", 2)
    with _services() as services:
        _load_demo(services, seed, outcome_rows)  # identical content: recognised, skipped
        counts = {label: services.graph.count(label) for label in _DEMO_LABELS}
        out.print(", ".join(f"{n} {label.value}" for label, n in counts.items()))
        if cycles:
            run_demo_cycles(services, brand=brand, cycles=cycles, days=days, shock=shock)


_DEMO_LABELS = (
    Label.BRAND,
    Label.CHANNEL,
    Label.AUDIENCE,
    Label.CAMPAIGN,
    Label.ASSET,
    Label.OUTCOME,
    Label.LEAD,
)


@app.command("ingest")
@one_line_errors
def ingest_command(
    kind: Annotated[str, typer.Argument(help=f"one of {', '.join(KINDS)}, or 'all' for a folder")],
    file: Annotated[
        Path | None, typer.Argument(help="a .jsonl or .csv file (a folder with 'all')")
    ] = None,
    skip_bad: Annotated[
        bool, typer.Option("--skip-bad", help="keep the good records; write rejects to a file")
    ] = False,
    source: Annotated[
        str | None,
        typer.Option(
            "--from",
            help="read a platform export instead: ingest --from SOURCE FILE (SOURCE: "
            "google-ads, meta-ads, ga4, hubspot-contacts, hubspot-deals, cms)",
        ),
    ] = None,
    brand: Annotated[str | None, typer.Option(help="with --from: the export's brand")] = None,
    channel: Annotated[
        str | None, typer.Option(help="with --from: put everything on this existing channel")
    ] = None,
    timezone: Annotated[
        str | None, typer.Option(help="with --from: time zone of timestamps without an offset")
    ] = None,
) -> None:
    """Ingest canonical records (DATA.md) from a file, or a platform export with --from."""
    if source is not None:
        if file is not None:
            raise _fail("with --from, give just the export: ingest --from SOURCE FILE", 2)
        _ingest_export(source, Path(kind), skip_bad, brand, channel, timezone)
        return
    if brand or channel or timezone:
        raise _fail("--brand, --channel and --timezone go with --from SOURCE", 2)
    if file is None:
        raise _fail("give a file: ingest KIND FILE (or ingest --from SOURCE FILE)", 2)
    if kind == "all":
        parts = _folder_parts(file)
    elif kind in KINDS:
        info, fmt, data = read_file(file)
        parts = [Part(kind=kind, source=info, rows=read_rows(data, fmt, info.name))]
    else:
        raise _fail(f"unknown kind {kind!r}; expected one of: {', '.join(KINDS)}, all", 2)
    with _services() as services, _progress(f"ingest {file.name}") as progress:
        report = ingest(
            services.graph,
            parts,
            skip_bad=skip_bad,
            rejects_dir=services.settings.rejects_dir,
            progress=progress,
            on_written=services.index_written,
        )
        if not report.already_ingested and any(p.kind == "outcomes" for p in parts):
            services.outcomes_arrived(report.run_id)  # the validation agent checks the plans
    _print_report(report)


def _ingest_export(
    source: str,
    path: Path,
    skip_bad: bool,
    brand: str | None,
    channel: str | None,
    timezone: str | None,
) -> None:
    from ingest.connectors import UnknownSourceError, get_connector, ingest_export
    from ingest.connectors.files import export_from_path

    try:
        get_connector(source)  # an unknown source fails before anything is opened
    except UnknownSourceError as e:
        raise _fail(str(e), 2) from None
    export = export_from_path(path)
    with _services() as services, _progress(f"ingest {path.name}") as progress:
        result = ingest_export(
            services.graph,
            source,
            export,
            brand_id=brand,
            channel_id=channel,
            timezone=timezone,
            skip_bad=skip_bad,
            rejects_dir=services.settings.rejects_dir,
            progress=progress,
            on_written=services.index_written,
        )
    counts = ", ".join(f"{n} {kind}" for kind, n in result.records.items() if n)
    out.print(f"{source} export for {result.brand_id}: {counts}", highlight=False)
    for note in result.notes:
        out.print(f"  note: {note}", highlight=False)
    _print_report(result.report)


def _folder_parts(folder: Path) -> list[Part]:
    if not folder.is_dir():
        raise _fail(f"{folder}: with kind 'all', give a folder holding files like brands.jsonl", 2)
    parts = []
    for kind in KINDS:
        for suffix in (".jsonl", ".csv"):
            path = folder / f"{kind}{suffix}"
            if path.exists():
                info, fmt, data = read_file(path)
                parts.append(Part(kind=kind, source=info, rows=read_rows(data, fmt, info.name)))
    if not parts:
        names = ", ".join(f"{k}.jsonl" for k in KINDS)
        raise _fail(f"{folder}: no record files found; expected some of {names}", 2)
    return parts


@app.command()
@one_line_errors
def migrate() -> None:
    """Apply pending schema migrations and record them in the graph."""
    with _open_unmigrated() as services:
        applied = apply_pending(services.graph)
    out.print(
        f"applied {', '.join(applied)}" if applied else "nothing to apply: schema is up to date"
    )


@contextmanager
def _open_unmigrated() -> Iterator[Services]:
    services = open_services(get_settings(), migrate=False)
    try:
        yield services
    finally:
        services.close()


@app.command()
@one_line_errors
def lineage(
    node_id: Annotated[str, typer.Argument(help="a node id, or Label:id when ids collide")],
    direction: Annotated[str, typer.Option(help="up: causes; down: effects")] = "up",
    depth: Annotated[int, typer.Option(help="how many steps to follow (1-10)")] = 3,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Show what led to (up) or followed from (down) a node."""
    if direction not in ("up", "down"):
        raise _fail(f"--direction must be up or down, got {direction!r}", 2)
    walk: Literal["up", "down"] = "up" if direction == "up" else "down"
    with _services() as services:
        ref = services.graph.resolve(node_id)
        sub = services.graph.get_lineage(ref, walk, depth)
    if as_json:
        from api.schemas.graph import SubgraphPublic

        out.print_json(SubgraphPublic.of(sub).model_dump_json())
        return
    summary = f"{len(sub.nodes)} nodes, {len(sub.edges)} edges"
    out.print(f"[bold]{sub.root}[/] ({walk}, depth {depth}): {summary}")
    for e in sub.edges:
        out.print(f"  {e.src} -[{e.type.value}]-> {e.dst}", highlight=False)
    if sub.truncated:
        out.print("  … truncated at the node limit")


@app.command()
@one_line_errors
def search(
    query: Annotated[str, typer.Argument(help="what to look for, in words")],
    brand: Annotated[str | None, typer.Option(help="only this brand's items")] = None,
    k: Annotated[int, typer.Option(help="how many texts")] = 10,
    mode: Annotated[str, typer.Option(help="hybrid, sparse or dense")] = "hybrid",
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Search the team's texts and show them with their graph context."""
    modes: dict[str, SearchMode] = {"hybrid": "hybrid", "sparse": "sparse", "dense": "dense"}
    if mode not in modes:
        raise _fail(f"--mode must be hybrid, sparse or dense, got {mode!r}", 2)
    if not 1 <= k <= 100:
        raise _fail(f"-k must be between 1 and 100, got {k}", 2)
    with _services() as services:
        bundle = services.retriever.search(query, k=k, brand_id=brand, mode=modes[mode])
    if as_json:
        from api.schemas.search import SearchPublic

        out.print_json(SearchPublic.of(bundle).model_dump_json())
        return
    out.print(f"[bold]{len(bundle.items)} items[/] ({bundle.mode})")
    for item in bundle.items:
        indent = "    " if item.via else ""
        out.print(f"{indent}{item.score:.4f}  {item.node_id}  {item.title}", highlight=False)
        out.print(f"{indent}        {item.reason}", highlight=False, style="dim")


@app.command()
@one_line_errors
def reindex(
    recreate: Annotated[
        bool, typer.Option("--recreate", help="drop the collection first (after a model change)")
    ] = False,
    pending: Annotated[
        bool, typer.Option("--pending", help="only retry queued index work")
    ] = False,
) -> None:
    """Rebuild the text index from the graph (or retry the queued work)."""
    with _services(recreate_index=recreate) as services:
        if pending:
            report = services.indexer.retry_pending()
            out.print(f"indexed {report.indexed} texts; {report.pending} still pending")
            return
        with _progress("reindex") as progress:
            report = services.indexer.reindex_all(progress)
        out.print(f"indexed {report.indexed} texts; {report.pending} pending")


@app.command("research")
@one_line_errors
def research_command(
    topic: Annotated[str, typer.Argument(help="the topic or brief to research, in words")],
    brand: Annotated[str, typer.Option(help="the brand researched for")],
    brief_id: Annotated[
        str | None, typer.Option(help="an existing Brief, or the id to give a new one")
    ] = None,
    window_days: Annotated[int, typer.Option(help="days of outcomes to test for trends")] = 120,
    as_of: Annotated[
        str | None, typer.Option(help="last day of the window (default: the last outcome)")
    ] = None,
    metric: Annotated[str, typer.Option(help="roas, conversion_rate or ctr")] = "roas",
    external: Annotated[
        bool, typer.Option("--external/--no-external", help="ask the configured web tools")
    ] = True,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Research a topic for a brand: competitor angles, trends, audiences, suggestions."""
    from agents.research import ResearchRequest
    from api.cli_research import print_research
    from api.routes.research import run_research
    from api.schemas.research import ResearchCreate, ResearchPublic

    fields = {
        "topic": topic,
        "brand_id": brand,
        "brief_id": brief_id,
        "window_days": window_days,
        "as_of": as_of,
        "metric": metric,
        "external": external,
    }
    try:
        request = ResearchCreate.model_validate(fields)
    except ValidationError as e:
        first = e.errors()[0]
        where = "--" + "-".join(str(p) for p in first["loc"]).replace("_", "-")
        raise _fail(f"{where}: {first['msg']}", 2) from None
    assert isinstance(request, ResearchRequest)
    with _services() as services:
        result = run_research(services, request)
    if as_json:
        out.print_json(ResearchPublic.of(result).model_dump_json())
        return
    print_research(out, ResearchPublic.of(result))


@keys_app.command("create")
@one_line_errors
def keys_create(
    role: Annotated[str, typer.Option(help=f"one of {', '.join(ROLES)}")],
    name: Annotated[str, typer.Option(help="who or what the key is for")],
    brand: Annotated[
        list[str] | None,
        typer.Option(help="limit the key to this brand (repeat for several; default: all)"),
    ] = None,
) -> None:
    """Create an API key (stored hashed; printed once)."""
    if role not in ROLES:
        raise _fail(f"unknown role {role!r}; roles are {', '.join(ROLES)}", 2)
    settings = get_settings()
    try:
        key = create_key(settings.keys_path, role, name, brand or None)
    except ApiKeyError as e:
        raise _fail(str(e), 2) from None
    out.print(key, highlight=False)


@keys_app.command("list")
@one_line_errors
def keys_list(
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """List the keys: id, name, role, brands, created and revoked (never the keys)."""
    settings = get_settings()
    infos = KeyRing(settings.configured_keys(), settings.keys_path).list()
    if as_json:
        out.print_json(json.dumps([dataclasses.asdict(i) for i in infos]))
        return
    for i in infos:
        brands = ", ".join(i.brands) if i.brands is not None else "all brands"
        state = f"revoked {i.revoked_at}" if i.revoked_at else "live"
        made = f"created {i.created_at}" if i.created_at else f"from {i.source}"
        out.print(f"{i.id}  {i.role:<8}  {i.name}  ({brands}; {made}; {state})", highlight=False)


@keys_app.command("revoke")
@one_line_errors
def keys_revoke(
    key: Annotated[str, typer.Argument(help="the key's id (key_…) or its name")],
) -> None:
    """Revoke a key at once (it stays listed, with when it was revoked)."""
    settings = get_settings()
    try:
        ids = revoke_key(settings.keys_path, key)
    except ApiKeyError as e:
        raise _fail(str(e)) from None
    out.print(f"revoked {', '.join(ids)}", highlight=False)


# Imported last: these modules add their commands to ``app`` using the helpers above.
from api import cli_plans, outbox_cli  # noqa: E402, F401

# The use-case commands live in api/cli_usecases.py and use these two helpers.
fail = _fail
open_cli_services = _services

from api.cli_usecases import usecase_app  # noqa: E402  (it imports the helpers above)

app.add_typer(usecase_app, name="usecase")

from api.cli_audit import audit_app  # noqa: E402  (it imports the helpers above)

app.add_typer(audit_app, name="audit")


def main() -> None:
    """Entry point with settings errors reported as one line too."""
    try:
        app()
    except ValidationError as e:  # pragma: no cover - raised before a command runs
        first = e.errors()[0]
        err.print(f"error: bad setting {first['loc']}: {first['msg']}")
        sys.exit(2)
