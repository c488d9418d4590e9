"""Move a generated data set in time by whole days: every date and timestamp, nothing else.

Ids, amounts, texts and names stay as generated, so a data set ending today tells the
same story as one ending on the generator's own calendar.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from demo.dataset import DemoDataset

_DAY: Final = re.compile(r"^(\d{4}-\d{2}-\d{2})((?:[T ]\d{2}:\d{2}.*)?)$")
_KINDS: Final = ("brands", "channels", "audiences", "campaigns", "assets", "leads")


def shift_value(value: Any, days: int) -> Any:
    """``value`` with every ISO date or timestamp in it moved by ``days`` (lists and
    dicts walked; a timestamp keeps its time of day and offset as written)."""
    if isinstance(value, str):
        m = _DAY.match(value)
        if m is None:
            return value
        try:
            day = date.fromisoformat(m.group(1))
        except ValueError:
            return value
        return (day + timedelta(days=days)).isoformat() + m.group(2)
    if isinstance(value, datetime | date):
        return value + timedelta(days=days)
    if isinstance(value, list):
        return [shift_value(v, days) for v in value]
    if isinstance(value, tuple):
        return tuple(shift_value(v, days) for v in value)
    if isinstance(value, dict):
        return {k: shift_value(v, days) for k, v in value.items()}
    return value


def shift_dates(dataset: DemoDataset, days: int) -> None:
    """Move every date of ``dataset`` (records, outcome days, seasonality) by ``days``."""
    if days == 0:
        return
    for kind in _KINDS:
        rows = getattr(dataset, kind)
        rows[:] = [shift_value(r, days) for r in rows]
    dataset.table.dates = [shift_value(d, days) for d in dataset.table.dates]
    dataset.__dict__.pop("outcomes", None)  # rebuilt from the moved table on next use
    dataset.seasonality = {
        brand: {shift_value(d, days): f for d, f in factors.items()}
        for brand, factors in dataset.seasonality.items()
    }
