"""Drafting variants: deterministic recombination, and an LLM through scripted fake models."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage
from pydantic import Field

from agents.content import (
    BrandProfile,
    ConsistencyScorer,
    DraftingFailedError,
    DraftRequest,
    InvalidContentInputError,
    WinningAsset,
    draft_variants,
)
from agents.content.channels import limits
from demo import generate

CREATIVE = {"ad_copy", "email", "social_post", "landing_page", "blog", "image", "video"}
DEMO = generate(seed=7)
BRANDS = {b["id"]: BrandProfile.from_node(b) for b in DEMO.brands}
TRAIL = BRANDS["brand-trailhead"]
ASSETS = [a for a in DEMO.assets if a["kind"] in CREATIVE]


def _text(a: dict[str, Any]) -> str:
    return f"{a['title']}\n{a['body']}"


OWN = [_text(a) for a in ASSETS if a["brand_id"] == TRAIL.id]
OTHERS = [_text(a) for a in ASSETS if a["brand_id"] != TRAIL.id]
SCORER = ConsistencyScorer(TRAIL, OWN, OTHERS)
WINNERS = [
    WinningAsset(a["id"], a["title"], a["body"], a["kind"], performance=float(10 - i % 9))
    for i, a in enumerate(a for a in ASSETS if a["brand_id"] == TRAIL.id)
][:15]


# -- recombination -----------------------------------------------------------------------------
@pytest.mark.parametrize("channel", ["paid_social", "email", "sms", "paid_search", "video", "web"])
def test_recombined_variants_differ_in_their_hook_and_pass(channel: str) -> None:
    result = draft_variants(
        DraftRequest(channel, audience="Returning customers"), TRAIL, WINNERS, scorer=SCORER
    )
    drafts = result.drafts
    assert result.method == "recombination" and result.model is None and len(drafts) == 3
    assert len({d.hook for d in drafts}) == 3, "hook variants are the test"
    assert len({(d.body, d.cta) for d in drafts}) <= 2  # the rest stays (mostly) shared
    ids = {w.id for w in WINNERS}
    for d in drafts:
        assert d.score.passed and not d.needs_review, d.score.explain()
        assert d.sources and set(d.sources) <= ids
        assert d.hook in d.text
        assert SCORER.violations(d.text, channel, d.parts) == []
    if channel == "sms":
        assert all(len(d.text) <= 160 and d.text.endswith("Reply STOP to opt out") for d in drafts)
    lim = limits(channel)
    assert all(lim.hook is None or len(d.hook) <= lim.hook for d in drafts)


def test_recombination_is_deterministic() -> None:
    request = DraftRequest("paid_social", topic="trail runner")
    first = draft_variants(request, TRAIL, WINNERS, scorer=SCORER)
    assert first == draft_variants(request, TRAIL, WINNERS, scorer=SCORER)
    # the topic pulls matching parts up
    assert any("trail runner" in d.text.lower() for d in first.drafts)


def test_the_best_performers_hooks_come_first() -> None:
    best = WinningAsset(
        "w-best",
        "Post",
        "Made for people who check the forecast twice and go anyway.\n\n"
        "Our Daybreak 22 daypack fits a layer, lunch and two liters of water without bouncing.",
        "social_post",
        100.0,
    )
    result = draft_variants(DraftRequest("organic_social"), TRAIL, [*WINNERS, best], scorer=SCORER)
    assert result.drafts[0].hook == "Made for people who check the forecast twice and go anyway."
    assert "w-best" in result.drafts[0].sources


def test_competitors_and_banned_terms_never_make_it_into_a_draft() -> None:
    bad = [
        WinningAsset(
            "w1",
            "Ad",
            "Primary text: Better than Patagonia, half the price. Our boots are cheap.\n"
            "Button: Shop now",
            "ad_copy",
            50.0,
        ),
        WinningAsset(
            "w2",
            "Ad",
            "Primary text: REI Co-op fans love this. Get 50% off today.",
            "ad_copy",
            40.0,
        ),
    ]
    result = draft_variants(DraftRequest("paid_social"), TRAIL, [*bad, *WINNERS], scorer=SCORER)
    for d in result.drafts:
        for word in ("Patagonia", "REI", "cheap", "50%"):
            assert word not in d.text
        assert "w1" not in d.sources or "Shop now" in d.text


def test_a_draft_under_the_threshold_is_retried_then_flagged() -> None:
    """Scored as another brand's copy, nothing passes: every attempt is used, all flagged."""
    ember = BRANDS["brand-emberoak"]
    foreign = ConsistencyScorer(ember, [_text(a) for a in ASSETS if a["brand_id"] == ember.id], OWN)
    result = draft_variants(
        DraftRequest("paid_social", max_attempts=3), TRAIL, WINNERS, scorer=foreign
    )
    assert result.needs_review == result.drafts and len(result.drafts) == 3
    assert all(d.attempts == 3 and d.score.score < 0.75 for d in result.drafts)


