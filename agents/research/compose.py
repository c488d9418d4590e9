"""Putting a brief together: every citation in it, its confidence and its summary line."""

from __future__ import annotations

from agents.research.models import Citation, ResearchBrief
from agents.research.trends import TrendReport


def citations(brief: ResearchBrief) -> list[Citation]:
    out: list[Citation] = []
    for point in brief.data_points:
        out += point.evidence
    for angle in brief.competitor_angles:
        out += angle.evidence
    if brief.competitor_summary is not None:
        out += brief.competitor_summary.evidence
    for absence in brief.absences:
        out += absence.evidence
    for trend in [*brief.trending_hooks, *brief.trends]:
        out += trend.evidence
    for insight in brief.audience_insights:
        out += insight.evidence
    for suggestion in brief.suggested_angles:
        out += suggestion.evidence
    out += [f.source for f in brief.external]
    return out


def confidence(brief: ResearchBrief) -> float:
    """Share of the brief's four parts that rest on evidence (competitors, trends tested,
    audiences, numbers)."""
    parts = [
        bool(brief.competitor_angles),
        bool(brief.method and brief.method.series_tested),
        bool(brief.audience_insights),
        bool(brief.data_points),
    ]
    return round(sum(parts) / len(parts), 4)


def summary_text(brief: ResearchBrief, report: TrendReport | None) -> str:
    parts = [f"Research for {brief.brand_name} on '{brief.topic}'"]
    if brief.window_start and brief.window_end:
        parts[0] += f" ({brief.window_start.isoformat()} to {brief.window_end.isoformat()})"
    parts[0] += "."
    if brief.competitor_angles:
        labels = "; ".join(
            f"{', '.join(a.competitor_names)}: {a.label}" for a in brief.competitor_angles[:3]
        )
        parts.append(f"{len(brief.competitor_angles)} competitor angle(s): {labels}.")
    else:
        parts.append("No competitor content on the topic.")
    if report is not None:
        rising = [t for t in [*brief.trending_hooks, *brief.trends] if t.direction == "rising"]
        falling = [t for t in [*brief.trending_hooks, *brief.trends] if t.direction == "falling"]
        parts.append(
            f"{len(rising)} rising and {len(falling)} falling series of "
            f"{report.method.series_tested} tested (FDR {report.method.fdr:g})."
        )
        if brief.trending_hooks:
            top = brief.trending_hooks[0]
            change = f"{top.change_per_30_days:+.1%}"
            parts.append(f"Top hook: '{top.label}' {top.direction} {change} per 30 days.")
    if brief.suggested_angles:
        parts.append(f"First suggestion: {brief.suggested_angles[0].angle}.")
    return " ".join(parts)
