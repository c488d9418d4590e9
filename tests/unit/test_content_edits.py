"""Edit ratio between a draft and its approved version, tracked per piece and per month."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from agents.content import (
    EditRecord,
    InvalidContentInputError,
    edit_distance,
    edit_ratio,
    edit_report,
)
from agents.content.edits import tokens

DRAFT = "Your last trip deserves a sequel. Our Traverse 45 carries a week of food."


def test_tokens_are_words_and_punctuation() -> None:
    assert tokens("Save 20% on the Daybreak-22, it's light!") == [
        "Save",
        "20",
        "%",
        "on",
        "the",
        "Daybreak-22",
        ",",
        "it's",
        "light",
        "!",
    ]


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ([], [], 0),
        (["a"], [], 1),
        (["a", "b", "c"], ["a", "b", "c"], 0),
        (["a", "b", "c"], ["a", "x", "c"], 1),
        (["a", "b", "c", "d"], ["b", "c", "d", "e"], 2),
        (list("kitten"), list("sitting"), 3),
    ],
)
def test_edit_distance(a: list[str], b: list[str], distance: int) -> None:
    assert edit_distance(a, b) == distance == edit_distance(b, a)


def test_edit_ratio_runs_from_untouched_to_rewritten() -> None:
    assert edit_ratio(DRAFT, DRAFT) == 0.0
    assert edit_ratio("", "") == 0.0
    assert edit_ratio("alpha beta", "gamma delta") == 1.0
    # 16 tokens; two words swapped for others and one cut: 3 edits
    edited = "Your last hike deserves a sequel. The Traverse 45 carries a week of food"
    assert len(tokens(DRAFT)) == 16
    assert edit_ratio(DRAFT, edited) == pytest.approx(3 / 16)


def _record(piece: str, day: date, approved: str) -> EditRecord:
    return EditRecord(piece, day, DRAFT, approved)


def test_report_per_piece_and_per_month() -> None:
    light = "Your last trip deserves a sequel. Our Traverse 45 carries a week of food!"  # 1/16
    band = "Your next trip deserves a sequel. The Traverse 45 carries food for a week."  # in band
    heavy = "Pack for the whole week: the Traverse 45 has room."
    assert edit_ratio(DRAFT, band) == pytest.approx(6 / 16)
    report = edit_report(
        [
            _record("p1", date(2026, 3, 2), light),
            _record("p2", date(2026, 3, 20), band),
            _record("p3", date(2026, 4, 1), heavy),
            _record("p4", datetime(2026, 4, 30, 23, tzinfo=UTC), band),
        ]
    )
    assert [(p.piece_id, p.month, p.position) for p in report.pieces] == [
        ("p1", "2026-03", "below"),
        ("p2", "2026-03", "in_band"),
        ("p3", "2026-04", "above"),
        ("p4", "2026-04", "in_band"),
    ]
    march, april = report.months
    assert (march.month, march.pieces, march.in_band, march.below, march.above) == (
        "2026-03",
        2,
        0.5,
        0.5,
        0.0,
    )
    assert (april.in_band, april.above) == (0.5, 0.5)
    assert march.median_ratio == pytest.approx((1 / 16 + 6 / 16) / 2, abs=1e-4)
    assert report.in_band == 0.5 and report.band == (0.25, 0.45)


def test_a_custom_band_and_bad_input() -> None:
    wide = edit_report(
        [_record("p1", date(2026, 3, 2), "Something else entirely.")], band=(0.0, 1.0)
    )
    assert wide.pieces[0].position == "in_band"
    assert edit_report([]).months == () and edit_report([]).in_band == 0.0
    with pytest.raises(InvalidContentInputError, match="band"):
        edit_report([], band=(0.5, 0.2))
    with pytest.raises(InvalidContentInputError, match="piece 'p1' appears twice"):
        edit_report([_record("p1", date(2026, 3, 2), DRAFT)] * 2)
