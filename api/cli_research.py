"""How ``marketgraph research`` prints a research brief: sections of short lines, each
followed by the nodes it cites (the first three, and how many more)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console

from agents.research import Citation
from api.schemas.research import ResearchPublic


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
