"""Execution pieces without a store: actions, undo, market truth, signing, config, back-off."""

from __future__ import annotations

import json
import random
from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from agents.channels import (
    Action,
    ExperimentConflictError,
    LineKey,
    LineState,
    Target,
    WebhookConfigError,
)
from agents.channels.outbox import (
    WebhookConfig,
    backoff_delay,
    load_webhook_config,
    parse_webhook_config,
    sign,
    verify_signature,
)
from agents.channels.outbox.config import ChannelHook
from agents.channels.transitions import transition, undo_key
from demo import generate
from demo.sandbox import demo_truth

T = Target(channel_id="ch-1", audience_id="aud-1")


def action(kind: str, key: str = "k", **params: object) -> Action:
    return Action(kind=kind, target=T, params=params, idempotency_key=key)


# -- actions -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kind", "params", "message"),
    [
        ("set_budget", {}, "daily_budget must be a number"),
        ("set_budget", {"daily_budget": -1}, ">= 0"),
        ("set_budget", {"daily_budget": float("nan")}, "finite"),
        ("set_budget", {"daily_budget": True}, "must be a number"),
        ("set_budget", {"daily_budget": 5, "cap": 9}, "params.cap is not a parameter"),
        ("pause", {"daily_budget": 5}, "params.daily_budget is not a parameter of pause"),
        ("stop_experiment", {}, "target.experiment_id"),
    ],
)
def test_bad_actions_are_refused_naming_the_field(
    kind: str, params: dict[str, object], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        action(kind, **params)


def test_an_experiment_needs_distinct_variants_and_one_share_each() -> None:
    target = T.model_copy(update={"experiment_id": "e"})
    make = lambda **p: Action(kind="start_experiment", target=target, params=p, idempotency_key="k")  # noqa: E731
    with pytest.raises(ValidationError, match="2 or more distinct"):
        make(variants=["a", "a"])
    with pytest.raises(ValidationError, match="one positive share per variant"):
        make(variants=["a", "b"], split=[1])
    assert make(variants=["a", "b", "c"]).split == pytest.approx((1 / 3, 1 / 3, 1 / 3))
    assert make(variants=["a", "b"], split=[1, 3]).split == (0.25, 0.75)


def test_an_idempotency_key_is_required_and_the_digest_follows_the_content() -> None:
    with pytest.raises(ValidationError, match="idempotency_key"):
        Action.model_validate({"kind": "pause", "target": {"channel_id": "c"}})
    a, b = action("set_budget", daily_budget=10), action("set_budget", daily_budget=10)
    assert a.digest() == b.digest() != action("set_budget", daily_budget=11).digest()


# -- transitions and undo --------------------------------------------------------------------
LINE = LineState(adapter="test", key=LineKey(channel_id="ch-1", audience_id="aud-1"))


def test_each_undo_restores_the_field_it_changed() -> None:
    after, undo = transition(LINE, action("set_budget", daily_budget=40), "exe_1", "now")
    assert (after.daily_budget, after.revision, after.budget_execution_id) == (40, 1, "exe_1")
    assert (undo.kind, undo.params, undo.idempotency_key) == (
        "set_budget",
        {"daily_budget": 0.0},
        "undo:k",
    )
    undone, _ = transition(after, undo, "exe_2", "now")
    assert undone.summary() == LINE.summary()

    paused, undo_pause = transition(after, action("pause"), "exe_3", "now")
    assert paused.paused and undo_pause.kind == "resume"
    _, undo_again = transition(paused, action("pause", "k2"), "exe_4", "now")
    assert undo_again.kind == "pause"  # it was paused before: undo keeps it paused


def test_an_experiment_cannot_start_twice_on_a_line() -> None:
    target = T.model_copy(update={"experiment_id": "e1"})
    start = Action(
        kind="start_experiment", target=target, params={"variants": ["a", "b"]}, idempotency_key="s"
    )
    running, _ = transition(LINE, start, "exe_1", "now")
    with pytest.raises(ExperimentConflictError, match="e1"):
        transition(running, start.model_copy(update={"idempotency_key": "s2"}), "exe_2", "now")


def test_undo_keys_stay_within_the_key_limit() -> None:
    key = "k" * 200
    for _ in range(5):
        key = undo_key(key)
        assert len(key) <= 200
    Action(kind="pause", target=T, idempotency_key=key)


# -- the market's truth ------------------------------------------------------------------------
def test_the_sandbox_market_is_the_demo_market() -> None:
    dataset = generate(seed=7)
    marketed = {a["brand_id"] for a in dataset.audiences}  # rivals only have copy, no market
    assert marketed == {"brand-trailhead", "brand-ledgerline", "brand-emberoak"}
    for brand in (b for b in dataset.brands if b["id"] in marketed):
        truth = demo_truth(7, brand["id"])
        expected = {
            pair: t
            for pair, t in dataset.truth.items()
            if any(a["id"] == pair[1] and a["brand_id"] == brand["id"] for a in dataset.audiences)
        }
        assert set(truth.pairs) == set(expected)
        for pair, t in expected.items():
            p = truth.pairs[pair]
            assert (p.alpha, p.half_saturation, p.shape, p.noise_sigma) == (
                t["alpha"],
                t["half_saturation"],
                t["shape"],
                t["noise_sigma"],
            )
        days = [date.fromisoformat(d) for d in dataset.seasonality[brand["id"]]]
        factors = truth.season.factors(days)
        assert factors.tolist() == list(dataset.seasonality[brand["id"]].values())
    kinds = set(demo_truth(7, "brand-trailhead").channel_kinds.values())
    assert {"email", "paid_search", "paid_social", "display", "web"} <= kinds


def test_seasonality_goes_on_past_the_demo_year_with_its_events() -> None:
    season = demo_truth(7, "brand-trailhead").season
    this_year, next_year = date(2026, 11, 27), date(2027, 11, 27)  # the Black Friday event
    week_before = date(2027, 11, 13)
    assert season.factors([next_year])[0] > 1.5 * season.factors([week_before])[0]
    assert season.factors([next_year])[0] == pytest.approx(season.factors([this_year])[0], rel=0.2)


# -- signing, config, back-off ---------------------------------------------------------------
def test_a_signature_verifies_only_the_same_body_and_a_recent_time() -> None:
    body = b'{"a":1}'
    signature = sign("s3cret", 1_000, body)
    assert verify_signature("s3cret", body, "1000", signature, now=1_100)
    assert not verify_signature("s3cret", b'{"a":2}', "1000", signature, now=1_100)
    assert not verify_signature("other", body, "1000", signature, now=1_100)
    assert not verify_signature("s3cret", body, "1000", signature, now=2_000)
    assert not verify_signature("s3cret", body, None, signature)


def test_the_webhook_file_is_read_and_its_mistakes_named(tmp_path: Path) -> None:
    path = tmp_path / "webhooks.toml"
    path.write_text(
        'max_attempts = 3\n[channels."ch-1"]\nurl = "https://h.example/1"\nsecret_env = "S1"\n'
        '[channels."*"]\nurl = "http://h.example/any"\n'
    )
    config = load_webhook_config(path, {"S1": "abc"})
    assert config.max_attempts == 3
    assert config.hook_for("ch-1") == ChannelHook(url="https://h.example/1", secret="abc")
    hook = config.hook_for("ch-9")
    assert hook is not None and hook.url == "http://h.example/any"

    with pytest.raises(WebhookConfigError, match="'S1' is not set"):
        load_webhook_config(path, {})
    json_path = tmp_path / "w.json"
    json_path.write_text(json.dumps({"channels": {"c": {"url": "ftp://x"}}}))
    with pytest.raises(WebhookConfigError, match=r"w.json: channels.c.url must be an http"):
        load_webhook_config(json_path)
    for raw, message in [
        ({"channels": {}}, "needs a"),
        ({"retries": 3, "channels": {"c": {"url": "http://x"}}}, "unknown key 'retries'"),
        ({"max_attempts": 0, "channels": {"c": {"url": "http://x"}}}, "max_attempts must be"),
        ({"lease_seconds": 5, "channels": {"c": {"url": "http://x"}}}, "must exceed"),
    ]:
        with pytest.raises(WebhookConfigError, match=message):
            parse_webhook_config(raw, "f.toml", {})


def test_back_off_doubles_with_jitter_and_a_cap() -> None:
    config = WebhookConfig(
        channels={},
        base_delay_seconds=1.0,
        max_delay_seconds=10.0,
        timeout_seconds=1,
        lease_seconds=2,
    )
    rng = random.Random(1)
    for attempt, full in [(1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (5, 10.0), (50, 10.0)]:
        delays = [backoff_delay(config, attempt, rng) for _ in range(200)]
        assert full / 2 <= min(delays) and max(delays) <= full
        assert max(delays) - min(delays) > full / 4  # it is jittered
