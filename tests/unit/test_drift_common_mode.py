"""The brand-wide movement of a day is taken out of each line before drift detection: a sale
that moves every channel is no drift, one channel halving still is."""

from __future__ import annotations

import numpy as np

from agents.curves.response_curve import ResponseCurve
from agents.validation import DriftConfig, Observation, detect_drift
from agents.validation.common_mode import remove_common_mode
from agents.validation.synthetic import known_curve, simulate_line

CHANNELS = ("search", "social", "video", "email")
AUDIENCES = ("new", "returning", "lapsed")
DAYS = 42
Lines = dict[tuple[str, str], tuple[ResponseCurve, list[Observation]]]


def _plan(rng: np.random.Generator, *, everyone: float = 1.0, channel: float = 1.0) -> Lines:
    """Twelve lines; from day 20 every line moves by ``everyone`` and the search lines by
    ``channel`` on top."""
    lines = {}
    for ch in CHANNELS:
        for au in AUDIENCES:
            curve = known_curve(residual_sigma=0.25, level_sigma=0.1, channel_id=ch, audience_id=au)
            factor = everyone * (channel if ch == "search" else 1.0)
            obs = simulate_line(curve, rng, days=DAYS, change=factor, change_day=20)
            lines[(ch, au)] = (curve, obs)
    return lines


def _alarms(lines: Lines, adjust: bool) -> set[tuple[str, str]]:
    config = DriftConfig.for_plan(len(lines))
    series = (
        remove_common_mode(lines, {k: k[0] for k in lines})
        if adjust
        else {k: v[1] for k, v in lines.items()}
    )
    return {k for k in lines if detect_drift(lines[k][0], series[k], config).finding is not None}


def test_a_brand_wide_drop_alarms_every_line_unless_the_common_mode_is_removed() -> None:
    rng = np.random.default_rng(5)
    lines = _plan(rng, everyone=0.5)
    assert len(_alarms(lines, adjust=False)) >= 10
    assert _alarms(lines, adjust=True) == set()


def test_one_channel_halving_is_still_found_against_the_others() -> None:
    found = 0
    for seed in range(5):
        lines = _plan(np.random.default_rng(seed), everyone=1.3, channel=0.5)
        alarms = _alarms(lines, adjust=True)
        assert all(ch == "search" for ch, _ in alarms), alarms
        found += len(alarms)
    assert found >= 12  # of 15 search lines over five plans


def test_days_without_enough_other_channels_are_left_alone() -> None:
    rng = np.random.default_rng(1)
    lines = _plan(rng)
    two = {k: v for k, v in lines.items() if k[0] in ("search", "social") and k[1] == "new"}
    adjusted = remove_common_mode(two, {k: k[0] for k in two})
    assert adjusted == {k: v[1] for k, v in two.items()}
    full = remove_common_mode(lines, {k: k[0] for k in lines})
    key = ("search", "new")
    assert [o.day for o in full[key]] == [o.day for o in lines[key][1]]
    assert [o.spend for o in full[key]] == [o.spend for o in lines[key][1]]
    assert [o.actual for o in full[key]] != [o.actual for o in lines[key][1]]
