"""How curves weigh the past: a recency half-life and change-point detection, per deployment.

Set in the ``[curves]`` section of the policy file (``MARKETGRAPH_POLICY_FILE``, or
``policy.toml`` in the data dir), beside the approval gates::

    [curves]
    half_life_days = 365      # a day this old counts half as much as today (inf: all equal)
    change_points = true      # find a shift in a pair's level and refit from it
    change_z = 4.0            # how sure (long-run z) a shift must be before it counts
    min_change = 0.4          # and how large (a 40 % rise, or the log-equal fall of 29 %)
    alert_z = 2.0             # how sure, where a drift alert said the level moved

Why both: the half-life lets slow drift in, but a market that halves overnight is still
read mostly from the old days by any half-life long enough to keep steady curves steady;
the change point answers that, and only that (see :mod:`agents.curves._change`). A drift
alert of the validation agent on a line says when its level moved; the fit measures the
shift at that day and needs only ``alert_z`` there (the alert already looked; no search
over days inflates the z), so a change the agents saw a week ago is planned on now, not
after the weeks ``change_z`` needs.
"""

from __future__ import annotations

import math
import tomllib
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from agents.curves.hill import FloatArray

SECTION = "curves"


class FitSettingsError(ValueError):
    """The ``[curves]`` section of the policy file cannot be read or has a bad value."""


class FitSettings(BaseModel):
    """How the fit weighs days (see the module docstring for the file format)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    half_life_days: float = Field(
        default=365.0,
        ge=7.0,
        description="days after which a day counts half (inf: every day counts the same)",
    )
    change_points: bool = Field(
        default=True, description="detect a shift in a pair's level and refit from it"
    )
    change_z: float = Field(
        default=4.0, ge=2.0, le=20.0, description="long-run z a level shift must reach"
    )
    min_change: float = Field(
        default=0.4,
        gt=0.0,
        lt=1.0,
        description="smallest relative level change treated as a change point (0.4: 40 %)",
    )

    alert_z: float = Field(
        default=2.0,
        ge=1.0,
        le=20.0,
        description="z a level shift must reach at the day a drift alert said it started",
    )

    @field_validator("half_life_days", "change_z", "min_change", "alert_z")
    @classmethod
    def _not_nan(cls, value: float) -> float:
        if math.isnan(value):
            raise ValueError("must be a number, not nan")
        return value

    def weights(self, ordinals: np.ndarray) -> FloatArray:
        """Weight of each day (``date.toordinal()`` values): 1 on the latest, halving every
        ``half_life_days`` before it."""
        if ordinals.size == 0:
            return np.ones(0)
        ages = (int(ordinals.max()) - ordinals).astype(np.float64)
        result: FloatArray = np.power(0.5, ages / self.half_life_days)
        return result


DEFAULT = FitSettings()


def load_fit_settings(path: Path | None) -> FitSettings:
    """The ``[curves]`` settings in the policy file at ``path`` (defaults when None, absent,
    or without the section); FitSettingsError names the file and the key."""
    if path is None or not path.exists():
        return DEFAULT
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise FitSettingsError(f"cannot read the policy file {path}: {e}") from e
    section = data.get(SECTION, {})
    if not isinstance(section, dict):
        raise FitSettingsError(f"{path}: {SECTION} must be a section ([{SECTION}])")
    try:
        return FitSettings.model_validate(section)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        fields = ", ".join(FitSettings.model_fields)
        raise FitSettingsError(
            f"{path}: {SECTION}.{where}: {first['msg']} (settings are {fields})"
        ) from e
