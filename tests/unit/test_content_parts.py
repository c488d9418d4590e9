"""The brand object's rules and the splitting of past copy into parts (demo corpus)."""

from __future__ import annotations

import pytest

from agents.content import BrandProfile, InvalidContentInputError, split_copy
from demo import generate

DEMO = generate(seed=7, outcome_rows=3_000)
BRANDS = {b["id"]: BrandProfile.from_node(b) for b in DEMO.brands}


def test_rules_are_read_off_the_demo_guidelines() -> None:
    trail, ledger, ember = (BRANDS[f"brand-{k}"] for k in ("trailhead", "ledgerline", "emberoak"))
    assert trail.banned_terms == ("cheap", "lifetime warranty")
    assert trail.preferred_terms == ("good value",)
    assert trail.max_discount == 30
    assert ledger.banned_terms == ("revolutionary", "closing the books faster than ever")
    assert ledger.preferred_terms == ("helps you prepare for", "month-end close")
    assert ledger.max_discount is None
    assert ember.banned_terms == ("the best coffee in Britain",)
    assert ember.max_discount == 25
    assert "Patagonia" in trail.competitors


@pytest.mark.parametrize("competitors", [["A", "B"], '["A", "B"]', "A; B", ("A", "B")])
def test_competitors_in_any_stored_form(competitors: object) -> None:
    brand = BrandProfile.from_node({"id": "b", "name": "B", "competitors": competitors})
    assert brand.competitors == ("A", "B")


def test_a_brand_needs_an_id_and_a_name() -> None:
    with pytest.raises(InvalidContentInputError, match="brand: needs an id and a name"):
        BrandProfile.from_node({"id": "b"})
    with pytest.raises(InvalidContentInputError, match="competitors"):
        BrandProfile.from_node({"id": "b", "name": "B", "competitors": 3})


def test_an_email_splits_into_subject_hook_body_and_cta() -> None:
    body = (
        "Subject: It's been a while: cold brew, sorted\nPreheader: Free bags this summer.\n\n"
        "Hi *|FNAME|*,\n\nWe've missed you in the queue.\n\n"
        "The Barista Starter Kit pairs a hand grinder and a V60.\n\n"
        "Shop the beans: https://emberandoak.example/lp/x?utm_source=mailchimp\n\n"
        "Happy brewing,\nThe Ember & Oak roasters"
    )
    s = split_copy(body, title="Email: x", kind="email", brand_name="Ember & Oak Coffee")
    assert s.headlines == ["It's been a while: cold brew, sorted"]
    assert s.hooks == ["We've missed you in the queue."]
    assert s.bodies == [
        "Free bags this summer.",
        "The Barista Starter Kit pairs a hand grinder and a V60.",
    ]
    assert s.ctas == ["Shop the beans"]


def test_labelled_ads_video_and_sms() -> None:
    ad = split_copy(
        "Primary text: Your next bag is roasting. It ships today.\nHeadline: Gifts for Mum\n"
        "Description: Roasted to order.\nButton: Send a gift\nLink: https://x.example/lp"
    )
    assert (ad.hooks, ad.headlines, ad.ctas) == (
        ["Your next bag is roasting."],
        ["Gifts for Mum"],
        ["Send a gift"],
    )
    assert ad.bodies == ["It ships today.", "Roasted to order."]
    video = split_copy(
        "15-second vertical video\n0-3 s hook: Members first.\n"
        "3-10 s: A hiker on a ridge. On-screen: The Traverse 45 carries a week of food.\n"
        "10-15 s: 20% off packs. End card: Shop the collection.\nLink: https://x.example/a"
    )
    assert video.hooks == ["Members first."]
    assert video.bodies == ["The Traverse 45 carries a week of food.", "20% off packs."]
    assert video.ctas == ["Shop the collection"]
    sms = split_copy(
        "Trailhead: Gifts for every trail, just for you: trailheadoutfitters.example/s/3258 "
        "Reply STOP to opt out",
        brand_name="Trailhead Outfitters",
    )
    assert sms.hooks == ["Gifts for every trail, just for you"]


def test_hashtags_and_search_headlines() -> None:
    post = split_copy("Ready when you are.\n\nOur pack fits it all. #HikeMore #TrailReady")
    assert post.hashtags == ["#HikeMore", "#TrailReady"] and post.bodies == [
        "Our pack fits it all."
    ]
    search = split_copy(
        "Responsive search ad\nHeadlines: Cold brew bags | A tasting box | Ember & Oak\n"
        "Descriptions: Smooth cold brew overnight. Free delivery this week.\nFinal URL: https://x"
    )
    assert search.hooks == []
    assert search.headlines == ["Cold brew bags", "A tasting box", "Ember & Oak"]
    assert search.bodies == ["Smooth cold brew overnight.", "Free delivery this week."]


def test_every_demo_creative_gives_parts() -> None:
    kinds = {"ad_copy", "email", "social_post", "landing_page", "blog", "image", "video"}
    for asset in (a for a in DEMO.assets if a["kind"] in kinds):
        brand = BRANDS[asset["brand_id"]]
        s = split_copy(
            asset["body"], title=asset["title"], kind=asset["kind"], brand_name=brand.name
        )
        found = s.hooks + s.headlines + s.bodies
        assert found, asset["id"]
        assert not any("http" in p or "*|" in p or "Reply STOP" in p for p in found), asset["id"]
