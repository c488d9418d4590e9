"""Values of a sequential A/B/n test: its configuration, the counts in, the decision out."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from agents.experiments.errors import InvalidCountsError, InvalidExperimentConfigError

Outcome = Literal["continue", "winner", "no_difference"]
METHOD = "msprt-normal-mixture-v1"


@dataclass(frozen=True, slots=True)
class VariantCounts:
    """Cumulative counts of one variant: ``trials`` (impressions or clicks) and
    ``successes`` (clicks or conversions)."""

    trials: int
    successes: int

    @property
    def rate(self) -> float:
        return self.successes / self.trials if self.trials else 0.0


@dataclass(frozen=True)
class TestConfig:
    """How a sequential test decides.

    - ``alpha``: family-wise false-positive rate: under equal rates, the chance that a
      winner is *ever* declared, at any number of looks, is at most ``alpha``.
    - ``control``: with a control, each variant is compared with it (``k - 1``
      comparisons); without, every pair is (``k (k - 1) / 2``) and a winner must beat every
      other variant. Bonferroni splits ``alpha`` over the comparisons.
    - ``min_trials`` per variant before any decision, and ``min_events``: successes and
      failures each, summed over the two arms of a comparison (the normal approximation).
    - ``max_trials`` per variant: the horizon; reached without a winner, the test stops
      with ``no_difference`` (futility).
    - ``expected_lift``: the relative difference the mixture is tuned for (its prior sd is
      ``expected_lift × baseline rate``); the test is valid for any value, fastest near it.
    - ``baseline_rate``: the rate that scales the mixture; by default the pooled rate of
      the two arms compared.
    - ``equivalence_margin``: optional relative margin: when every confidence sequence
      lies within ``± margin × rate``, the test stops early with ``no_difference``.
    """

    __test__ = False  # not a pytest test class

    alpha: float = 0.05
    control: str | None = None
    min_trials: int = 1_000
    min_events: int = 20
    max_trials: int = 100_000
    expected_lift: float = 0.2
    baseline_rate: float | None = None
    equivalence_margin: float | None = None

    def __post_init__(self) -> None:
        if not 0.0 < self.alpha < 1.0:
            raise InvalidExperimentConfigError("alpha", f"must be in (0, 1), got {self.alpha}")
        if self.min_trials < 1:
            raise InvalidExperimentConfigError("min_trials", f"must be >= 1: {self.min_trials}")
        if self.min_events < 1:
            raise InvalidExperimentConfigError("min_events", f"must be >= 1: {self.min_events}")
        if self.max_trials < self.min_trials:
            raise InvalidExperimentConfigError(
                "max_trials", f"{self.max_trials} is below min_trials {self.min_trials}"
            )
        if not (math.isfinite(self.expected_lift) and self.expected_lift > 0.0):
            raise InvalidExperimentConfigError(
                "expected_lift", f"must be a positive number, got {self.expected_lift}"
            )
        if self.baseline_rate is not None and not 0.0 < self.baseline_rate < 1.0:
            raise InvalidExperimentConfigError(
                "baseline_rate", f"must be in (0, 1), got {self.baseline_rate}"
            )
        margin = self.equivalence_margin
        if margin is not None and not (math.isfinite(margin) and margin > 0.0):
            raise InvalidExperimentConfigError(
                "equivalence_margin", f"must be a positive number, got {margin}"
            )
        if self.control is not None and not self.control:
            raise InvalidExperimentConfigError("control", "must be a variant name or None")


@dataclass(frozen=True, slots=True)
class Comparison:
    """``variant`` against ``baseline`` at this look.

    ``difference`` is ``rate - baseline_rate``; ``ci_low``/``ci_high`` its always-valid
    confidence sequence (Bonferroni level); ``log_lr`` the mixture log-likelihood ratio and
    ``threshold`` the level it must reach, ``log(comparisons / alpha)``; ``p_value`` the
    always-valid p-value, Bonferroni-adjusted. ``evaluable`` is false below the minimum
    sample, and then nothing is significant.
    """

    variant: str
    baseline: str
    rate: float
    baseline_rate: float
    difference: float
    lift: float | None  # relative: difference / baseline_rate (None if that rate is 0)
    ci_low: float
    ci_high: float
    log_lr: float
    threshold: float
    p_value: float
    evaluable: bool

    @property
    def significant(self) -> bool:
        return self.evaluable and self.log_lr >= self.threshold

    @property
    def better(self) -> bool:
        """``variant`` significantly beats ``baseline``."""
        return self.significant and self.difference > 0.0

    @property
    def worse(self) -> bool:
        """``baseline`` significantly beats ``variant``."""
        return self.significant and self.difference < 0.0


@dataclass(frozen=True)
class TestDecision:
    """What to do after a look: ``continue``, stop with a ``winner``, or ``no_difference``.

    ``statistic`` is the log-likelihood ratio that decided (for a winner the weakest of the
    comparisons it had to win; otherwise the largest) and ``threshold`` the level it is
    compared with; ``reason`` says it in words. ``eliminated`` variants are significantly
    worse than another one (they may stop receiving traffic); ``contenders`` the others.
    """

    __test__ = False  # not a pytest test class

    outcome: Outcome
    winner: str | None
    reason: str
    statistic: float
    threshold: float
    leader: str
    comparisons: tuple[Comparison, ...]
    eliminated: tuple[str, ...]
    contenders: tuple[str, ...]
    counts: tuple[tuple[str, VariantCounts], ...]
    alpha: float
    method: str = METHOD

    @property
    def stopped(self) -> bool:
        return self.outcome != "continue"


def as_counts(name: str, value: VariantCounts | tuple[int, int]) -> VariantCounts:
    """Check one variant's counts (a ``VariantCounts`` or a ``(trials, successes)`` pair)."""
    if not name:
        raise InvalidCountsError(None, "a variant name is empty")
    if isinstance(value, VariantCounts):
        counts = value
    else:
        try:
            trials, successes = value
        except (TypeError, ValueError):
            raise InvalidCountsError(name, "expected (trials, successes)") from None
        counts = VariantCounts(trials, successes)
    for field, v in (("trials", counts.trials), ("successes", counts.successes)):
        if isinstance(v, bool) or not isinstance(v, int):
            raise InvalidCountsError(name, f"{field} must be an integer, got {v!r}")
        if v < 0:
            raise InvalidCountsError(name, f"{field} must not be negative, got {v}")
    if counts.successes > counts.trials:
        raise InvalidCountsError(
            name, f"{counts.successes} successes exceed {counts.trials} trials"
        )
    return counts
