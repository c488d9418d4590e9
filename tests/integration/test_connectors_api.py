"""Exports over HTTP (real server, both backends) and through the CLI (a real process)."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from graph.base import GraphStore
from graph.schema import Label
from ingest.connectors import sample_path
from tests.integration.http_server import serve
from tests.integration.test_api import assert_error
from tests.integration.test_cli import assert_one_line_error, run, write_jsonl

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "exports"
KEYS = {"view-key-123-secret": "viewer", "analyst-key-123-secret": "analyst"}
ANALYST = {"Authorization": "Bearer analyst-key-123-secret"}
VIEWER = {"Authorization": "Bearer view-key-123-secret"}
BRAND = '{"id": "brand-ledgerline", "name": "Ledgerline", "currency": "EUR"}'


@pytest.fixture
def client(graph_store: GraphStore, tmp_path: Path) -> Iterator[httpx.Client]:
    with serve(graph_store, tmp_path, KEYS) as http:
        r = http.post(
            "/v1/ingest/brands",
            content=BRAND,
            headers={**ANALYST, "Content-Type": "application/x-ndjson"},
        )
        assert r.status_code == 200, r.text
        yield http


def test_an_export_is_ingested_over_http(client: httpx.Client, graph_store: GraphStore) -> None:
    body = sample_path("google-ads").read_bytes()
    r = client.post(
        "/v1/ingest/from/google-ads",
        content=body,
        params={"filename": "report.csv"},
        headers={**ANALYST, "Content-Type": "text/csv"},
    )
    assert r.status_code == 200, r.text
    answer = r.json()
    assert answer["source"] == "google-ads" and answer["brand_id"] == "brand-ledgerline"
    assert answer["records"] == {"channels": 3, "campaigns": 3, "outcomes": 21}
    assert answer["accepted"] == 27 and "skipped 4 total row(s)" in answer["notes"]
    assert graph_store.count(Label.OUTCOME) == 21
    again = client.post(
        "/v1/ingest/from/google-ads",
        content=body,
        params={"filename": "report.csv"},
        headers=ANALYST,
    )
    assert again.json()["already_ingested"] is True


def test_export_errors_over_http(client: httpx.Client, graph_store: GraphStore) -> None:
    body = sample_path("google-ads").read_text(encoding="utf-8").replace(",Kosten,", ",Spend,")
    error = assert_error(
        client.post("/v1/ingest/from/google-ads", content=body.encode(), headers=ANALYST),
        422,
        "bad_columns",
    )
    assert error["details"]["missing"] == ["Cost"] and error["details"]["unknown"] == ["Spend"]
    assert "Day" in error["details"]["expected"]
    unknown = assert_error(
        client.post("/v1/ingest/from/tiktok", content=b"x", headers=ANALYST), 404, "unknown_source"
    )
    assert "google-ads" in unknown["details"]["known"]
    assert_error(
        client.post("/v1/ingest/from/google-ads", content=b"x", headers=VIEWER), 403, "forbidden"
    )
    tz = client.post(
        "/v1/ingest/from/hubspot-contacts",
        content=sample_path("hubspot-contacts").read_bytes(),
        params={"timezone": "Berlin"},
        headers=ANALYST,
    )
    assert_error(tz, 400, "bad_option")
    missing = client.post(
        "/v1/ingest/from/google-ads",
        content=sample_path("google-ads").read_bytes(),
        params={"brand_id": "ledgerline"},
        headers=ANALYST,
    )
    message = assert_error(missing, 404, "not_found")["message"]
    assert "did you mean brand-ledgerline?" in message and "brand_name" in message
    assert graph_store.count(Label.OUTCOME) == 0 and graph_store.count(Label.LEAD) == 0


def test_an_export_creates_its_brand_over_http(
    client: httpx.Client, graph_store: GraphStore
) -> None:
    body = (FIXTURES / "meta_ads_en_gbp_issue17.csv").read_bytes()
    wrong = client.post(
        "/v1/ingest/from/meta-ads",
        content=body,
        params={"brand_id": "brand-ledgerline"},
        headers=ANALYST,
    )
    details = assert_error(wrong, 422, "currency_mismatch")["details"]
    assert details == {"column": "Amount spent (GBP)", "export": "GBP", "brand": "EUR"}

    r = client.post(
        "/v1/ingest/from/meta-ads",
        content=body,
        params={"brand_id": "brand-emberoak", "brand_name": "Ember & Oak", "filename": "m.csv"},
        headers=ANALYST,
    )

    assert r.status_code == 200, r.text
    answer = r.json()
    assert answer["brand_id"] == "brand-emberoak" and answer["brand_created"] is True
    assert answer["records"]["brands"] == 1 and answer["records"]["outcomes"] == 10
    assert (
        "derived column(s) checked against each row and not stored: Purchase ROAS"
        in (answer["notes"])
    )
    brand = client.get("/v1/brands", headers=VIEWER).json()
    assert {"brand-emberoak", "brand-ledgerline"} <= {b["id"] for b in brand}
    assert graph_store.count(Label.OUTCOME) == 10


def test_a_zipped_markdown_folder(client: httpx.Client, graph_store: GraphStore) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(sample_path("cms-markdown").glob("*.md")):
            archive.write(path, f"blog/{path.name}")
    r = client.post(
        "/v1/ingest/from/cms",
        content=buffer.getvalue(),
        params={"filename": "blog.zip"},
        headers={**ANALYST, "Content-Type": "application/zip"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["records"] == {"assets": 6} and graph_store.count(Label.ASSET) == 6


def test_cli_ingests_exports_and_names_bad_columns(tmp_path: Path) -> None:
    brands = write_jsonl(
        tmp_path / "brands.jsonl",
        json.loads(BRAND),
        {"id": "brand-trailhead", "name": "Trailhead", "currency": "USD"},
    )
    assert run(tmp_path, "ingest", "brands", str(brands)).returncode == 0

    meta = run(
        tmp_path,
        "ingest",
        "--from",
        "meta-ads",
        str(sample_path("meta-ads")),
        "--brand",
        "brand-trailhead",
    )
    assert meta.returncode == 0, meta.stderr
    assert "meta-ads export for brand-trailhead: 1 channels, 2 audiences" in meta.stdout
    assert "ingested 65 records" in meta.stdout
    blog = run(
        tmp_path,
        "ingest",
        "--from",
        "cms",
        str(sample_path("cms-markdown")),
        "--brand",
        "brand-ledgerline",
    )
    assert blog.returncode == 0 and "6 assets" in blog.stdout, blog.stderr

    bad = tmp_path / "report.csv"
    bad.write_text(
        sample_path("google-ads").read_text(encoding="utf-8").replace(",Kosten,", ",Spend,")
    )
    result = run(
        tmp_path, "ingest", "--from", "google-ads", str(bad), "--brand", "brand-ledgerline"
    )
    assert_one_line_error(
        result, 1, "report.csv", "missing column(s) 'Cost'", "unknown column(s) 'Spend'"
    )
    assert_one_line_error(
        run(tmp_path, "ingest", "--from", "tiktok", str(bad)), 2, "unknown export source 'tiktok'"
    )
    good = str(sample_path("google-ads"))  # the file is checked first, then the brand
    assert_one_line_error(
        run(tmp_path, "ingest", "--from", "google-ads", good), 1, "several brands"
    )
    assert_one_line_error(
        run(tmp_path, "ingest", "brands", str(brands), "--brand", "x"), 2, "go with --from"
    )
