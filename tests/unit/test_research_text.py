"""Reading copy: hooks of each copy format, phrases, offers, angle names and the ranking of
suggestions."""

from __future__ import annotations

import pytest

from agents.research.angles import cluster, competitor_angles, key_phrases
from agents.research.competitors import Doc
from agents.research.models import Absence, Citation, Trend
from agents.research.suggest import suggest
from agents.research.text import hook_key, hook_of, numbers_in, offers, phrase_stats, phrases
from graph.models import NodeRef
from graph.schema import Label


@pytest.mark.parametrize(
    ("body", "hook"),
    [
        ("Subject: Your boots, resoled\nPreheader: x\n\nHi *|FNAME|*,", "Your boots, resoled"),
        ("15-second vertical video\n0-3 s hook: Wet rocks? No problem. More.", "Wet rocks?"),
        (
            "Primary text: Found it cheaper? We match it. Our boots…\nHeadline: Match",
            "Found it cheaper?",
        ),
        (
            "Responsive search ad\nHeadlines: Ridgeline Mid | Spring sale\nFinal URL: x",
            "Ridgeline Mid",
        ),
        (
            "Trailhead: Members first: 20% off starts today: t.example/s/1 Reply STOP",
            "Members first: 20% off starts today",
        ),
        (
            "The best views are a few miles out.\n\nOur pack fits it all.",
            "The best views are a few miles out.",
        ),
    ],
)
def test_the_hook_is_the_opening_line_of_each_format(body: str, hook: str) -> None:
    assert hook_of({"title": "t", "body": body}) == hook


def test_hooks_group_by_their_folded_text() -> None:
    assert hook_key("Day 10: the feature teams try first") == hook_key(
        "day 12 - the feature  teams try first"
    )
    assert hook_key("It's been a while") != hook_key("It has been a while")
    assert hook_of({"title": "Only a title"}) == "Only a title"
    assert hook_of({}) is None


def test_phrases_skip_labels_links_and_stop_words() -> None:
    found = {
        shown for _, shown in phrases("Headline: Price match on boots\nLink: https://x.example/a")
    }
    assert {"price match", "boots", "price"} <= found
    assert not {"headline", "link", "https", "on"} & found
    assert all(len(shown.split()) <= 3 for shown in found)


def test_offers_and_their_numbers() -> None:
    text = "Great boots for you. Up to 40% off this week. Free shipping over $1,049.50!\nBye now."
    assert offers(text) == ["Up to 40% off this week.", "Free shipping over $1,049.50!"]
    assert numbers_in("Free shipping over $1,049.50 and 3 pairs") == [1049.5, 3.0]


def _doc(i: int, brand: str, text: str) -> Doc:
    return Doc(
        ref=NodeRef(label=Label.ASSET, id=f"a{i}"),
        brand_id=brand,
        title=text.split(".")[0],
        kind="ad_copy",
        text=text,
        score=1.0 / (i + 1),
    )


DOCS = [
    _doc(0, "r", "Price match on boots. We price match any store, up to 40% off."),
    _doc(1, "r", "Found hiking boots cheaper? We price match any store and refund the difference."),
    _doc(2, "r", "Price match on hiking boots: we price match any store. Free shipping over $49."),
    _doc(3, "p", "Repair your old tent. Our repair shop patches tents and jackets."),
    _doc(4, "p", "Free repairs for life: the repair shop fixes any jacket."),
]


def test_copy_clusters_into_angles_named_by_their_phrases() -> None:
    groups = cluster(DOCS, ignore=set())
    assert sorted(map(sorted, groups)) == [[0, 1, 2], [3, 4]]
    angles = competitor_angles(DOCS, {"r": "Rival", "p": "Patch Co"}, ignore=set())
    assert [a.competitors for a in angles] == [["r"], ["p"]]
    assert angles[0].key_phrases[0] == "price match"
    assert "repair shop" in angles[1].key_phrases
    assert angles[0].offers[0] == "We price match any store, up to 40% off."
    assert [c.node_id for c in angles[0].evidence] == ["Asset:a0", "Asset:a1", "Asset:a2"]
    assert angles[0].share == pytest.approx(0.6)


def test_key_phrases_prefer_the_longer_phrase_most_uses_are_in() -> None:
    inside = phrase_stats({d.node_id: d.text for d in DOCS[:3]})
    overall = phrase_stats({d.node_id: d.text for d in DOCS})
    chosen = [inside.shown(k) for k in key_phrases(inside, overall, ignore=set())]
    assert chosen[0] == "price match"  # not "price", not "match"


def _trend(label: str, direction: str, z: float, on_topic: bool, family: str = "hook") -> Trend:
    return Trend(
        family=family,  # type: ignore[arg-type]
        key=label,
        label=label,
        direction=direction,  # type: ignore[arg-type]
        metric="roas",
        baseline="rest_of_brand",
        change_per_30_days=0.1 if direction == "rising" else -0.1,
        change_low=0.0,
        change_high=0.2,
        z=z,
        p=0.001,
        q=0.01,
        days=60,
        rows=60,
        window_start="2026-01-01",  # type: ignore[arg-type]
        window_end="2026-03-01",  # type: ignore[arg-type]
        on_topic=on_topic,
        detail=f"{label} {direction}",
        query={},
        evidence=[Citation(node_id=f"Asset:{label}", reason="r")],
    )


def test_suggestions_rank_on_topic_hooks_then_positions_then_the_rest() -> None:
    hooks = [
        _trend("on-topic-up", "rising", 6.0, True),
        _trend("elsewhere-up", "rising", 6.0, False),
        _trend("on-topic-down", "falling", -6.0, True),
        _trend("elsewhere-down", "falling", -6.0, False),
    ]
    gap = Absence(
        kind="brand_absent",
        phrase="price match",
        competitors=["r"],
        detail="gap",
        evidence=[Citation(node_id=f"Asset:r{i}", reason="r") for i in range(4)],
    )
    ranked = suggest(hooks, [_trend("Meta", "rising", 3.0, False, "channel")], [gap], [])
    assert [s.angle for s in ranked] == [
        "Lead with the hook 'on-topic-up'",
        "Answer the competitors' 'price match'",
        "Lead with the hook 'elsewhere-up'",
        "Refresh or retire the hook 'on-topic-down'",
        "Put more weight on Meta",
    ]
    assert [s.rank for s in ranked] == [1, 2, 3, 4, 5]
    assert ranked[0].score == 1.0 and ranked[0].evidence[0].node_id == "Asset:on-topic-up"


@pytest.mark.parametrize(
    ("offer", "unit"),
    [
        ("Book a free 15-minute video fitting", "minute"),
        ("Resoling for $45, with free return shipping.", "USD"),
        ("No per-user fees: pay per invoice, from 0.40 euros.", "EUR"),
        ("Free for the first three months, for up to 500 invoices.", "invoices"),
    ],
)
def test_the_unit_of_an_offer_is_its_currency_or_the_word_after_the_number(
    offer: str, unit: str
) -> None:
    from agents.research.insights import _unit

    assert _unit(offer) == unit
