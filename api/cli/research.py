"""``marketgraph research``: a research brief for a brand, printed as sections of short
lines, each followed by the nodes it cites (the first three, and how many more)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console

from agents.research import Citation, ResearchRequest
from api.cli._common import fail, one_line_errors, open_cli_services, out
from api.schemas.research import ResearchCreate, ResearchPublic
from workflows.research import run_research


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
        raise fail(f"{where}: {first['msg']}", 2) from None
    assert isinstance(request, ResearchRequest)
    with open_cli_services() as services:
        result = run_research(services, request)
    if as_json:
        out.print_json(ResearchPublic.of(result).model_dump_json())
        return
    print_research(out, ResearchPublic.of(result))


def print_research(out: Console, brief: ResearchPublic) -> None:
    """The research brief as sections of short lines, each with the nodes it cites."""
    out.print(f"[bold]{brief.id}[/] (decision {brief.decision_id}, brief {brief.brief_id})")
    out.print(brief.summary, highlight=False)
    sections: list[tuple[str, list[tuple[str, Sequence[Citation]]]]] = [
        ("Data points", [(f"{d.label}: {d.detail}", d.evidence) for d in brief.data_points]),
        (
            "Competitor angles",
            [
                (
                    f"{', '.join(a.competitor_names)}: {a.label}; "
                    f"offers: {'; '.join(a.offers[:2])}",
                    a.evidence,
                )
                for a in brief.competitor_angles
            ],
        ),
        ("Absences", [(a.detail, a.evidence) for a in brief.absences]),
        ("Trending hooks", [(t.detail, t.evidence) for t in brief.trending_hooks]),
        ("Trends", [(t.detail, t.evidence) for t in brief.trends]),
        ("Audiences", [(a.detail, a.evidence) for a in brief.audience_insights]),
        (
            "Suggested angles",
            [
                (f"{s.rank}. {s.angle} ({s.score:.2f}): {s.reason}", s.evidence)
                for s in brief.suggested_angles
            ],
        ),
        ("External", [(f"{f.tool}: {f.title} {f.url or ''}", [f.source]) for f in brief.external]),
    ]
    for title, lines in sections:
        if not lines:
            continue
        out.print(f"\n[bold]{title}[/]")
        for text, evidence in lines:
            out.print(f"  {text}", highlight=False, soft_wrap=True)
            cited = ", ".join(c.node_id for c in evidence[:3])
            more = f" (+{len(evidence) - 3})" if len(evidence) > 3 else ""
            if cited:
                out.print(f"    cites {cited}{more}", style="dim", highlight=False, soft_wrap=True)
    for note in brief.notes:
        out.print(f"note: {note}", style="dim", highlight=False)
