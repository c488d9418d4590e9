"""Domain errors become HTTP answers here, and only here (API.md error shape)."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from agents.channels.errors import (
    ExperimentConflictError,
    IdempotencyConflictError,
    InvalidActionError,
    LineContentionError,
    OutboxEntryNotFoundError,
    OutboxStateError,
    UnknownTargetError,
)
from agents.orchestrator import GateError, PolicyError, SelfApprovalError
from agents.planner.errors import (
    InfeasibleConstraintsError,
    NoCurvesError,
    PlanEndedError,
    PlanStateError,
    UnknownBrandError,
    UnknownObjectiveError,
    UnknownVersionError,
)
from agents.research.errors import BriefConflictError
from api.logs import REQUEST_ID_HEADER, current_request_id
from graph.errors import (
    AmbiguousNodeIdError,
    AppendOnlyViolationError,
    ConstraintViolationError,
    DanglingReferenceError,
    GraphUnavailableError,
    InvalidVocabularyError,
    MigrationError,
    NodeNotFoundError,
    NoSuchBrandError,
)
from ingest.connectors.errors import (
    BadOptionError,
    ColumnsError,
    CurrencyMismatchError,
    UnknownSourceError,
)
from ingest.errors import (
    EmptyInputError,
    LimitExceededError,
    RecordsRejectedError,
    UnknownKindError,
    UnreadableInputError,
)
from ingest.limits import DEFAULT_LIMITS
from reports.errors import BadWindowError, RoutingConfigError
from retrieval.errors import (
    DenseUnavailableError,
    EmbeddingModelMismatchError,
    IndexUnavailableError,
)

log = logging.getLogger("marketgraph.api")


class ApiError(Exception):
    """An error the API raises itself, with its status and code."""

    def __init__(self, status: int, code: str, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details}}


def _reply(status: int, code: str, message: str, details: Any = None) -> JSONResponse:
    return JSONResponse(status_code=status, content=error_body(code, message, details))


# Domain error -> (status, code). Subclasses are matched through the MRO.
_STATUS: dict[type[Exception], tuple[int, str]] = {
    NodeNotFoundError: (404, "not_found"),
    AmbiguousNodeIdError: (409, "ambiguous_id"),
    AppendOnlyViolationError: (409, "append_only"),
    ConstraintViolationError: (409, "constraint_violation"),
    DanglingReferenceError: (422, "dangling_reference"),
    InvalidVocabularyError: (400, "invalid_vocabulary"),
    UnknownKindError: (404, "unknown_kind"),
    UnreadableInputError: (400, "unreadable_input"),
    EmptyInputError: (422, "empty_input"),
    LimitExceededError: (422, "limit_exceeded"),
    ColumnsError: (422, "bad_columns"),
    UnknownSourceError: (404, "unknown_source"),
    BadOptionError: (400, "bad_option"),
    CurrencyMismatchError: (422, "currency_mismatch"),
    GraphUnavailableError: (503, "graph_unavailable"),
    MigrationError: (503, "migration_error"),
    IndexUnavailableError: (503, "index_unavailable"),
    EmbeddingModelMismatchError: (409, "embedding_model_mismatch"),
    DenseUnavailableError: (400, "dense_unavailable"),
    InfeasibleConstraintsError: (422, "infeasible_constraints"),
    UnknownObjectiveError: (400, "unknown_objective"),
    NoCurvesError: (422, "no_response_curves"),
    UnknownBrandError: (422, "unknown_brand"),
    NoSuchBrandError: (422, "unknown_brand"),
    UnknownVersionError: (404, "unknown_version"),
    PlanEndedError: (409, "plan_ended"),
    PlanStateError: (409, "plan_state"),
    GateError: (409, "not_waiting"),
    SelfApprovalError: (403, "self_approval"),
    PolicyError: (400, "bad_policy"),
    InvalidActionError: (422, "invalid_action"),
    UnknownTargetError: (422, "unknown_target"),
    IdempotencyConflictError: (409, "idempotency_conflict"),
    ExperimentConflictError: (409, "experiment_running"),
    LineContentionError: (409, "line_contention"),
    OutboxEntryNotFoundError: (404, "not_found"),
    OutboxStateError: (409, "outbox_state"),
    BriefConflictError: (404, "not_found"),
    BadWindowError: (422, "bad_window"),
    RoutingConfigError: (422, "bad_routing_config"),
}


def _rejected(exc: RecordsRejectedError, listed: int) -> dict[str, Any]:
    """The first ``listed`` rejections, and how many there were in all (bounded answer)."""
    return {
        "rejected": [
            {"line": r.line, "reason": r.reason, "source": r.source} for r in exc.rejected[:listed]
        ],
        "rejected_count": exc.total,
        "more": max(exc.total - listed, 0),
        "stopped_counting": exc.stopped,
        "accepted_if_skipping": exc.accepted,
    }


def _listed(request: Request) -> int:
    services = getattr(request.app.state, "services", None)
    limits = services.settings.limits if services is not None else DEFAULT_LIMITS
    return limits.rejections_reported


def _details(exc: Exception) -> Any:
    if isinstance(exc, RecordsRejectedError):
        return _rejected(exc, DEFAULT_LIMITS.rejections_reported)
    if isinstance(exc, LimitExceededError):
        return {"limit": exc.limit, "allowed": exc.allowed, "found": exc.found}
    if isinstance(exc, NoSuchBrandError):
        return {"brand_id": exc.brand_id, "did_you_mean": exc.suggestion}
    if isinstance(exc, AmbiguousNodeIdError):
        return {"labels": exc.labels}
    if isinstance(exc, UnknownKindError | UnknownSourceError):
        return {"known": exc.known}
    if isinstance(exc, CurrencyMismatchError):
        return {"column": exc.header, "export": exc.found, "brand": exc.currency}
    if isinstance(exc, ColumnsError):
        return {"missing": exc.missing, "unknown": exc.unknown, "expected": exc.expected}
    if isinstance(exc, InfeasibleConstraintsError):
        return {"channels": exc.channels}
    if isinstance(exc, PlanEndedError):
        return {"end_date": exc.end.isoformat(), "today": exc.today.isoformat(), "zone": exc.zone}
    if isinstance(exc, PlanStateError):
        return {"status": exc.status, "allowed": exc.allowed}
    if isinstance(exc, UnknownVersionError):
        return {"versions": exc.known}
    if isinstance(exc, DanglingReferenceError):
        return {"missing": [f"{label}:{node_id}" for label, node_id in exc.missing]}
    return None


async def _domain(request: Request, exc: Exception) -> JSONResponse:
    if isinstance(exc, ApiError):
        return _reply(exc.status, exc.code, exc.message, exc.details)
    if isinstance(exc, RecordsRejectedError):
        return _reply(422, "records_rejected", str(exc), _rejected(exc, _listed(request)))
    if isinstance(exc, LimitExceededError) and exc.too_large:
        return _reply(413, "too_large", str(exc), _details(exc))
    for cls in type(exc).__mro__:
        if cls in _STATUS:
            status, code = _STATUS[cls]
            if status >= 500:
                log.warning("store unavailable on %s: %s", request.url.path, exc)
            return _reply(status, code, str(exc), _details(exc))
    return await _unexpected(request, exc)


async def _validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    details = [
        {"where": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", "")}
        for e in exc.errors()
    ]
    first = details[0] if details else {"where": "request", "message": "invalid"}
    return _reply(422, "invalid_request", f"{first['where']}: {first['message']}", details)


async def _http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    codes = {401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed"}
    code = codes.get(exc.status_code, "http_error")
    response = _reply(exc.status_code, code, str(exc.detail))
    if exc.headers:
        response.headers.update(exc.headers)
    return response


def internal_error(request_id: str | None) -> JSONResponse:
    """The answer to a defect: the JSON error body, quoting the request id to report."""
    message = "an unexpected error occurred; it has been logged"
    if request_id is None:
        return _reply(500, "internal_error", message)
    response = _reply(
        500,
        "internal_error",
        f"{message} with request id {request_id}",
        {"request_id": request_id},
    )
    response.headers[REQUEST_ID_HEADER] = request_id
    return response


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    """Last resort (``api.observe.RequestContext`` answers defects before this is reached)."""
    request_id = getattr(request.state, "request_id", None) or current_request_id()
    log.exception(
        "unexpected error on %s %s",
        request.method,
        request.url.path,
        extra={"request_id": request_id} if request_id else None,
    )
    return internal_error(request_id)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(ApiError, _domain)
    app.add_exception_handler(RecordsRejectedError, _domain)
    for cls in _STATUS:
        app.add_exception_handler(cls, _domain)
    app.add_exception_handler(Exception, _unexpected)
