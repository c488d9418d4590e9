"""Cell values of real exports: localised numbers, currencies, dates, HTML, ids."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from ingest.connectors._cms import Post, html_text, link_translations
from ingest.connectors._values import (
    Amount,
    bracket_ids,
    decimal_evidence,
    detect_decimal,
    parse_amount,
    parse_date,
    parse_timestamp,
    slash_dates_day_first,
    slug,
)
from ingest.errors import UnreadableInputError


@pytest.mark.parametrize(
    ("text", "decimal", "expected"),
    [
        ("1,234.56", ".", Amount(1234.56)),
        ("1.234,56", ",", Amount(1234.56)),
        ("€1.234,56", ",", Amount(1234.56, "EUR")),
        ("1 234,56 €", ",", Amount(1234.56, "EUR")),
        ("1\u00a0234,5", ",", Amount(1234.5)),
        ("USD 12.00", ".", Amount(12.0, "USD")),
        ("US$7", ".", Amount(7.0, "USD")),
        ("3.45%", ".", Amount(3.45, None, True)),
        ("6,08 %", ",", Amount(6.08, None, True)),
        ("(12.50)", ".", Amount(-12.5)),
        ("384.837", ",", Amount(384837.0)),
        ("384.837", ".", Amount(384.837)),
    ],
)
def test_numbers_in_each_locale(text: str, decimal: str, expected: Amount) -> None:
    assert parse_amount(text, "," if decimal == "," else ".") == expected


@pytest.mark.parametrize("text", ["--", "", " - ", "(not set)", "n/a"])
def test_placeholders_are_no_value(text: str) -> None:
    assert parse_amount(text, ".") is None


def test_not_a_number_says_so() -> None:
    with pytest.raises(ValueError, match="not a number: 'twelve'"):
        parse_amount("twelve", ".")


def test_decimal_separator_is_decided_per_file_from_the_cells_that_show_it() -> None:
    assert decimal_evidence("1.234") is None and decimal_evidence("1,234") is None
    assert decimal_evidence("1.234,5") == "," and decimal_evidence("1,234.5") == "."
    assert decimal_evidence("1.234.567") == "," and decimal_evidence("0,7") == ","
    assert detect_decimal([(2, "1.234"), (3, "12,50")], "x.csv") == ","
    assert detect_decimal([(2, "1,234"), (3, "7")], "x.csv") == "."  # nothing proves ','
    with pytest.raises(UnreadableInputError, match=r"'12,50' on line 3 uses ','"):
        detect_decimal([(2, "1.5"), (3, "12,50")], "x.csv")


def test_dates_in_the_shapes_exports_use() -> None:
    day = date(2026, 3, 1)
    for text in ("2026-03-01", "20260301", "Mar 1, 2026", "March 1, 2026", "1 Mar 2026",
                 "01.03.2026", "3/1/2026", "Sunday, March 1, 2026"):  # fmt: skip
        assert parse_date(text) == day, text
    assert parse_date("1/3/2026", day_first=True) == day
    assert slash_dates_day_first(["3/1/2026", "13/1/2026"]) is True
    assert slash_dates_day_first(["3/1/2026", "12/1/2026"]) is False
    with pytest.raises(ValueError, match="not a date"):
        parse_date("2026-13-01")


def test_timestamps_without_an_offset_are_read_in_the_portal_zone() -> None:
    berlin = timezone(timedelta(hours=1))
    assert parse_timestamp("2026-03-01 09:30", berlin) == datetime(2026, 3, 1, 9, 30, tzinfo=berlin)
    assert parse_timestamp("2026-03-01T09:30:00Z", berlin).utcoffset() == timedelta(0)
    assert parse_timestamp("3/1/2026 9:30 PM", berlin).hour == 21
    assert parse_timestamp("1772357400000", berlin) == datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def test_slugs_and_bracketed_ids() -> None:
    assert slug("Ledgerline | Suche | Rechnungen DÉ") == "ledgerline-suche-rechnungen-de"
    assert bracket_ids("PMax | Steuerberater [cmp-ledgerline-0026]") == ["cmp-ledgerline-0026"]
    assert bracket_ids("no id here") == []


def test_html_becomes_readable_text_without_scripts() -> None:
    html = "<p>Merino &ndash; never cotton.</p><script>track()</script><ul><li>Down</li></ul>"
    assert html_text(html) == "Merino – never cotton.\nDown"


def test_the_earliest_item_of_a_translation_group_is_the_original() -> None:
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    posts = [
        Post(1, {"id": "de"}, t0 + timedelta(days=9), "g"),
        Post(2, {"id": "en"}, t0, "g"),
        Post(3, {"id": "alone"}, t0, "h"),
    ]
    link_translations(posts)
    assert posts[0].record == {"id": "de", "translation_group": "g", "translation_of": "en"}
    assert posts[1].record == {"id": "en", "translation_group": "g"}
    assert posts[2].record == {"id": "alone"}
