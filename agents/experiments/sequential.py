"""``SequentialTest``: an always-valid A/B/n stopping rule on click-through or conversion rates.

Each comparison is an mSPRT (:mod:`agents.experiments.msprt`) on the difference of two
rates, at the Bonferroni level ``alpha / comparisons``, so the chance of ever declaring a
winner when all rates are equal stays at most ``alpha`` however often the test looks.
The rule, at each look (cumulative counts in, a decision out; pure and deterministic):

1. any variant under ``min_trials`` (or a pair under ``min_events``): ``continue``;
2. a variant that significantly beats every other (without a control), or the best of
   those that significantly beat the control: ``winner``;
3. every confidence sequence inside ``± equivalence_margin``: ``no_difference``;
4. every contender at ``max_trials``: ``no_difference`` (the horizon, futility);
5. otherwise ``continue``, with the variants already significantly worse ``eliminated``.

"Highest click rate wins" at a fixed look would pick a winner in nearly every test of
equal variants; the simulations in the tests and ``python -m bench experiments`` show it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from itertools import combinations

from agents.experiments.errors import InvalidCountsError
from agents.experiments.models import (
    Comparison,
    Outcome,
    TestConfig,
    TestDecision,
    VariantCounts,
    as_counts,
)
from agents.experiments.msprt import (
    confidence_radius,
    difference_variance,
    log_likelihood_ratio,
    rate_variance,
)


class SequentialTest:
    """An A/B/n test with a proper stopping rule; :meth:`evaluate` after every look."""

    __test__ = False  # not a pytest test class

    def __init__(self, config: TestConfig | None = None) -> None:
        self.config = config or TestConfig()

    def evaluate(self, counts: Mapping[str, VariantCounts | tuple[int, int]]) -> TestDecision:
        """The decision at this look, from each variant's cumulative counts.

        The variants must be the same at every look (the Bonferroni split depends on them).

        Raises:
            InvalidCountsError: fewer than two variants, negative counts, more successes
                than trials, or a control that is not among the variants.
        """
        arms = self._arms(counts)
        pairs = self._pairs(list(arms))
        threshold = math.log(len(pairs) / self.config.alpha)
        comparisons = tuple(self._compare(v, b, arms, threshold) for v, b in pairs)
        leader = max(arms, key=lambda name: arms[name].rate)  # first of equals wins ties
        eliminated = _eliminated(comparisons)
        contenders = tuple(name for name in arms if name not in eliminated)

        def decide(
            outcome: Outcome, reason: str, statistic: float, winner: str | None = None
        ) -> TestDecision:
            return TestDecision(
                outcome=outcome,
                winner=winner,
                reason=reason,
                statistic=round(statistic, 6),
                threshold=round(threshold, 6),
                leader=leader,
                comparisons=comparisons,
                eliminated=eliminated,
                contenders=contenders,
                counts=tuple(arms.items()),
                alpha=self.config.alpha,
            )

        largest = max(c.log_lr for c in comparisons)
        short = self._short(arms, comparisons)
        if short:
            return decide("continue", f"minimum sample not reached: {short}", largest)
        winner = self._winner(list(arms), comparisons)
        if winner is not None:
            name, deciding = winner
            weakest = min(c.log_lr for c in deciding)
            reason = self._win_reason(name, deciding, len(pairs))
            return decide("winner", reason, weakest, name)
        margin = self.config.equivalence_margin
        if margin is not None and all(_within(c, margin) for c in comparisons):
            return decide(
                "no_difference",
                f"every difference is within ±{margin:.0%} of the rate "
                f"(confidence sequences at level {1 - self.config.alpha:.0%})",
                largest,
            )
        horizon = self.config.max_trials
        if all(arms[name].trials >= horizon for name in contenders):
            return decide(
                "no_difference",
                f"horizon of {horizon:,} trials per variant reached without a winner; "
                f"still level: {', '.join(contenders)}",
                largest,
            )
        pending = [c for c in comparisons if leader in (c.variant, c.baseline)]
        pending = [c for c in pending if not _won(c, leader)] or list(comparisons)
        closest = min(pending, key=lambda c: c.log_lr)
        return decide(
            "continue",
            f"no winner yet: {leader} leads at {_rate(arms[leader].rate)}; against "
            f"{closest.baseline if closest.variant == leader else closest.variant} its "
            f"log LR is {closest.log_lr:.2f} < {threshold:.2f}"
            + (f"; significantly worse: {', '.join(eliminated)}" if eliminated else ""),
            closest.log_lr,
        )

    # -- steps ------------------------------------------------------------------------------
    def _arms(
        self, counts: Mapping[str, VariantCounts | tuple[int, int]]
    ) -> dict[str, VariantCounts]:
        arms = {str(name): as_counts(str(name), value) for name, value in counts.items()}
        if len(arms) < 2:
            raise InvalidCountsError(None, f"a test needs at least two variants, got {len(arms)}")
        control = self.config.control
        if control is not None and control not in arms:
            raise InvalidCountsError(control, "the control is not among the variants")
        return arms

    def _pairs(self, names: list[str]) -> list[tuple[str, str]]:
        control = self.config.control
        if control is not None:
            return [(name, control) for name in names if name != control]
        return [(b, a) for a, b in combinations(names, 2)]

    def _compare(
        self, variant: str, baseline: str, arms: dict[str, VariantCounts], threshold: float
    ) -> Comparison:
        v, b = arms[variant], arms[baseline]
        cfg = self.config
        difference = v.rate - b.rate
        successes, trials = v.successes + b.successes, v.trials + b.trials
        failures = trials - successes
        evaluable = (
            min(v.trials, b.trials) >= cfg.min_trials and min(successes, failures) >= cfg.min_events
        )
        pooled = successes / trials if trials else 0.0
        scale = cfg.baseline_rate if cfg.baseline_rate is not None else pooled
        if not evaluable or v.trials == 0 or b.trials == 0 or not 0.0 < pooled < 1.0:
            return _unevaluable(variant, baseline, v, b, threshold)
        tau = cfg.expected_lift * scale
        log_lr = log_likelihood_ratio(difference, rate_variance(pooled, v.trials, b.trials), tau)
        spread = difference_variance(b.rate, b.trials, v.rate, v.trials)
        radius = confidence_radius(max(spread, 1e-18), tau, threshold)
        return Comparison(
            variant=variant,
            baseline=baseline,
            rate=v.rate,
            baseline_rate=b.rate,
            difference=difference,
            lift=difference / b.rate if b.rate > 0 else None,
            ci_low=difference - radius,
            ci_high=difference + radius,
            log_lr=log_lr,
            threshold=threshold,
            p_value=min(1.0, math.exp(threshold - log_lr) * cfg.alpha),
            evaluable=True,
        )

    def _short(self, arms: dict[str, VariantCounts], comparisons: tuple[Comparison, ...]) -> str:
        need = self.config.min_trials
        low = [
            f"{n} has {c.trials:,} of {need:,} trials" for n, c in arms.items() if c.trials < need
        ]
        if low:
            return "; ".join(low)
        thin = [f"{c.variant} vs {c.baseline}" for c in comparisons if not c.evaluable]
        if thin:
            return f"fewer than {self.config.min_events} successes or failures in " + ", ".join(
                thin
            )
        return ""

    def _winner(
        self, names: list[str], comparisons: tuple[Comparison, ...]
    ) -> tuple[str, list[Comparison]] | None:
        control = self.config.control
        if control is None:
            for name in names:
                won = [c for c in comparisons if _won(c, name)]
                if len(won) == len(names) - 1:
                    return name, won
            return None
        better = [c for c in comparisons if c.better]
        if better:
            best = max(better, key=lambda c: c.rate)
            return best.variant, [best]
        if all(c.worse for c in comparisons):
            return control, list(comparisons)
        return None

    def _win_reason(self, name: str, deciding: list[Comparison], n_pairs: int) -> str:
        against = "the control" if self.config.control not in (None, name) else "every other"
        if self.config.control == name:
            against = "every variant (the control stays)"
        parts = []
        for c in deciding:
            mine, other, theirs = (
                (c.rate, c.baseline, c.baseline_rate)
                if c.variant == name
                else (c.baseline_rate, c.variant, c.rate)
            )
            parts.append(f"{_rate(mine)} vs {other} {_rate(theirs)} (log LR {c.log_lr:.2f})")
        return (
            f"{name} beats {against}: "
            + "; ".join(parts)
            + f"; threshold log({n_pairs}/{self.config.alpha:g}) = "
            + f"{math.log(n_pairs / self.config.alpha):.2f}, valid under repeated looks"
        )


# -- helpers ---------------------------------------------------------------------------------
def _won(c: Comparison, name: str) -> bool:
    """``name`` is one side of ``c`` and significantly better than the other."""
    return (c.variant == name and c.better) or (c.baseline == name and c.worse)


def _eliminated(comparisons: tuple[Comparison, ...]) -> tuple[str, ...]:
    """Variants significantly worse than some other variant, in first-seen order."""
    out: dict[str, None] = {}
    for c in comparisons:
        if c.better:
            out[c.baseline] = None
        elif c.worse:
            out[c.variant] = None
    return tuple(out)


def _within(c: Comparison, margin: float) -> bool:
    scale = margin * max(c.rate, c.baseline_rate)
    return c.evaluable and -scale < c.ci_low and c.ci_high < scale


def _unevaluable(
    variant: str, baseline: str, v: VariantCounts, b: VariantCounts, threshold: float
) -> Comparison:
    difference = v.rate - b.rate
    return Comparison(
        variant=variant,
        baseline=baseline,
        rate=v.rate,
        baseline_rate=b.rate,
        difference=difference,
        lift=difference / b.rate if b.rate > 0 else None,
        ci_low=-1.0,
        ci_high=1.0,
        log_lr=0.0,
        threshold=threshold,
        p_value=1.0,
        evaluable=False,
    )


def _rate(rate: float) -> str:
    return f"{100.0 * rate:.2f}%"
