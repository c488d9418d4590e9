"""A plan's name is the first sentence or line of its brief, cut at a word."""

from __future__ import annotations

import pytest

from api.plan_names import MAX_CHARS, title_of

pytestmark = pytest.mark.unit


def test_the_first_sentence_or_line_names_the_plan() -> None:
    assert title_of("Summer boots push. Keep email above 5k.") == "Summer boots push"
    assert title_of("  Q3 launch\nmore detail here") == "Q3 launch"
    assert title_of("Is retargeting worth it? Find out.") == "Is retargeting worth it?"
    assert title_of("v2.1 of the plan, 3.5% more") == "v2.1 of the plan, 3.5% more"


def test_a_long_sentence_is_cut_at_a_word() -> None:
    text = "Grow revenue from first-time hikers across search and social, " * 3
    title = title_of(text)
    assert title.endswith("…") and len(title) <= MAX_CHARS + 1
    assert text.startswith(title[:-1]) and not title[:-1].endswith(" ")
    assert title_of("x" * 200).startswith("x" * MAX_CHARS)
