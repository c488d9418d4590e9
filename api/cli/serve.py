"""``marketgraph serve`` (the API and the web console, with the demo data when empty) and
``marketgraph migrate`` (the schema it runs on)."""

from __future__ import annotations

import inspect
import os
from typing import Annotated, Any

import typer

from api.cli._common import one_line_errors, open_cli_services, out
from api.cli.demo import has_demo_data, load_demo, with_sandbox
from api.settings import get_settings
from graph.schema import Label
from migrations import apply_pending


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
        with open_cli_services(settings) as services:
            if services.graph.count(Label.BRAND) == 0:
                out.print("the graph is empty: loading the demo data set")
                load_demo(services, seed=7, outcome_rows=None)
            demo_data = has_demo_data(services)
        if demo_data:  # the demo brands run on the sandbox market in this process
            settings = with_sandbox(settings)
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_config": None,  # our handler, set above, formats uvicorn's lines too
        "log_level": settings.log_level.lower(),
        "access_log": False,  # the request middleware writes the access lines
    }
    count = workers or settings.workers
    if count > 1:  # each worker builds its app from the environment (api.app.serve_app)
        if settings.sandbox:  # the workers inherit it: the demo brands run on the sandbox
            os.environ["MARKETGRAPH_SANDBOX"] = "true"
        if "timeout_worker_healthcheck" in inspect.signature(uvicorn.run).parameters:
            options["timeout_worker_healthcheck"] = 120  # a worker loads the graph first
        uvicorn.run("api.app:serve_app", factory=True, workers=count, **options)
    else:
        uvicorn.run(create_app(settings), **options)


@one_line_errors
def migrate() -> None:
    """Apply pending schema migrations and record them in the graph."""
    with open_cli_services(migrate=False) as services:
        applied = apply_pending(services.graph)
    out.print(
        f"applied {', '.join(applied)}" if applied else "nothing to apply: schema is up to date"
    )
