"""Export headers and derived columns: spellings across languages, currency suffixes,
the rounding a derived figure may carry, and the files Excel writes."""

from __future__ import annotations

import codecs
from datetime import date

import pytest

from ingest.connectors import _google_ads_spec as gads
from ingest.connectors import _meta_ads_spec as meta
from ingest.connectors._derived import Ratio, check_ratios
from ingest.connectors._table import Column, Table, read_table, split_currency
from ingest.connectors._values import parse_date, slash_dates_day_first


def key_of(spec: tuple[Column, ...], header: str) -> str | None:
    return next((c.key for c in spec if c.matches(header)), None)


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("Amount spent (GBP)", "spend"),
        ("Montant dépensé (EUR)", "spend"),
        ("montant depense (€)", "spend"),
        ("Importe gastado (EUR)", "spend"),
        ("Valor usado (BRL)", "spend"),
        ("Importo speso (EUR)", "spend"),
        ("Besteed bedrag (EUR)", "spend"),
        ("Ausgegebener  Betrag (EUR)", "spend"),
        ("CPM (cost per 1 000 impressions) (GBP)", "cpm"),
        ("CPM (Coût pour 1 000 impressions) (EUR)", "cpm"),
        ("Purchase ROAS", "roas"),
        ("Nom de l’ensemble de publicités", "adset"),
        ("Unheard-of metric", None),
    ],
)
def test_meta_headers_in_every_language(header: str, key: str | None) -> None:
    assert key_of(meta.SPEC, header) == key


def test_known_settings_are_ignored_without_a_note() -> None:
    table = table_of(["Campaign name", "Day", "Amount spent (GBP)", "Quality ranking"], meta.SPEC)
    assert table.unknown == [] and list(table.ignored.values()) == ["Quality ranking"]


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("Coût", "cost"),
        ("Coste (EUR)", "cost"),
        ("Custo", "cost"),
        ("Cost / conv.", "cost_per_conversion"),
        ("Coût/conv.", "cost_per_conversion"),
        ("cout / conv.", "cost_per_conversion"),
        ("Valeur de conv.", "revenue"),
        ("Conv.waarde", "revenue"),
        ("CPC méd.", "cpc"),
        ("Vertoningen", "impressions"),
        ("Día", "day"),
    ],
)
def test_google_ads_headers_in_every_language(header: str, key: str | None) -> None:
    assert key_of(gads.SPEC, header) == key


def test_currency_suffixes() -> None:
    assert split_currency("Amount spent (GBP)") == ("Amount spent", "GBP")
    assert split_currency("CPC (cost per link click) (€)") == ("CPC (cost per link click)", "EUR")
    assert split_currency("CTR (all)") == ("CTR (all)", None)
    assert split_currency("CTR (ALL)") == ("CTR (ALL)", None)  # not Albanian lek
    assert split_currency("Cost (CHF)") == ("Cost", "CHF")


def table_of(header: list[str], spec: tuple[Column, ...]) -> Table:
    return read_table("t.csv", (",".join(header) + "\n").encode(), spec)


ROAS = Ratio("roas", "revenue", "cost")
CTR = Ratio("ctr", "clicks", "impressions", percent=True)


@pytest.mark.parametrize(
    ("row", "ratio"),
    [
        ({"revenue": "84.50", "cost": "46.33", "roas": "1.82"}, ROAS),
        ({"revenue": "84.50", "cost": "46.33", "roas": "1.8"}, ROAS),  # fewer digits: wider
        ({"revenue": "84.5", "cost": "46.33", "roas": "1.84"}, ROAS),  # within 1 %
        ({"clicks": "236", "impressions": "3879", "ctr": "6.08%"}, CTR),
        ({"clicks": "236", "impressions": "3879", "ctr": "6.08"}, CTR),
        ({"clicks": "236", "impressions": "3879", "ctr": "0.0608"}, CTR),  # a fraction
        ({"clicks": "0", "impressions": "0", "ctr": "0.00"}, CTR),  # nothing to compare
        ({"revenue": "--", "cost": "46.33", "roas": "1.82"}, ROAS),
    ],
)
def test_derived_values_within_rounding_pass(row: dict[str, str], ratio: Ratio) -> None:
    table = table_of(
        ["Day", "Campaign", "Cost", "Conv. value", "Conv. value / cost", "Clicks", "Impr.", "CTR"],
        gads.SPEC,
    )
    check_ratios(row, table, ".", [ratio])


@pytest.mark.parametrize(
    ("row", "ratio", "message"),
    [
        (
            {"revenue": "84.50", "cost": "46.33", "roas": "1.88"},
            ROAS,
            "Conv. value / cost: '1.88' does not agree with the row "
            "(Conv. value / Cost gives 1.824)",
        ),
        (
            {"clicks": "236", "impressions": "3879", "ctr": "60.8%"},
            CTR,
            "CTR: '60.8%' does not agree with the row (Clicks / Impr. gives 6.084 %)",
        ),
    ],
)
def test_derived_values_beyond_rounding_name_the_column(
    row: dict[str, str], ratio: Ratio, message: str
) -> None:
    table = table_of(
        ["Day", "Campaign", "Cost", "Conv. value", "Conv. value / cost", "Clicks", "Impr.", "CTR"],
        gads.SPEC,
    )
    with pytest.raises(ValueError, match="does not agree") as error:
        check_ratios(row, table, ".", [ratio])
    assert str(error.value).startswith(message)


def test_excel_files_windows_1252_and_a_separator_line() -> None:
    text = "sep=;\r\nDía;Campaña;Coste\r\n01/11/2026;Año nuevo;12,50\r\n"
    table = read_table("t.csv", text.encode("cp1252"), gads.SPEC)
    assert table.encoding == "cp1252" and table.header_line == 2
    assert table.rows == [(3, {"day": "01/11/2026", "campaign": "Año nuevo", "cost": "12,50"})]
    utf8 = read_table("t.csv", codecs.BOM_UTF8 + text.encode(), gads.SPEC)
    assert utf8.encoding == "utf-8" and utf8.rows == table.rows


def test_unknown_columns_are_listed_and_missing_ones_refuse() -> None:
    table = table_of(["Day", "Campaign", "Cost", "Search top IS", "Device"], gads.SPEC)
    assert table.unknown == ["Search top IS"]  # Device is known: a segment, summed
    assert table.notes("google-ads") == [
        "column(s) the google-ads connector does not read, ignored: 'Search top IS'"
    ]


def test_month_names_in_the_reports_languages() -> None:
    for text in ("16. Nov. 2026", "16 nov. 2026", "16 de nov. de 2026", "Nov 16, 2026"):
        assert parse_date(text) == date(2026, 11, 16)
    assert parse_date("3 déc. 2026") == date(2026, 12, 3)
    assert parse_date("3 mrt 2026") == date(2026, 3, 3)
    assert parse_date("3 out. 2026") == date(2026, 10, 3)
    with pytest.raises(ValueError, match="not a date"):
        parse_date("3 brumaire 2026")


def test_slashed_dates_are_day_first_when_the_locale_says_so() -> None:
    ambiguous = ["01/11/2026", "02/11/2026"]
    assert slash_dates_day_first(ambiguous) is False
    assert slash_dates_day_first(ambiguous, default=True) is True
    assert slash_dates_day_first(["11/13/2026"], default=True) is False  # month first, proven
    assert slash_dates_day_first(["13/11/2026"]) is True
