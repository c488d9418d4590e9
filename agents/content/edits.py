"""How much editors change a draft before approving it, per piece and per month.

The edit ratio is the token-level Levenshtein distance between the draft and the approved
version divided by the longer of the two (in tokens): 0 means approved as drafted, 1 means
rewritten from scratch. Tokens are words (letters and digits, with inner apostrophes and
hyphens) and single punctuation marks, case kept, so "Save 20%" → "save 20 %" is three
edits, not one. A word-level measure tracks what editors do (swap, cut, add words) far
better than characters, where one changed word counts by its length.

The tracker compares each piece with the target band (25–45 % by default): below it the
drafts are barely touched (or rubber-stamped), above it they are more rewrite than draft.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from agents.content.errors import InvalidContentInputError

BAND = (0.25, 0.45)
_TOKEN = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*|[^\w\s]")


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def edit_distance(a: Sequence[str], b: Sequence[str]) -> int:
    """Levenshtein distance (insertions, deletions, substitutions) of two token lists."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, start=1):
        current = [i]
        for j, y in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


def edit_ratio(draft: str, approved: str) -> float:
    """Token edit distance over the longer text's token count (0 when both are empty)."""
    a, b = tokens(draft), tokens(approved)
    longest = max(len(a), len(b))
    return edit_distance(a, b) / longest if longest else 0.0


@dataclass(frozen=True, slots=True)
class EditRecord:
    """One approved piece: its draft, the approved text, and when it was approved."""

    piece_id: str
    approved_on: date
    draft: str
    approved: str


@dataclass(frozen=True, slots=True)
class PieceEdit:
    """One piece's edit ratio and where it falls against the band."""

    piece_id: str
    month: str  # YYYY-MM
    ratio: float
    position: str  # "below", "in_band" or "above"


@dataclass(frozen=True, slots=True)
class MonthEdits:
    """A month's pieces: how many, the share in, below and above the band, the median."""

    month: str
    pieces: int
    in_band: float
    below: float
    above: float
    median_ratio: float


@dataclass(frozen=True)
class EditReport:
    band: tuple[float, float]
    pieces: tuple[PieceEdit, ...]
    months: tuple[MonthEdits, ...]

    @property
    def in_band(self) -> float:
        """Share of all pieces inside the band (0 without pieces)."""
        if not self.pieces:
            return 0.0
        return sum(p.position == "in_band" for p in self.pieces) / len(self.pieces)


def edit_report(records: Iterable[EditRecord], band: tuple[float, float] = BAND) -> EditReport:
    """Edit ratios per piece and their share in ``band`` per month (months in order).

    Raises:
        InvalidContentInputError: a band that is not ``0 <= low <= high <= 1``, or a piece
            recorded twice.
    """
    low, high = band
    if not 0.0 <= low <= high <= 1.0:
        raise InvalidContentInputError("band", f"expected 0 <= low <= high <= 1, got {band}")
    pieces: list[PieceEdit] = []
    seen: set[str] = set()
    for r in records:
        if r.piece_id in seen:
            raise InvalidContentInputError("records", f"piece {r.piece_id!r} appears twice")
        seen.add(r.piece_id)
        ratio = edit_ratio(r.draft, r.approved)
        position = "below" if ratio < low else "above" if ratio > high else "in_band"
        day = r.approved_on.date() if isinstance(r.approved_on, datetime) else r.approved_on
        pieces.append(PieceEdit(r.piece_id, day.strftime("%Y-%m"), round(ratio, 4), position))
    months = []
    for month in sorted({p.month for p in pieces}):
        group = [p for p in pieces if p.month == month]
        n = len(group)
        months.append(
            MonthEdits(
                month=month,
                pieces=n,
                in_band=sum(p.position == "in_band" for p in group) / n,
                below=sum(p.position == "below" for p in group) / n,
                above=sum(p.position == "above" for p in group) / n,
                median_ratio=statistics.median(p.ratio for p in group),
            )
        )
    return EditReport(band=(low, high), pieces=tuple(pieces), months=tuple(months))
