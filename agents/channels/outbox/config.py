"""Webhook configuration: which URL (and secret) receives each channel's actions.

A TOML (or JSON) file, named by ``MARKETGRAPH_WEBHOOKS_FILE`` or found at
``$MARKETGRAPH_DATA_DIR/webhooks.toml``::

    max_attempts = 8           # attempts before an entry is marked failed
    base_delay_seconds = 2     # back-off: attempt n waits base * 2**(n-1), half of it jittered
    max_delay_seconds = 600    # … but never longer than this
    timeout_seconds = 10       # per request
    lease_seconds = 60         # how long a worker owns an entry it is sending (> timeout)

    [channels."ch-google-search"]
    url = "https://hooks.example.com/marketgraph/google"
    secret_env = "GOOGLE_HOOK_SECRET"   # or: secret = "..." (signs bodies, HMAC-SHA256)

    [channels."*"]                      # any channel not listed
    url = "https://hooks.example.com/marketgraph/other"

The secret is read from the environment given to :func:`load_webhook_config` (the API
passes the process environment; lower layers never read it themselves).
"""

from __future__ import annotations

import json
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agents.channels.errors import WebhookConfigError

ANY_CHANNEL = "*"
_NUMBERS = {
    "max_attempts": (1, 100),
    "base_delay_seconds": (0.0, 86_400.0),
    "max_delay_seconds": (0.0, 7 * 86_400.0),
    "timeout_seconds": (0.1, 600.0),
    "lease_seconds": (0.1, 86_400.0),
}


@dataclass(frozen=True)
class ChannelHook:
    """Where one channel's actions are POSTed, and the secret that signs them."""

    url: str
    secret: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class WebhookConfig:
    """Delivery settings and the hook of each channel (``"*"``: every other channel)."""

    channels: Mapping[str, ChannelHook]
    max_attempts: int = 8
    base_delay_seconds: float = 2.0
    max_delay_seconds: float = 600.0
    timeout_seconds: float = 10.0
    lease_seconds: float = 60.0
    source: str = "(given in code)"

    def __post_init__(self) -> None:
        if self.lease_seconds <= self.timeout_seconds:
            raise WebhookConfigError(
                f"{self.source}: lease_seconds ({self.lease_seconds}) must exceed "
                f"timeout_seconds ({self.timeout_seconds}), or a slow delivery would be "
                "taken over while it is still running"
            )

    def hook_for(self, channel_id: str) -> ChannelHook | None:
        """The hook of ``channel_id`` (or the ``"*"`` hook), None if neither is configured."""
        return self.channels.get(channel_id) or self.channels.get(ANY_CHANNEL)


def load_webhook_config(path: Path, env: Mapping[str, str] | None = None) -> WebhookConfig:
    """Read and check a webhook file; every problem names the file and the key."""
    where = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise WebhookConfigError(f"{where}: cannot read the webhook file: {e}") from e
    try:
        raw: dict[str, Any] = json.loads(text) if path.suffix == ".json" else tomllib.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as e:
        raise WebhookConfigError(
            f"{where}: not valid {path.suffix.lstrip('.') or 'TOML'}: {e}"
        ) from e
    return parse_webhook_config(raw, where, env or {})


def parse_webhook_config(
    raw: Mapping[str, Any], where: str, env: Mapping[str, str]
) -> WebhookConfig:
    """A config from already-parsed TOML/JSON (``where`` names it in errors)."""
    unknown = set(raw) - set(_NUMBERS) - {"channels"}
    if unknown:
        known = ", ".join(sorted([*_NUMBERS, "channels"]))
        raise WebhookConfigError(f"{where}: unknown key {sorted(unknown)[0]!r} (known: {known})")
    numbers: dict[str, Any] = {}
    for name, (low, high) in _NUMBERS.items():
        if name in raw:
            numbers[name] = _number(
                raw[name], low, high, f"{where}: {name}", name == "max_attempts"
            )
    channels_raw = raw.get("channels", {})
    if not isinstance(channels_raw, Mapping) or not channels_raw:
        raise WebhookConfigError(f'{where}: needs a [channels."CHANNEL_ID"] table with a url')
    channels = {
        str(cid): _hook(spec, f"{where}: channels.{cid}", env) for cid, spec in channels_raw.items()
    }
    return WebhookConfig(channels=channels, source=where, **numbers)


def _number(value: Any, low: float, high: float, what: str, integer: bool) -> float | int:
    ok_type = isinstance(value, int) if integer else isinstance(value, int | float)
    if isinstance(value, bool) or not ok_type or not math.isfinite(value):
        kind = "an integer" if integer else "a number"
        raise WebhookConfigError(f"{what} must be {kind}, got {value!r}")
    if not low <= value <= high:
        raise WebhookConfigError(f"{what} must be between {low} and {high}, got {value!r}")
    return int(value) if integer else float(value)


def _hook(spec: Any, where: str, env: Mapping[str, str]) -> ChannelHook:
    if not isinstance(spec, Mapping):
        raise WebhookConfigError(f"{where} must be a table with a url")
    unknown = set(spec) - {"url", "secret", "secret_env", "headers"}
    if unknown:
        raise WebhookConfigError(f"{where}: unknown key {sorted(unknown)[0]!r}")
    url = spec.get("url")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise WebhookConfigError(f"{where}.url must be an http:// or https:// URL, got {url!r}")
    secret = spec.get("secret")
    if "secret_env" in spec:
        name = spec["secret_env"]
        if not isinstance(name, str) or not env.get(name):
            raise WebhookConfigError(
                f"{where}.secret_env: environment variable {name!r} is not set"
            )
        secret = env[name]
    if secret is not None and (not isinstance(secret, str) or not secret):
        raise WebhookConfigError(f"{where}.secret must be a non-empty string")
    headers = spec.get("headers", {})
    if not isinstance(headers, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in headers.items()
    ):
        raise WebhookConfigError(f"{where}.headers must map header names to strings")
    return ChannelHook(url=url, secret=secret, headers=dict(headers))
