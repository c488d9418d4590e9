"""``marketgraph ingest``: canonical records from a file or a folder, or a platform export."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from api.cli._common import (
    fail,
    one_line_errors,
    open_cli_services,
    out,
    print_report,
    progress_bar,
)
from ingest import KINDS, Part, read_file, read_rows
from workflows.ingest import ingest_platform_export, ingest_records


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
            raise fail("with --from, give just the export: ingest --from SOURCE FILE", 2)
        _ingest_export(source, Path(kind), skip_bad, brand, channel, timezone)
        return
    if brand or channel or timezone:
        raise fail("--brand, --channel and --timezone go with --from SOURCE", 2)
    if file is None:
        raise fail("give a file: ingest KIND FILE (or ingest --from SOURCE FILE)", 2)
    if kind == "all":
        parts = _folder_parts(file)
    elif kind in KINDS:
        info, fmt, data = read_file(file)
        parts = [Part(kind=kind, source=info, rows=read_rows(data, fmt, info.name))]
    else:
        raise fail(f"unknown kind {kind!r}; expected one of: {', '.join(KINDS)}, all", 2)
    with open_cli_services() as services, progress_bar(f"ingest {file.name}") as progress:
        report = ingest_records(services, parts, skip_bad=skip_bad, progress=progress)
    print_report(report)


def _ingest_export(
    source: str,
    path: Path,
    skip_bad: bool,
    brand: str | None,
    channel: str | None,
    timezone: str | None,
) -> None:
    from ingest.connectors import UnknownSourceError, get_connector
    from ingest.connectors.files import export_from_path

    try:
        get_connector(source)  # an unknown source fails before anything is opened
    except UnknownSourceError as e:
        raise fail(str(e), 2) from None
    export = export_from_path(path)
    with open_cli_services() as services, progress_bar(f"ingest {path.name}") as progress:
        result = ingest_platform_export(
            services,
            source,
            export,
            brand_id=brand,
            channel_id=channel,
            timezone=timezone,
            skip_bad=skip_bad,
            progress=progress,
        )
    counts = ", ".join(f"{n} {kind}" for kind, n in result.records.items() if n)
    out.print(f"{source} export for {result.brand_id}: {counts}", highlight=False)
    for note in result.notes:
        out.print(f"  note: {note}", highlight=False)
    print_report(result.report)


def _folder_parts(folder: Path) -> list[Part]:
    if not folder.is_dir():
        raise fail(f"{folder}: with kind 'all', give a folder holding files like brands.jsonl", 2)
    parts = []
    for kind in KINDS:
        for suffix in (".jsonl", ".csv"):
            path = folder / f"{kind}{suffix}"
            if path.exists():
                info, fmt, data = read_file(path)
                parts.append(Part(kind=kind, source=info, rows=read_rows(data, fmt, info.name)))
    if not parts:
        names = ", ".join(f"{k}.jsonl" for k in KINDS)
        raise fail(f"{folder}: no record files found; expected some of {names}", 2)
    return parts
