"""Curves that notice change: change points, the recency half-life, and their settings.

Synthetic brands of four channels with known Hill curves, log-normal day noise that is
serially correlated (a campaign beats the curve for days, as in the demo data), and spend
that moves around each pair's usual level. In the changed brands one channel's return
halves for its last days.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

from agents.curves import DailyPoint, ResponseCurve, fit_curves
from agents.curves._change import MIN_AFTER, find_change
from agents.curves._pipeline import ChangeHint
from agents.curves.settings import DEFAULT, FitSettings, FitSettingsError, load_fit_settings
from agents.orchestrator.policy import PolicyError, load_policy
from demo import hill

pytestmark = pytest.mark.unit

START = date(2026, 1, 5)
DAYS = 300
CHANNELS = {  # alpha, half, shape, usual daily spend
    "ch-search": (3000.0, 800.0, 1.0, 600.0),
    "ch-social": (2000.0, 500.0, 1.5, 450.0),
    "ch-email": (800.0, 150.0, 0.8, 120.0),
    "ch-video": (1500.0, 700.0, 1.2, 500.0),
}
SIGMA, RHO = 0.2, 0.3
OFF = FitSettings(half_life_days=math.inf, change_points=False)


def _ar1(rng: np.random.Generator, n: int) -> np.ndarray:
    """Stationary AR(1) noise of standard deviation SIGMA and lag-1 correlation RHO."""
    shocks = rng.normal(0.0, SIGMA * math.sqrt(1 - RHO**2), n)
    out = np.empty(n)
    out[0] = rng.normal(0.0, SIGMA)
    for i in range(1, n):
        out[i] = RHO * out[i - 1] + shocks[i]
    return out


def brand(
    seed: int,
    *,
    changed: str | None = None,
    after: int = 14,
    drift: float = 0.0,
    factor: float = 0.5,
    everyone: bool = False,
    new_campaign: bool = False,
    moved: int = 0,
    moved_to: float = 1.0,
) -> list[DailyPoint]:
    """A brand's days; ``changed``'s return moves by ``factor`` for its last ``after``
    days (every channel's with ``everyone``); ``drift`` raises the level of ``ch-email``
    linearly by that share over the days. Each channel runs one campaign throughout; with
    ``new_campaign``, ``changed``'s last days come from a new campaign (its own effect);
    with ``moved``, ``changed``'s last ``moved`` days spend ``moved_to`` times its usual
    (a planner that answered the change)."""
    rng = np.random.default_rng(seed)
    points = []
    for channel, (alpha, half, shape, usual) in CHANNELS.items():
        spend = usual * np.exp(rng.normal(0.0, 0.4, DAYS))
        if moved and channel == changed:
            spend[DAYS - moved :] = usual * moved_to * np.exp(rng.normal(0.0, 0.1, moved))
        noise = _ar1(rng, DAYS)
        level = 1.0 + (drift if channel == "ch-email" else 0.0) * np.arange(DAYS) / (DAYS - 1)
        if channel == changed or everyone:
            level[DAYS - after :] *= factor
        campaigns = [f"cmp-{channel}"] * DAYS
        if new_campaign and channel == changed:
            campaigns[DAYS - after :] = [f"cmp-{channel}-new"] * after
        revenue = hill(spend, alpha, half, shape) * level * np.exp(noise - SIGMA**2 / 2)
        points += [
            DailyPoint(
                channel_id=channel,
                audience_id="aud-all",
                date=START + timedelta(days=d),
                spend=round(float(spend[d]), 2),
                revenue=round(float(revenue[d]), 2),
                conversions=0.0,
                brand_id="brand-x",
                campaign_id=campaigns[d],
            )
            for d in range(DAYS)
        ]
    return points


def at_usual(curve: ResponseCurve) -> float:
    """The curve's mean daily value at its channel's usual spend, over the truth's."""
    alpha, half, shape, usual = CHANNELS[curve.channel_id]
    return curve.predict(usual).mean / float(hill(usual, alpha, half, shape))


def by_channel(curves: list[ResponseCurve]) -> dict[str, ResponseCurve]:
    return {c.channel_id: c for c in curves}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_line_whose_return_halves_is_refit_within_one_cycle(seed: int) -> None:
    """Fourteen changed days (one planning cycle) after 286 old ones: the curve reads the
    new level, where a fit that weighs every day alike stays near the old one."""
    points = brand(seed, changed="ch-search", after=14)
    fitted = by_channel(fit_curves(points))
    plain = by_channel(fit_curves(points, settings=OFF))
    assert 0.38 <= at_usual(fitted["ch-search"]) <= 0.62
    assert at_usual(plain["ch-search"]) > 0.8
    for channel in ("ch-social", "ch-email", "ch-video"):  # the others keep their level
        assert 0.8 <= at_usual(fitted[channel]) <= 1.25
    # the new level is known from 14 days only, and the curve says so
    steady = by_channel(fit_curves(brand(seed)))
    assert fitted["ch-search"].level_sigma > steady["ch-search"].level_sigma + 0.02


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_change_is_kept_after_the_planner_cut_the_line(seed: int) -> None:
    """Search halves; 14 days later the planner cuts it to a fifth of anything it spent
    before. The days at the new spend read the curve where it extrapolates, but the 14
    between the change and the cut were at the usual spend and show the halving: the
    change is kept, and the curve stays near half at the usual spend (dropping the change
    there, as before, planned on the old level again the next cycle)."""
    points = brand(seed, changed="ch-search", after=28, moved=14, moved_to=0.2)
    fitted = by_channel(fit_curves(points))
    assert 0.38 <= at_usual(fitted["ch-search"]) <= 0.62
    for channel in ("ch-social", "ch-email", "ch-video"):
        assert 0.8 <= at_usual(fitted[channel]) <= 1.25


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_cut_line_without_change_is_no_change(seed: int) -> None:
    """The same cut on a search line whose market did not move: no change is found."""
    _same_as_without(brand(seed, changed="ch-search", after=14, factor=1.0, moved=14, moved_to=0.2))


def _hint(after: int, ratio: float = 0.5) -> dict[tuple[str, str], list[ChangeHint]]:
    """A drift alert on search saying its level moved ``after`` days before the end."""
    day = START + timedelta(days=DAYS - after)
    return {("ch-search", "aud-all"): [ChangeHint(started_on=day, ratio=ratio)]}


@pytest.mark.parametrize("seed", [1, 2])
def test_a_change_a_drift_alert_saw_is_planned_on_at_once(seed: int) -> None:
    """Five days after search fell to 0.6, the search over every split is not sure yet
    (z 4); the drift alert that saw it names the day, where the shift needs only
    ``alert_z``: the curve reads the new level a cycle earlier."""
    points = brand(seed, changed="ch-search", after=5, factor=0.6)
    plain = by_channel(fit_curves(points))
    hinted = by_channel(fit_curves(points, hints=_hint(5, 0.6)))
    assert at_usual(plain["ch-search"]) > 0.9
    assert 0.45 <= at_usual(hinted["ch-search"]) <= 0.75
    for channel in ("ch-social", "ch-email", "ch-video"):  # the seasons move a little
        assert at_usual(hinted[channel]) == pytest.approx(at_usual(plain[channel]), rel=0.03)
    assert hinted["ch-search"].id != plain["ch-search"].id  # another curve, another id


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_an_alert_the_days_do_not_bear_out_changes_nothing(seed: int) -> None:
    """A false alarm on a steady line, or an alert pointing the other way from what the
    days show, leaves the curve as it was."""
    steady = brand(seed)
    plain = by_channel(fit_curves(steady))
    hinted = by_channel(fit_curves(steady, hints=_hint(7)))
    assert hinted["ch-search"].alpha == pytest.approx(plain["ch-search"].alpha, rel=1e-9)
    fallen = brand(seed, changed="ch-search", after=5, factor=0.6)
    plain = by_channel(fit_curves(fallen))
    upward = by_channel(fit_curves(fallen, hints=_hint(5, ratio=1.6)))
    assert upward["ch-search"].alpha == pytest.approx(plain["ch-search"].alpha, rel=1e-9)


@pytest.mark.parametrize("seed", range(10, 16))
def test_a_stationary_brand_is_fitted_as_without_change_points(seed: int) -> None:
    """No change found: every curve is the one fitted with change points off."""
    points = brand(seed)
    on = by_channel(fit_curves(points, settings=FitSettings(half_life_days=math.inf)))
    for channel, curve in by_channel(fit_curves(points, settings=OFF)).items():
        assert on[channel].alpha == pytest.approx(curve.alpha, rel=1e-9)
        assert on[channel].level_sigma == pytest.approx(curve.level_sigma, rel=1e-9)


def _same_as_without(points: list[DailyPoint]) -> None:
    """Every curve is the one fitted with change points off (so none was found)."""
    on = by_channel(fit_curves(points, settings=FitSettings(half_life_days=math.inf)))
    for channel, curve in by_channel(fit_curves(points, settings=OFF)).items():
        assert on[channel].alpha == pytest.approx(curve.alpha, rel=1e-9)


@pytest.mark.parametrize("seed", [1, 2])
def test_a_new_campaign_doing_better_is_no_change(seed: int) -> None:
    """The last 14 days of search come from a new campaign returning 1.7 times the curve:
    a campaign's own effect, which the next campaign will not keep."""
    _same_as_without(brand(seed, changed="ch-search", factor=1.7, new_campaign=True))


@pytest.mark.parametrize("seed", [1, 2])
def test_a_sale_that_lifts_every_channel_is_no_change(seed: int) -> None:
    """Every channel returns 1.8 times its curve for the last 10 days (a sale)."""
    _same_as_without(brand(seed, factor=1.8, after=10, everyone=True))


def test_a_change_inside_a_running_campaign_is_found() -> None:
    """The same 1.7 times, inside the campaign that ran before: the market moved."""
    points = brand(1, changed="ch-search", factor=1.7)
    assert 1.45 <= at_usual(by_channel(fit_curves(points))["ch-search"]) <= 2.0


def test_stationary_noise_rarely_looks_like_a_change() -> None:
    """Over 1,000 stationary series (serially correlated noise, a year long), the detector
    at its default settings calls a change in at most 1 %."""
    rng = np.random.default_rng(7)
    calls = sum(
        find_change(_ar1(rng, 365), z=DEFAULT.change_z, min_change=DEFAULT.min_change) is not None
        for _ in range(1000)
    )
    assert calls <= 10


def test_a_halving_is_found_where_it_starts_and_sized() -> None:
    rng = np.random.default_rng(3)
    found = 0
    for _ in range(100):
        r = _ar1(rng, 365)
        r[-14:] += math.log(0.5)
        change = find_change(r, z=DEFAULT.change_z, min_change=DEFAULT.min_change)
        if change is not None and abs(change.index - (365 - 14)) <= 2:
            found += 1
            assert 0.35 <= change.ratio <= 0.7
    assert found >= 95


def test_too_few_days_after_a_change_are_not_enough() -> None:
    r = np.zeros(200)
    r[-(MIN_AFTER - 1) :] = math.log(0.5)
    assert find_change(r + 0.01 * np.sin(np.arange(200)), z=4.0, min_change=0.3) is None


def test_a_small_sure_shift_is_left_to_the_curve() -> None:
    """A 10 % shift held for 100 days is sure but below ``min_change``."""
    rng = np.random.default_rng(5)
    r = 0.05 * rng.normal(size=365)
    r[-100:] += math.log(1.1)
    assert find_change(r, z=4.0, min_change=0.3) is None
    assert find_change(r, z=4.0, min_change=0.05) is not None


@pytest.mark.parametrize("seed", [4, 5])
def test_a_half_life_follows_slow_drift(seed: int) -> None:
    """One line's level rises 60 % over the days: a 60-day half-life ends nearer the last
    level than equal weights do (change points off, so only the weighting acts)."""
    points = brand(seed, drift=0.6)
    recent = by_channel(fit_curves(points, settings=FitSettings(half_life_days=60.0)))
    equal = by_channel(fit_curves(points, settings=OFF))
    assert at_usual(equal["ch-email"]) < 1.4
    assert at_usual(recent["ch-email"]) > at_usual(equal["ch-email"]) + 0.05


def test_weights_halve_every_half_life() -> None:
    settings = FitSettings(half_life_days=30.0)
    ordinals = np.array([100, 130, 160])
    assert settings.weights(ordinals).tolist() == pytest.approx([0.25, 0.5, 1.0])
    assert FitSettings(half_life_days=math.inf).weights(ordinals).tolist() == [1.0, 1.0, 1.0]


def test_settings_are_read_from_the_policy_file(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(
        "[gates.plan]\napprovers = 1\n\n[curves]\nhalf_life_days = 90\nchange_points = false\n",
        encoding="utf-8",
    )
    assert load_fit_settings(path) == FitSettings(half_life_days=90.0, change_points=False)
    assert load_policy(path).plan.approvers == 1  # the gates read the same file
    path.write_text("[gates.plan]\napprovers = 1\n", encoding="utf-8")
    assert load_fit_settings(path) == DEFAULT
    assert load_fit_settings(tmp_path / "absent.toml") == DEFAULT
    path.write_text("[curves]\nhalf_life_days = inf\n", encoding="utf-8")
    assert load_fit_settings(path).half_life_days == math.inf
    path.write_text("[curves]\nalert_z = 3\n", encoding="utf-8")
    assert load_fit_settings(path).alert_z == 3.0


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("[curves]\nhalf_life_days = -30\n", "curves.half_life_days"),
        ("[curves]\nhalf_life_days = 2\n", "curves.half_life_days"),
        ("[curves]\nhalf_life_days = nan\n", "curves.half_life_days"),
        ('[curves]\nhalf_life_days = "a month"\n', "curves.half_life_days"),
        ("[curves]\nmin_change = 1.5\n", "curves.min_change"),
        ("[curves]\nchange_z = 0.5\n", "curves.change_z"),
        ("[curves]\nalert_z = 0\n", "curves.alert_z"),
        ("[curves]\nalert_z = nan\n", "curves.alert_z"),
        ("[curves]\nhalflife = 30\n", "curves.halflife"),
        ("curves = 3\n", "curves must be a section"),
        ("[curves\n", "cannot read"),
    ],
)
def test_bad_settings_are_named(tmp_path: Path, text: str, where: str) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FitSettingsError, match=where) as caught:
        load_fit_settings(path)
    assert str(path) in str(caught.value)


def test_the_gates_still_refuse_an_unknown_section(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_text("[curvez]\nhalf_life_days = 30\n", encoding="utf-8")
    with pytest.raises(PolicyError, match="curvez"):
        load_policy(path)
