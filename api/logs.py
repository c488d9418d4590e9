"""Logging for ``marketgraph serve``: one JSON object per line, with the request id.

:func:`configure_logging` puts one handler on the root logger (JSON lines, or plain text)
and sends uvicorn's own loggers through it. Every line carries ``time``, ``level``,
``logger`` and ``message``, the ``extra`` fields of the call, ``request_id`` while a
request is being served (``api.observe`` binds it), ``trace_id``/``span_id`` while an
OpenTelemetry span is active, and ``exception`` with the traceback when there is one.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import IO, Literal

from opentelemetry import trace

LogFormat = Literal["json", "text"]
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
REQUEST_ID_HEADER = "X-Request-ID"
MAX_REQUEST_ID = 128
_SANE_REQUEST_ID = re.compile(rf"[A-Za-z0-9._:@+=/-]{{1,{MAX_REQUEST_ID}}}")
_request_id: ContextVar[str | None] = ContextVar("marketgraph_request_id", default=None)

# Attributes every LogRecord has; anything else on a record came from ``extra``.
_STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {
    "message",
    "asctime",
    "taskName",
    "color_message",  # uvicorn's copy of the message with terminal colours
}
_UVICORN = ("uvicorn", "uvicorn.error", "uvicorn.asgi")


def sane_request_id(value: str | None) -> str | None:
    """``value`` if it is a usable request id (1–128 of ``A-Za-z0-9._:@+=/-``), else None."""
    if value is None or not _SANE_REQUEST_ID.fullmatch(value):
        return None
    return value


def current_request_id() -> str | None:
    """The id of the request being served in this context, if any."""
    return _request_id.get()


@contextmanager
def bound_request_id(request_id: str) -> Iterator[None]:
    """Log lines written inside the block carry ``request_id``."""
    token = _request_id.set(request_id)
    try:
        yield
    finally:
        _request_id.reset(token)


class ContextFilter(logging.Filter):
    """Stamps the request id and the active span's trace and span ids on each record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            request_id = _request_id.get()
            if request_id is not None:
                record.request_id = request_id
        context = trace.get_current_span().get_span_context()
        if context.is_valid and getattr(record, "trace_id", None) is None:
            record.trace_id = format(context.trace_id, "032x")
            record.span_id = format(context.span_id, "016x")
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line."""

    def format(self, record: logging.LogRecord) -> str:
        stamp = datetime.fromtimestamp(record.created, UTC)
        entry: dict[str, object] = {
            "time": stamp.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_") and key not in entry:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """``time level logger: message``, with the request id appended inside a request."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        request_id = getattr(record, "request_id", None)
        if request_id is None:
            return line
        head, sep, tail = line.partition("\n")  # keep a traceback below the first line
        return f"{head} [request_id={request_id}]{sep}{tail}"


def make_handler(fmt: LogFormat = "json", stream: IO[str] | None = None) -> logging.Handler:
    """A stream handler (stderr by default) with the chosen format and the context filter."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    handler.addFilter(ContextFilter())
    return handler


def configure_logging(
    fmt: LogFormat = "json", level: LogLevel = "INFO", stream: IO[str] | None = None
) -> logging.Handler:
    """Log everything, uvicorn's lines included, through one handler on the root logger.

    Replaces the root logger's handlers (so calling it twice does not double the lines).
    uvicorn's access log is switched off: the request middleware writes one access line
    per request itself, with the route template and the request id.
    """
    handler = make_handler(fmt, stream)
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in _UVICORN:
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    access = logging.getLogger("uvicorn.access")
    access.handlers.clear()
    access.propagate = False
    logging.captureWarnings(True)
    return handler
