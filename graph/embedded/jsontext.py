"""Properties as the embedded backend stores them: compact JSON text."""

from __future__ import annotations

import json
from typing import Any

_ENCODE = json.JSONEncoder(separators=(",", ":")).encode


def dumps(props: dict[str, Any]) -> str:
    """Properties as stored (compact JSON; ``{}`` for none)."""
    return _ENCODE(props) if props else "{}"
