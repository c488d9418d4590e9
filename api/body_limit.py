"""Request bodies within their limits, checked before anything reads them (pure ASGI).

A declared ``Content-Length`` over the route's limit is a 413 at once: before the body is
read and before the key is looked at, so an anonymous 200 MB POST costs nothing. A body
sent without a length is counted as it arrives and refused at the limit. Bodies of the
routes other than ingest (1 MiB by default) are read here whole and refused when their
JSON nests deeper than ``json_depth``, where the parser would overflow Python's stack.
The limits are :class:`ingest.limits.Limits` (``MARKETGRAPH_LIMITS__…``).
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import error_body
from ingest.limits import Limits, deeper_than

# Routes whose bodies are exports and record files: streamed to the route, larger limit.
INGEST_PREFIX = "/v1/ingest/"


class _TooLarge(Exception):
    def __init__(self, received: int) -> None:
        self.received = received


class BodyLimit:
    """Refuse request bodies over the route's limit (413) or nested too deep (422)."""

    def __init__(self, app: ASGIApp, limits: Limits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        ingest = path.startswith(INGEST_PREFIX)
        name, limit = (
            ("ingest_body_bytes", self.limits.ingest_body_bytes)
            if ingest
            else ("body_bytes", self.limits.body_bytes)
        )
        declared = _content_length(scope)
        if declared == -1:
            await _answer(send, 400, "bad_request", "Content-Length is not a whole number", None)
            return
        if declared is not None and declared > limit:
            await _too_large(send, name, limit, declared, declared=True)
            return
        if ingest:
            await self._streamed(scope, receive, send, name, limit)
        else:
            await self._buffered(scope, receive, send, name, limit)

    async def _streamed(
        self, scope: Scope, receive: Receive, send: Send, name: str, limit: int
    ) -> None:
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge(received)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except _TooLarge as e:
            if started:
                raise
            await _too_large(send, name, limit, e.received, declared=False)

    async def _buffered(
        self, scope: Scope, receive: Receive, send: Send, name: str, limit: int
    ) -> None:
        chunks: list[bytes] = []
        received = 0
        more = True
        first: Message | None = None
        while more:
            message = await receive()
            if message["type"] != "http.request":
                first = message  # the client left: let the app see it
                break
            chunk = message.get("body", b"")
            received += len(chunk)
            if received > limit:
                await _too_large(send, name, limit, received, declared=False)
                return
            chunks.append(chunk)
            more = bool(message.get("more_body", False))
        body = b"".join(chunks)
        depth = self.limits.json_depth
        if body and deeper_than(body, depth):
            await _answer(
                send,
                422,
                "limit_exceeded",
                f"the JSON body is nested deeper than {depth} levels (limit json_depth={depth})",
                {"limit": "json_depth", "allowed": depth},
            )
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return first or {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


def _content_length(scope: Scope) -> int | None:
    """The declared length; None without one; -1 when it is not a number."""
    for key, value in scope.get("headers", ()):
        if key == b"content-length":
            try:
                length = int(value)
            except ValueError:
                return -1
            return length if length >= 0 else -1
    return None


async def _too_large(send: Send, name: str, limit: int, size: int, *, declared: bool) -> None:
    said = f"is {size:,} bytes" if declared else f"passed {limit:,} bytes"
    await _answer(
        send,
        413,
        "too_large",
        f"the request body {said}; this route takes at most {limit:,} (limit {name}={limit})",
        {"limit": name, "allowed": limit, "found": size},
        close=True,
    )


async def _answer(
    send: Send, status: int, code: str, message: str, details: object, *, close: bool = False
) -> None:
    body = json.dumps(error_body(code, message, details)).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
