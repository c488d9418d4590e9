"""Rounding amounts to whole cents so that they add up exactly (largest remainder, bounded)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt


def to_cents(
    values: npt.ArrayLike,
    total: int,
    lower: Sequence[int],
    upper: Sequence[int | None],
) -> list[int]:
    """Whole cents near ``values`` (in cents) that add up to ``total``, each within its bounds.

    Start from the floors, clipped to the bounds; give the missing cents one at a time to
    the largest fractional remainders that have room (or take surplus cents from the
    smallest). The values are expected to satisfy the bounds and add up to ``total`` to
    within a few cents; if the bounds make ``total`` unreachable, ValueError.
    """
    v = np.asarray(values, dtype=np.float64)
    cents = [_clip(math.floor(x + 1e-6), lo, hi) for x, lo, hi in zip(v, lower, upper, strict=True)]
    remainder = [float(x) - c for x, c in zip(v, cents, strict=True)]
    missing = total - sum(cents)
    while missing != 0:
        step = 1 if missing > 0 else -1
        order = sorted(range(len(cents)), key=lambda i: remainder[i], reverse=step > 0)
        moved = False
        for i in order:
            if missing == 0:
                break
            target = cents[i] + step
            if _clip(target, lower[i], upper[i]) == target:
                cents[i] = target
                remainder[i] -= step
                missing -= step
                moved = True
        if not moved:
            raise ValueError(f"cannot round to a total of {total} cents within the bounds")
    return cents


def _clip(value: int, lo: int, hi: int | None) -> int:
    value = max(value, lo)
    return value if hi is None else min(value, hi)