def test_no_usable_copy_is_an_error() -> None:
    with pytest.raises(InvalidContentInputError, match="winners"):
        draft_variants(DraftRequest("email"), TRAIL, [], scorer=SCORER)
    useless = [WinningAsset("w", "x", "Link: https://x.example/lp", "ad_copy")]
    with pytest.raises(DraftingFailedError, match="no copy that fits"):
        draft_variants(DraftRequest("email"), TRAIL, useless, scorer=SCORER)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"channel": ""}, "channel"),
        ({"channel": "email", "variants": 0}, "variants"),
        ({"channel": "email", "max_attempts": 0}, "max_attempts"),
    ],
)
def test_bad_requests_are_refused(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidContentInputError, match=field):
        DraftRequest(**kwargs)
    with pytest.raises(InvalidContentInputError, match="performance"):
        WinningAsset("w", "t", "b", performance=-1.0)


# -- with an LLM (scripted) ----------------------------------------------------------------------
def _variant(
    hook: str,
    body: str = "The Switchback trail runner grips wet granite and weighs just 280 g a shoe.",
    cta: str = "Find your size",
) -> dict[str, str]:
    return {"hook": hook, "headline": "15% off trail runners", "body": body, "cta": cta}


GOOD = [
    _variant("Your last trip deserves a sequel."),
    _variant("Weekend plans: get out, get muddy, get home dry."),
    _variant("Day hike or first overnight? Start with gear tested by real hikers."),
]


class RecordingFake(GenericFakeChatModel):
    """A scripted chat model that keeps the prompts it was sent."""

    seen: list[list[BaseMessage]] = Field(default_factory=list)

    def invoke(self, input: Any, config: Any = None, **kwargs: Any) -> Any:
        self.seen.append(list(input))
        return super().invoke(input, config, **kwargs)


def _scripted(*answers: str | Exception) -> RecordingFake:
    messages = [a if isinstance(a, Exception) else AIMessage(a) for a in answers]

    def script() -> Any:
        for m in messages:
            if isinstance(m, Exception):
                raise m
            yield m

    return RecordingFake(messages=script())


def test_llm_drafts_are_scored_and_a_failing_one_is_regenerated() -> None:
    first = {"variants": [GOOD[0], _variant("Lighter than anything from Patagonia."), GOOD[2]]}
    second = {"variants": [GOOD[1]]}
    model = _scripted(json.dumps(first), json.dumps(second))
    result = draft_variants(
        DraftRequest("paid_social", topic="trail runner"),
        TRAIL,
        WINNERS,
        scorer=SCORER,
        model=model,
    )
    assert result.method == "llm" and result.model == "RecordingFake"
    assert [d.hook for d in result.drafts] == [GOOD[0]["hook"], GOOD[1]["hook"], GOOD[2]["hook"]]
    assert [d.attempts for d in result.drafts] == [1, 2, 1]
    assert all(d.method == "llm" and d.score.passed for d in result.drafts)
    assert result.prompt_digest and all(
        d.prompt_digest == result.prompt_digest for d in result.drafts
    )
    system, task = model.seen[0][0].content, model.seen[0][1].content
    assert "Patagonia" in system and "'cheap'" in system and "Voice: Plainspoken" in system
    assert WINNERS[0].id in task and "different hooks" in task
    feedback = model.seen[1][-1].content
    assert "variant 2" in feedback and "competitor: Patagonia" in feedback


def test_an_unreadable_answer_is_asked_again() -> None:
    model = _scripted("Sure! Here are some ideas...", json.dumps({"variants": GOOD}))
    result = draft_variants(DraftRequest("email"), TRAIL, WINNERS, scorer=SCORER, model=model)
    assert len(result.drafts) == 3 and result.method == "llm"
    assert result.notes == ("attempt 1: unreadable answer (OutputParserException)",)
    assert "could not be read" in model.seen[1][-1].content


def test_a_failing_model_falls_back_to_recombination() -> None:
    model = _scripted(ConnectionError("model server down"))
    result = draft_variants(DraftRequest("paid_social"), TRAIL, WINNERS, scorer=SCORER, model=model)
    assert result.method == "llm+recombination" and len(result.drafts) == 3
    assert {d.method for d in result.drafts} == {"recombination"}
    assert "model server down" in result.notes[0]


def test_too_few_variants_are_filled_in() -> None:
    model = _scripted(*[json.dumps({"variants": GOOD[:1]})] * 3)
    result = draft_variants(
        DraftRequest("paid_social", max_attempts=1), TRAIL, WINNERS, scorer=SCORER, model=model
    )
    assert [d.method for d in result.drafts] == ["llm", "recombination", "recombination"]
    assert [d.variant for d in result.drafts] == [1, 2, 3]


class ToolCallingFake(GenericFakeChatModel):
    """A scripted model with tool calling, as ``with_structured_output`` needs."""

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> Any:
        return self


def test_a_tool_calling_model_answers_through_structured_output() -> None:
    call = {"name": "DraftSet", "args": {"variants": GOOD}, "id": "call-1", "type": "tool_call"}
    model = ToolCallingFake(messages=iter([AIMessage(content="", tool_calls=[call])]))
    result = draft_variants(DraftRequest("paid_social"), TRAIL, WINNERS, scorer=SCORER, model=model)
    assert [d.hook for d in result.drafts] == [g["hook"] for g in GOOD]
    assert result.method == "llm" and not result.notes
