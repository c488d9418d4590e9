"""The statistics the use cases state, against values worked out by hand."""

from __future__ import annotations

import math

import pytest

from reports._stats import greater, holm, lift, proportion_greater, quantile, wilson


def test_wilson_interval_of_three_in_five() -> None:
    # centre = (p + z²/2n) / (1 + z²/n) = (0.6 + 0.384146) / 1.768292 = 0.556546
    # half = z·sqrt(p(1-p)/n + z²/4n²) / (1 + z²/n) = 1.959964 · 0.293964 / 1.768292 = 0.325822
    low, high = wilson(3, 5)
    assert low == pytest.approx(0.230724, abs=1e-6) and high == pytest.approx(0.882379, abs=1e-6)
    assert wilson(0, 0) == (None, None)
    assert wilson(0, 10)[0] == 0.0 and wilson(10, 10)[1] == pytest.approx(1.0)


def test_quantiles_interpolate_linearly() -> None:
    assert quantile([10, 30, 120], 0.5) == 30
    assert quantile([10, 30, 120], 0.9) == pytest.approx(30 + 0.8 * 90)
    assert quantile([], 0.5) is None


def test_lift_has_a_log_risk_ratio_interval() -> None:
    # RR = (26/2000)/(10/2000) = 2.6; se² = 1/26 - 1/2000 + 1/10 - 1/2000 = 0.137462
    # exp(ln 2.6 ± 1.959964·0.370758) = [1.25714, 5.37729]; z = 0.955511/0.370758 = 2.5772
    found = lift(26, 2000, 10, 2000)
    assert found is not None
    value, low, high, p = found
    assert value == pytest.approx(1.6) and low == pytest.approx(0.25714, abs=1e-4)
    assert high == pytest.approx(4.37729, abs=1e-4) and p == pytest.approx(0.00996, abs=1e-4)
    assert lift(1, 0, 1, 10) is None
    zero = lift(0, 100, 5, 100)  # Haldane: 0.5/100.5 vs 5.5/100.5
    assert zero is not None and zero[0] == pytest.approx(0.5 / 5.5 - 1) and math.isfinite(zero[1])


def test_one_sided_tests_point_the_right_way() -> None:
    # pooled 0.5, se = sqrt(0.25 · 0.2) = 0.22361, z = 4.4721 -> p = 3.87e-6
    assert proportion_greater(10, 10, 0, 10) == pytest.approx(3.872e-6, rel=1e-3)
    assert proportion_greater(0, 10, 10, 10) == pytest.approx(1.0, abs=1e-5)
    slower = greater([120.0] * 10, [30.0, 31, 32, 33, 34, 35, 36, 37, 38, 39])
    faster = greater([10.0] * 10, [30.0, 31, 32, 33, 34, 35, 36, 37, 38, 39])
    assert slower is not None and slower < 1e-3 and faster is not None and faster > 0.99
    assert greater([], [1.0]) is None


def test_holm_steps_down_and_keeps_order() -> None:
    # sorted 0.01·3 = 0.03, 0.03·2 = 0.06, 0.04·1 = 0.04 -> raised to 0.06
    assert holm([0.01, 0.04, 0.03, None]) == [0.03, 0.06, 0.06, None]
    assert holm([0.5, 0.9]) == [1.0, 1.0]
