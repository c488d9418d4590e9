"""Suggested angles, ranked: what the evidence in the brief argues for, strongest first.

Each candidate comes from one finding and scores ``weight × (0.5 + 0.5 × strength)``:

| finding | weight | strength (0-1) |
|---|---|---|
| a hook on the topic rising against the rest of the brand | 1.0 | ``|z| / 6`` |
| a phrase only the brand uses on the topic (competitors absent) | 0.9 | items / 4 |
| an angle competitors push where the brand has no asset (brand absent) | 0.8 | items / 4 |
| an audience rising against the rest of the brand | 0.7 | ``|z| / 6`` |
| any other rising hook | 0.65 | ``|z| / 6`` |
| a channel rising against the rest of the brand | 0.6 | ``|z| / 6`` |
| a hook on the topic falling (refresh it) | 0.5 | ``|z| / 6`` |
| a competitor silent on the topic | 0.4 | 0.5 |

Strengths are capped at 1. The weights order the kinds of evidence the way a planner
would weigh them (own performance on the topic first, positioning next); they are fixed,
so the same brief always ranks the same way, and the reason says which finding it is.
"""

from __future__ import annotations

from collections.abc import Sequence

from agents.research.models import Absence, AudienceInsight, Citation, SuggestedAngle, Trend

MAX_SUGGESTIONS = 8


def _strength(trend: Trend) -> float:
    return min(1.0, abs(trend.z) / 6.0)


def _score(weight: float, strength: float) -> float:
    return round(weight * (0.5 + 0.5 * min(1.0, strength)), 4)


def suggest(
    hooks: Sequence[Trend],
    trends: Sequence[Trend],
    absences: Sequence[Absence],
    audiences: Sequence[AudienceInsight],
) -> list[SuggestedAngle]:
    """The ranked suggestions (at most :data:`MAX_SUGGESTIONS`)."""
    found: list[tuple[float, str, str, list[str], Sequence[Citation]]] = []
    for t in hooks:
        if t.direction == "rising":
            weight = 1.0 if t.on_topic else 0.65
            kind = "rising_hook_on_topic" if t.on_topic else "rising_hook"
            found.append(
                (
                    _score(weight, _strength(t)),
                    f"Lead with the hook '{t.label}'",
                    t.detail,
                    [kind],
                    t.evidence,
                )
            )
        elif t.on_topic:
            found.append(
                (
                    _score(0.5, _strength(t)),
                    f"Refresh or retire the hook '{t.label}'",
                    t.detail,
                    ["falling_hook_on_topic"],
                    t.evidence,
                )
            )
    for a in absences:
        items = min(1.0, len(a.evidence) / 4.0)
        if a.kind == "competitors_absent":
            found.append(
                (
                    _score(0.9, items),
                    f"Own '{a.phrase}': no competitor says it",
                    a.detail,
                    ["competitors_absent"],
                    a.evidence,
                )
            )
        elif a.kind == "brand_absent":
            found.append(
                (
                    _score(0.8, items),
                    f"Answer the competitors' '{a.phrase}'",
                    a.detail,
                    ["brand_absent"],
                    a.evidence,
                )
            )
        else:
            found.append(
                (
                    _score(0.4, 0.5),
                    "Take the share of voice a silent competitor leaves",
                    a.detail,
                    ["competitor_silent"],
                    a.evidence,
                )
            )
    by_audience = {a.audience_id: a for a in audiences}
    for t in trends:
        if t.direction != "rising" or t.family not in ("audience", "channel"):
            continue
        weight = 0.7 if t.family == "audience" else 0.6
        reason = t.detail
        if t.family == "audience" and t.key in by_audience:
            reason = f"{by_audience[t.key].detail} {t.detail}"
        verb = "Aim at" if t.family == "audience" else "Put more weight on"
        found.append(
            (
                _score(weight, _strength(t)),
                f"{verb} {t.label}",
                reason,
                [f"rising_{t.family}"],
                t.evidence,
            )
        )
    found.sort(key=lambda f: (-f[0], f[1]))
    out = []
    for rank, (score, angle, reason, basis, evidence) in enumerate(
        found[:MAX_SUGGESTIONS], start=1
    ):
        out.append(
            SuggestedAngle(
                rank=rank,
                angle=angle,
                reason=reason,
                score=score,
                basis=basis,
                evidence=list(evidence)[:4],
            )
        )
    return out
