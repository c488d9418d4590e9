"""``python -m bench.load``: a load generator in a process of its own, for bench/serving.py.

Clients are asyncio connections speaking plain HTTP/1.1 with keep-alive (no HTTP library:
the generator must cost the server's cores as little as possible). Each client sends the
given requests in turn, one at a time. Either a fixed number of calls (with every
latency returned) or as many as fit in ``--seconds`` (the rate). Prints one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlparse


def build(host: str, request: dict[str, Any], headers: Sequence[str]) -> bytes:
    """The bytes of one request: ``{"method", "path", "body"?}`` (a JSON body)."""
    body = b"" if request.get("body") is None else json.dumps(request["body"]).encode()
    lines = [f"{request.get('method', 'GET')} {request['path']} HTTP/1.1", f"Host: {host}"]
    lines += list(headers)
    if body:
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _call(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, raw: bytes
) -> tuple[int, int]:
    """Send one request, read its answer; returns (status, body bytes)."""
    writer.write(raw)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    if length:
        await reader.readexactly(length)
    return status, length


async def _client(
    host: str,
    port: int,
    requests: Sequence[bytes],
    offset: int,
    until: float | None,
    count: int | None,
    out: dict[str, Any],
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    sent = 0
    try:
        while (count is None or sent < count) and (until is None or time.perf_counter() < until):
            raw = requests[(offset + sent) % len(requests)]
            started = time.perf_counter()
            status, _ = await _call(reader, writer, raw)
            out["latencies_ms"].append((time.perf_counter() - started) * 1000)
            out["statuses"][str(status)] = out["statuses"].get(str(status), 0) + 1
            sent += 1
    finally:
        writer.close()


async def run(
    url: str,
    requests: Sequence[dict[str, Any]],
    headers: Sequence[str],
    *,
    clients: int,
    seconds: float | None = None,
    count: int | None = None,
) -> dict[str, Any]:
    parsed = urlparse(url)
    host, port = parsed.hostname or "127.0.0.1", parsed.port or 80
    raw = [build(f"{host}:{port}", r, headers) for r in requests]
    out: dict[str, Any] = {"latencies_ms": [], "statuses": {}}
    started = time.perf_counter()
    until = None if seconds is None else started + seconds
    per_client = None if count is None else max(1, count // clients)
    await asyncio.gather(
        *(
            _client(host, port, raw, i * max(1, len(raw) // clients), until, per_client, out)
            for i in range(clients)
        )
    )
    out["seconds"] = time.perf_counter() - started
    out["requests"] = len(out["latencies_ms"])
    out["per_second"] = out["requests"] / out["seconds"] if out["seconds"] else 0.0
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load")
    parser.add_argument("--url", required=True, help="http://host:port of the server")
    parser.add_argument("--requests", required=True, help="a JSON file: a list of requests")
    parser.add_argument("--header", action="append", default=[], help="'Name: value'")
    parser.add_argument("--clients", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=None, help="run this long")
    parser.add_argument("--count", type=int, default=None, help="or make this many calls")
    args = parser.parse_args(argv)
    if (args.seconds is None) == (args.count is None):
        parser.error("give --seconds or --count")
    with open(args.requests) as handle:
        requests = json.load(handle)
    result = asyncio.run(
        run(
            args.url,
            requests,
            args.header,
            clients=args.clients,
            seconds=args.seconds,
            count=args.count,
        )
    )
    json.dump(result, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
