"""The brief's rules, amounts, the rationale's number check, and the approval policy file."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from agents.orchestrator.policy import ApprovalPolicy, GateRule, PolicyError, load_policy
from agents.planner.brief import AudienceName, ChannelName, amount_of, parse_with_rules
from agents.planner.narrative import invented_numbers

CHANNELS = [
    ChannelName(id="ch-email", name="Email (Mailchimp)", kind="email"),
    ChannelName(id="ch-google-search", name="Google Search", kind="paid_search"),
    ChannelName(id="ch-bing-search", name="Microsoft Bing Search", kind="paid_search"),
    ChannelName(id="ch-meta", name="Meta Ads (Facebook, Instagram)", kind="paid_social"),
    ChannelName(id="ch-tiktok", name="TikTok Ads", kind="paid_social"),
    ChannelName(id="ch-instagram", name="Instagram (organic)", kind="organic_social"),
    ChannelName(id="ch-display", name="Google Display Network", kind="display"),
]
AUDIENCES = [
    AudienceName(id="aud-returning", name="Returning customers"),
    AudienceName(id="aud-lapsed", name="Lapsed buyers"),
]


@pytest.mark.parametrize(
    ("text", "field", "expected"),
    [
        ("No TikTok this quarter.", "exclude_channels", ["ch-tiktok"]),
        ("Skip Instagram.", "exclude_channels", ["ch-instagram"]),  # not Meta's Instagram
        ("no facebook please", "exclude_channels", ["ch-meta"]),
        ("We want revenue without paid social", "exclude_channels", ["ch-meta", "ch-tiktok"]),
        (
            "Only paid search and email.",
            "include_channels",
            ["ch-bing-search", "ch-email", "ch-google-search"],
        ),
        ("Win back lapsed buyers", "audience_ids", ["aud-lapsed"]),
    ],
)
def test_rules_find_channels_and_audiences(text: str, field: str, expected: list[str]) -> None:
    assert getattr(parse_with_rules(text, CHANNELS, AUDIENCES), field) == expected


def test_rules_read_limits_and_the_objective() -> None:
    facts = parse_with_rules(
        "Drive sign-ups and trials. At least $5k on email, no more than 20% on display, "
        "cap at 2,000 on Bing.",
        CHANNELS,
        AUDIENCES,
    )
    assert facts.objective == "conversions"
    assert facts.min_amounts == {"ch-email": "$5k"}
    assert facts.max_amounts == {"ch-display": "20%", "ch-bing-search": "2,000"}
    assert facts.exclude_channels == []  # "no more than" is a limit, not an exclusion
    assert parse_with_rules("Grow revenue and ROAS", CHANNELS, AUDIENCES).objective == "revenue"
    assert parse_with_rules("A spring campaign", CHANNELS, AUDIENCES).objective is None


@pytest.mark.parametrize(
    ("written", "amount"),
    [
        ("$5k", "5000.00"),
        ("1,250.50", "1250.50"),
        ("20%", "6000.00"),
        ("€2m", "2000000.00"),
        ("300 usd", "300.00"),
        ("lots", None),
    ],
)
def test_amounts_as_written(written: str, amount: str | None) -> None:
    value = amount_of(written, Decimal(30_000))
    assert value == (None if amount is None else Decimal(amount))


def test_invented_numbers_are_the_ones_not_in_the_source() -> None:
    source = "Allocated 30,000.00 over 14 days; ROAS 3.40; email 7,407.11"
    text = "We spend 30,000 over 14 days at ROAS 3.4 with 2 lines, and 9,999 on display."
    assert invented_numbers(text, source) == {"9,999"}
    assert invented_numbers("three lines, 3 channels", source) == set()


def test_policy_defaults_and_file(tmp_path: Path) -> None:
    policy = ApprovalPolicy()
    assert policy.plan.applies() and policy.publish.applies()
    assert not policy.budget_change.applies(Decimal(500), 0.1)
    assert policy.budget_change.applies(Decimal(5000), 0.1)
    assert policy.budget_change.applies(Decimal(500), 0.5)
    assert not GateRule(required=False).applies(Decimal(10**9))
    path = tmp_path / "policy.toml"
    path.write_text(
        "[gates.budget_change]\nabove_amount = 5000\n[gates.publish]\nrequired = false\n",
        encoding="utf-8",
    )
    loaded = load_policy(path)
    assert loaded.budget_change.above_amount == 5000 and not loaded.publish.required
    assert load_policy(tmp_path / "absent.toml") == ApprovalPolicy()
    for text, where in [
        ("[gates.plan]\napprovers = 0\n", "gates.plan.approvers"),
        ("[gates.launch]\nrequired = true\n", "gates.launch"),
        ("[approvals]\n", "approvals"),
        ("[gates.plan\n", "cannot read"),
    ]:
        path.write_text(text, encoding="utf-8")
        with pytest.raises(PolicyError, match=where.replace(".", r"\.")):
            load_policy(path)
