"""Long-form brand documents: the guideline and the periodic performance review."""

from __future__ import annotations

from dataclasses import dataclass

from demo.text.base import BrandCopy

_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}


@dataclass(frozen=True)
class ReportStats:
    """Figures for one brand and period; channels are (name, spend, revenue)."""

    period: str
    currency: str
    spend: float
    revenue: float
    conversions: int
    leads: int
    campaigns: int
    baseline_roas: float | None
    channels: tuple[tuple[str, float, float], ...]
    top_campaigns: tuple[tuple[str, str, float, float], ...]  # id, name, spend, revenue


def render_guideline(brand: BrandCopy) -> tuple[str, str]:
    """The brand's guideline document: voice, rules, channel rules, audiences."""
    title = f"{brand.name} brand and channel guidelines"
    audiences = "\n".join(
        f"- {a.name}: {a.description} Consent: {a.consent}." for a in brand.audiences
    )
    body = "\n\n".join(
        (
            title,
            f"Voice\n{brand.voice}",
            f"Rules\n{brand.guidelines}",
            f"Channels\n{brand.channel_rules}",
            "Competitors\nNever named in ads or emails. We track: "
            + ", ".join(brand.competitors)
            + ".",
            f"Audiences\n{audiences}",
        )
    )
    return title, body


def _money(symbol: str, value: float) -> str:
    return f"{symbol}{value:,.0f}"


def render_report(brand: BrandCopy, stats: ReportStats) -> tuple[str, str]:
    """A performance review with channel figures, top campaigns and recommendations."""
    sym = _SYMBOLS.get(stats.currency, stats.currency + " ")
    roas = stats.revenue / stats.spend if stats.spend else 0.0
    title = f"{brand.name} performance review: {stats.period}"
    summary = (
        f"We spent {_money(sym, stats.spend)} across {stats.campaigns} campaigns and "
        f"attributed {_money(sym, stats.revenue)} in revenue, a ROAS of {roas:.2f}"
    )
    if stats.baseline_roas:
        summary += f" against a baseline of {stats.baseline_roas:.2f}"
    summary += f". Conversions: {stats.conversions:,}. New leads: {stats.leads:,}."
    lines = [
        f"- {name}: spend {_money(sym, sp)}, revenue {_money(sym, rv)}, ROAS {rv / sp:.2f}"
        for name, sp, rv in stats.channels
        if sp > 0
    ]
    tops = [
        f"- {cid} {name}: revenue {_money(sym, rv)}, ROAS {rv / sp:.2f}"
        for cid, name, sp, rv in stats.top_campaigns
        if sp > 0
    ]
    body = [
        title,
        "Summary\n" + summary,
        "By channel\n" + "\n".join(lines),
        "Top campaigns\n" + "\n".join(tops),
    ]
    big = [c for c in stats.channels if c[1] >= 0.03 * stats.spend]
    if len(big) >= 2:
        best = max(big, key=lambda c: c[2] / c[1])
        worst = min(big, key=lambda c: c[2] / c[1])
        top = max(big, key=lambda c: c[1])
        share = top[1] / stats.spend
        body.append(
            f"What we learned\n{best[0]} returned the most per {sym}1 ({best[2] / best[1]:.2f}), "
            f"{worst[0]} the least ({worst[2] / worst[1]:.2f}). {top[0]} took {share:.0%} of "
            "spend and its returns flatten as daily spend grows, so judge the next "
            f"{sym}1 by marginal, not average, ROAS."
        )
        body.append(
            f"Recommendations\n- Move 10-15% of the {worst[0]} budget to {best[0]} and re-check "
            f"marginal ROAS after two weeks.\n- Hold {top[0]} near its current daily spend "
            "unless a holdout test shows headroom.\n- Refresh creative on campaigns running "
            "longer than 60 days."
        )
    return title, "\n\n".join(body)
