"""Canonical record validation and the JSONL/CSV readers."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from ingest.errors import Rejection, UnreadableInputError
from ingest.pipeline import _reason
from ingest.readers import detect_format, read_rows
from ingest.records import RECORD_TYPES, CampaignRecord, LeadRecord, OutcomeRecord


def reason_for(kind: str, raw: dict[str, object]) -> str:
    with pytest.raises(ValidationError) as caught:
        RECORD_TYPES[kind].model_validate(raw)
    return _reason(caught.value)


@pytest.mark.parametrize(
    ("kind", "raw", "needle"),
    [
        ("brands", {"id": "b"}, "name: required field is missing"),
        ("channels", {"id": "c", "name": "C", "kind": "carrier_pigeon"}, "kind:"),
        (
            "outcomes",
            {"date": "2026-01-01", "campaign_id": "c", "channel_id": "x", "spend": -1},
            "spend",
        ),
        (
            "outcomes",
            {"date": "01/02/2026", "campaign_id": "c", "channel_id": "x", "spend": 1},
            "date",
        ),
        (
            "outcomes",
            {"date": "2026-01-01", "campaign_id": "c", "channel_id": "x", "spend": "abc"},
            "spend",
        ),
        (
            "outcomes",
            {"date": "2026-01-01", "campaign_id": "c", "channel_id": "x", "spend": "nan"},
            "spend",
        ),
        (
            "leads",
            {"id": "l", "campaign_id": "c", "created_at": "2026-01-01T10:00:00"},
            "UTC offset",
        ),
        ("campaigns", {"id": "c", "brand_id": "b", "name": "n", "objective": "fame"}, "objective"),
        (
            "campaigns",
            {
                "id": "c",
                "brand_id": "b",
                "name": "n",
                "start_date": "2026-02-01",
                "end_date": "2026-01-01",
            },
            "before start_date",
        ),
        ("assets", {"id": "a", "brand_id": "b", "kind": "hologram", "title": "t"}, "kind"),
        ("brands", {"id": "", "name": "x"}, "id"),
    ],
)
def test_bad_records_name_the_field(kind: str, raw: dict[str, object], needle: str) -> None:
    assert needle in reason_for(kind, raw)


def test_unknown_fields_are_kept_and_numbers_from_csv_are_read() -> None:
    record = OutcomeRecord.model_validate(
        {
            "date": "2026-01-01",
            "campaign_id": "c",
            "channel_id": "x",
            "spend": "12.50",
            "utm": "spring",
        }
    )
    assert record.spend == 12.5
    assert record.model_extra == {"utm": "spring"}


def test_outcome_natural_key_counts_missing_parts_as_empty() -> None:
    raw = {"date": "2026-01-01", "campaign_id": "c", "channel_id": "x", "spend": 1}
    assert OutcomeRecord.model_validate(raw).node_id() == "2026-01-01|c|x||"
    with_audience = OutcomeRecord.model_validate({**raw, "audience_id": "a"})
    assert with_audience.node_id() == "2026-01-01|c|x|a|"


def test_list_cells_split_on_semicolons_and_integer_ids_become_strings() -> None:
    record = CampaignRecord.model_validate(
        {"id": 42, "brand_id": "b", "name": "n", "channel_ids": "ch1; ch2;"}
    )
    assert record.id == "42" and record.channel_ids == ["ch1", "ch2"]


def test_lead_timestamps_keep_their_offset() -> None:
    lead = LeadRecord.model_validate(
        {"id": "l", "campaign_id": "c", "created_at": "2026-01-01T10:00:00+02:00"}
    )
    assert lead.created_at.utcoffset() is not None


def test_jsonl_reader_numbers_lines_and_rejects_non_objects() -> None:
    rows = list(read_rows(b'{"a": 1}\n\n[1]\n{bad\n{"b": 2}\n', "jsonl", "f.jsonl"))
    assert [line for line, _ in rows] == [1, 3, 4, 5]
    assert isinstance(rows[1][1], Rejection) and "JSON object" in rows[1][1].reason
    assert isinstance(rows[2][1], Rejection) and "not valid JSON" in rows[2][1].reason
    assert rows[3][1] == {"b": 2}


def test_csv_reader_uses_file_line_numbers_and_drops_empty_cells() -> None:
    data = b'id,name,notes\nb1,One,\n"b2","Two, with comma","multi\nline"\nb3,Three\n'
    rows = list(read_rows(data, "csv"))
    assert rows[0] == (2, {"id": "b1", "name": "One"})
    assert rows[1] == (3, {"id": "b2", "name": "Two, with comma", "notes": "multi\nline"})
    line, rejection = rows[2]
    assert line == 5 and isinstance(rejection, Rejection) and "expected 3 cells" in rejection.reason


def test_csv_header_must_name_each_column_once() -> None:
    with pytest.raises(UnreadableInputError, match="header"):
        list(read_rows(b"id,id\n1,2\n", "csv", "dup.csv"))


def test_format_detection() -> None:
    assert detect_format("x.CSV") == "csv"
    assert detect_format("x.ndjson") == "jsonl"
    assert detect_format("", "text/csv; charset=utf-8") == "csv"
    assert detect_format("", "application/x-ndjson") == "jsonl"
    with pytest.raises(UnreadableInputError, match="cannot tell the format"):
        detect_format("x.xlsx")


def test_a_huge_rejected_value_is_shown_cut_with_its_length() -> None:
    # A 5 MB name is over the limit; the reason shows 60 characters of it and its length,
    # never the whole value (the bench's 256 MB zip member spent seconds copying it).
    text = reason_for(
        "outcomes",
        {"date": "2026-01-01", "campaign_id": "c", "channel_id": "x", "spend": "9" * 5_000_000},
    )
    assert "(5,000,000 characters)" in text
    assert len(text) < 300
