"""The generated data set: records per kind, the outcome table and the truth behind it."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, ClassVar, Literal

from demo.models import hill
from demo.outcomes import OutcomeTable
from demo.tables import FIELDS, KIND_ORDER, Record


@dataclass(eq=False)
class DemoDataset:
    """One generated data set: records per kind plus the ground truth behind the outcomes.

    ``outcomes`` is built on first use; at a million rows use ``iter_outcomes`` or ``table``.
    """

    KIND_ORDER: ClassVar[tuple[str, ...]] = KIND_ORDER

    brands: list[Record]
    channels: list[Record]
    audiences: list[Record]
    campaigns: list[Record]
    assets: list[Record]
    leads: list[Record]
    table: OutcomeTable = field(repr=False)
    # (channel_id, audience_id) -> alpha (max expected daily revenue of the pair), half_saturation
    # (pair daily spend reaching alpha / 2), shape, noise_sigma, campaign_sigma,
    # roas_at_half_saturation
    truth: dict[tuple[str, str], dict[str, float]] = field(default_factory=dict, repr=False)
    # brand_id -> ISO date -> multiplicative seasonal factor on revenue
    seasonality: dict[str, dict[str, float]] = field(default_factory=dict, repr=False)

    @cached_property
    def outcomes(self) -> list[Record]:
        """Every outcome row as a canonical record, sorted by date."""
        return self.table.rows()

    def iter_outcomes(self, chunk_size: int = 50_000) -> Iterator[Record]:
        """Stream outcome records without keeping them all in memory."""
        for start in range(0, len(self.table), chunk_size):
            yield from self.table.rows(start, start + chunk_size)

    def records(self, kind: str) -> Iterator[Record]:
        """The records of one kind (outcomes streamed)."""
        if kind == "outcomes":
            return self.iter_outcomes()
        if kind not in KIND_ORDER:
            raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KIND_ORDER)}")
        rows: list[Record] = getattr(self, kind)
        return iter(rows)

    def counts(self) -> dict[str, int]:
        """Number of records per kind."""
        return {
            k: len(self.table) if k == "outcomes" else len(getattr(self, k)) for k in KIND_ORDER
        }

    def expected_revenue(
        self, channel_id: str, audience_id: str, spend: float, on: str | None = None
    ) -> float:
        """True expected revenue of a pair's total daily spend, seasonal on ISO date ``on``."""
        t = self.truth[(channel_id, audience_id)]
        season = 1.0
        if on is not None:
            brand_id = next(a["brand_id"] for a in self.audiences if a["id"] == audience_id)
            season = self.seasonality[brand_id][on]
        value = hill(spend, t["alpha"], t["half_saturation"], t["shape"])
        return float(value) * season

    def write(self, directory: Path, fmt: Literal["jsonl", "csv"] = "jsonl") -> dict[str, Path]:
        """Write one ``<kind>.<fmt>`` file per kind; CSV list cells are ``;``-separated."""
        if fmt not in ("jsonl", "csv"):
            raise ValueError(f"unknown format {fmt!r}; expected 'jsonl' or 'csv'")
        directory.mkdir(parents=True, exist_ok=True)
        paths: dict[str, Path] = {}
        for kind in KIND_ORDER:
            path = directory / f"{kind}.{fmt}"
            with path.open("w", encoding="utf-8", newline="") as fh:
                if fmt == "jsonl":
                    for rec in self.records(kind):
                        fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
                else:
                    writer = csv.writer(fh, lineterminator="\n")
                    cols = FIELDS[kind]
                    writer.writerow(cols)
                    writer.writerows([csv_cell(r.get(c)) for c in cols] for r in self.records(kind))
            paths[kind] = path
        return paths


def csv_cell(value: Any) -> str:
    """How a record value is written to a CSV cell (lists ``;``-joined, None empty)."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return str(value)
