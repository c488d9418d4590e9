"""Seeded simulations of a sequential test, for its calibration (tests and ``bench``).

Each run draws Bernoulli outcomes for every variant, ``trials_per_look`` per variant
between looks, and asks :class:`SequentialTest` for a decision at every look until it
stops or the looks run out. The same draws also score two naive rules, to show why the
stopping rule exists:

- ``highest_rate``: the variant with the highest observed rate at the first look wins
  (a winner in essentially every run, even when all rates are equal);
- ``peeking``: a fixed-sample two-proportion z-test (at ``alpha``, Bonferroni over the
  comparisons) repeated at every look, stopping at the first "significant" one.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from agents.experiments.models import TestConfig, VariantCounts
from agents.experiments.sequential import SequentialTest


@dataclass(frozen=True)
class SimulationSummary:
    """What the runs decided: outcome counts, winners, sample size at the stop, and the
    two naive rules on the same draws."""

    runs: int
    rates: tuple[float, ...]
    outcomes: dict[str, int]
    winners: dict[str, int]  # variant -> runs it won
    mean_trials: float  # per variant, at the stop (or the last look)
    highest_rate_wins: dict[str, int]  # first look, highest observed rate
    peeking_winners: int  # runs where the repeated fixed-sample z-test declared a winner

    def winner_rate(self, variant: str | None = None) -> float:
        """Share of runs with a winner (``variant`` only, if given)."""
        won = sum(self.winners.values()) if variant is None else self.winners.get(variant, 0)
        return won / self.runs


def variant_names(k: int) -> list[str]:
    return [f"v{i}" for i in range(k)]


def simulate(
    config: TestConfig,
    rates: Sequence[float],
    *,
    trials_per_look: int,
    looks: int,
    runs: int,
    seed: int,
) -> SimulationSummary:
    """Run the test ``runs`` times on variants with true ``rates`` (variant ``v{i}``)."""
    test = SequentialTest(config)
    names = variant_names(len(rates))
    rng = np.random.default_rng(seed)
    p = np.asarray(rates, dtype=np.float64)
    outcomes: Counter[str] = Counter()
    winners: Counter[str] = Counter()
    naive: Counter[str] = Counter()
    peeking = 0
    used = 0
    z = NormalDist().inv_cdf(1.0 - config.alpha / (2.0 * _comparisons(config, len(names))))
    for _ in range(runs):
        successes = rng.binomial(trials_per_look, np.broadcast_to(p, (looks, p.size))).cumsum(0)
        first = successes[0]
        naive[names[int(np.argmax(first))]] += 1
        peeking += any(
            _z_test_fires(config, names, successes[i], trials_per_look * (i + 1), z)
            for i in range(looks)
        )
        for i in range(looks):
            n = trials_per_look * (i + 1)
            decision = test.evaluate(
                {
                    name: VariantCounts(n, int(s))
                    for name, s in zip(names, successes[i], strict=True)
                }
            )
            if decision.stopped:
                break
        outcomes[decision.outcome] += 1
        if decision.winner is not None:
            winners[decision.winner] += 1
        used += n
    return SimulationSummary(
        runs=runs,
        rates=tuple(float(r) for r in p),
        outcomes=dict(outcomes),
        winners=dict(winners),
        mean_trials=used / runs,
        highest_rate_wins=dict(naive),
        peeking_winners=peeking,
    )


def _comparisons(config: TestConfig, k: int) -> int:
    return k - 1 if config.control is not None else k * (k - 1) // 2


def _z_test_fires(
    config: TestConfig, names: list[str], successes: np.ndarray, trials: int, z: float
) -> bool:
    """A fixed-sample pooled z-test of any compared pair beyond ``z`` at this look."""
    index = {name: i for i, name in enumerate(names)}
    control = config.control
    if control is not None:
        pairs = [(index[control], index[n]) for n in names if n != control]
    else:
        pairs = [(i, j) for i in range(len(names)) for j in range(i + 1, len(names))]
    for i, j in pairs:
        pooled = (successes[i] + successes[j]) / (2.0 * trials)
        var = pooled * (1.0 - pooled) * 2.0 / trials
        if var > 0 and abs(successes[j] - successes[i]) / trials / math.sqrt(var) > z:
            return True
    return False
