"""Derived metrics in exports (ROAS, CPC, CPM, CTR, cost per result, frequency), checked.

Exports carry whatever figures the user had on screen, and many of them are ratios of
the row's own numbers. We never store them (the graph recomputes them from spend,
clicks, impressions… whenever asked), but we read them: a ratio that does not agree with
the row's numbers beyond rounding means the row was misread (a decimal separator taken
for a thousands one) or the export is inconsistent, and the row is rejected, naming the
column, the value written and the value the row implies.

Rounding: the written ratio is off by at most half a unit of its last digit, and the
numbers it is computed from by half a unit of theirs; the platforms compute from
unrounded internals, so a further 1 % of the value is allowed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ingest.connectors._table import Table
from ingest.connectors._values import Decimal, is_empty, parse_amount

_SLACK = 0.01


@dataclass(frozen=True)
class Ratio:
    """A derived column: ``numerator / denominator × scale``, written in ``column``.

    ``percent`` ratios (CTR) are written in per cent, with or without a ``%`` sign; a
    cell without the sign may also hold the plain fraction.
    """

    column: str
    numerator: str
    denominator: str
    scale: float = 1.0
    percent: bool = False


def _half_unit(text: str, decimal: Decimal) -> float:
    """Half a unit of the last digit written: ``'0,69'`` → 0.005, ``'3879'`` → 0.5."""
    digits = "".join(c for c in text if c.isdigit() or c == decimal)
    if decimal not in digits:
        return 0.5
    return 0.5 * 10.0 ** -len(digits.rsplit(decimal, 1)[1])


def _value(row: dict[str, str], key: str, decimal: Decimal) -> tuple[float, float] | None:
    """The number in ``key`` and half a unit of its last digit; None when absent."""
    text = row.get(key)
    if text is None or is_empty(text):
        return None
    try:
        amount = parse_amount(text, decimal)
    except ValueError:
        return None  # the column's own parse names it, if it is read at all
    if amount is None:
        return None
    return amount.value, _half_unit(text, decimal)


def check_ratios(
    row: dict[str, str], table: Table, decimal: Decimal, ratios: Sequence[Ratio]
) -> None:
    """Raise ValueError naming the first derived column that disagrees with the row."""
    for ratio in ratios:
        text = row.get(ratio.column)
        if text is None or is_empty(text):
            continue
        where = table.present.get(ratio.column, ratio.column)
        written = parse_amount(text, decimal)
        if written is None:
            continue
        numerator = _value(row, ratio.numerator, decimal)
        denominator = _value(row, ratio.denominator, decimal)
        if numerator is None or denominator is None or denominator[0] <= 0:
            continue
        (a, ha), (b, hb) = numerator, denominator
        scale = ratio.scale * (100.0 if ratio.percent else 1.0)
        implied = scale * a / b
        error = scale * (ha / b + a * hb / (b * b)) + _SLACK * abs(implied)
        half = _half_unit(text, decimal) + 1e-9
        candidates = [1.0]
        if ratio.percent and not written.percent:
            candidates.append(0.01)  # a fraction written without a % sign
        if any(abs(written.value - implied * f) <= half + error * f for f in candidates):
            continue
        parts = (
            f"{table.present.get(ratio.numerator, ratio.numerator)} / "
            f"{table.present.get(ratio.denominator, ratio.denominator)}"
        )
        shown = f"{implied:.4g}{' %' if ratio.percent else ''}"
        raise ValueError(
            f"{where}: {text!r} does not agree with the row ({parts}"
            f"{f' × {ratio.scale:g}' if ratio.scale != 1 else ''} gives {shown}); the row is "
            "misread or the export inconsistent"
        )


def check_at_most(
    row: dict[str, str], table: Table, decimal: Decimal, small: str, big: str
) -> None:
    """``small`` may not exceed ``big`` (reach is at most the impressions)."""
    low, high = _value(row, small, decimal), _value(row, big, decimal)
    if low is not None and high is not None and low[0] > high[0] + high[1] + low[1]:
        raise ValueError(
            f"{table.present.get(small, small)}: {row[small]!r} is more than "
            f"{table.present.get(big, big)} ({row[big]!r})"
        )


def checked_note(table: Table, ratios: Sequence[Ratio]) -> list[str]:
    """One note naming the derived columns that were checked and not stored."""
    names = [table.present[r.column] for r in ratios if r.column in table.present]
    if not names:
        return []
    return [f"derived column(s) checked against each row and not stored: {', '.join(names)}"]
