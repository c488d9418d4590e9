"""Signing webhook bodies (HMAC-SHA256) so a receiver can tell they came from us.

The signed text is ``TIMESTAMP.BODY`` (the Unix time sent in ``X-MarketGraph-Timestamp``
and the exact request body), so a captured request cannot be replayed much later with a
new timestamp. A receiver recomputes the signature with the shared secret and compares in
constant time; :func:`verify_signature` does exactly that.
"""

from __future__ import annotations

import hashlib
import hmac
import time

TIMESTAMP_HEADER = "X-MarketGraph-Timestamp"
SIGNATURE_HEADER = "X-MarketGraph-Signature"
TOLERANCE_SECONDS = 300


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header value: ``sha256=`` and the hex HMAC of ``TIMESTAMP.BODY``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify_signature(
    secret: str,
    body: bytes,
    timestamp: str | None,
    signature: str | None,
    *,
    tolerance: float = TOLERANCE_SECONDS,
    now: float | None = None,
) -> bool:
    """Whether ``signature`` signs ``body`` at ``timestamp`` (within ``tolerance`` of now)."""
    if not timestamp or not signature:
        return False
    try:
        sent = int(timestamp)
    except ValueError:
        return False
    current = time.time() if now is None else now
    if abs(current - sent) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, sent, body), signature)
