"""Sequential A/B/n tests of hook variants: an always-valid stopping rule (mSPRT).

``SequentialTest(TestConfig(...)).evaluate(counts)`` turns each variant's cumulative
``(trials, successes)`` into ``continue``, ``winner`` or ``no_difference``, with the
statistic, the threshold and the reason. Under equal rates, the chance of ever declaring a
winner is at most ``alpha`` however often one looks (see ``docs/statistics.md``).
"""

from agents.experiments.errors import (
    ExperimentError,
    InvalidCountsError,
    InvalidExperimentConfigError,
)
from agents.experiments.models import (
    METHOD,
    Comparison,
    Outcome,
    TestConfig,
    TestDecision,
    VariantCounts,
)
from agents.experiments.sequential import SequentialTest
from agents.experiments.simulation import SimulationSummary, simulate

__all__ = [
    "METHOD",
    "Comparison",
    "ExperimentError",
    "InvalidCountsError",
    "InvalidExperimentConfigError",
    "Outcome",
    "SequentialTest",
    "SimulationSummary",
    "TestConfig",
    "TestDecision",
    "VariantCounts",
    "simulate",
]
