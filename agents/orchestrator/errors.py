"""Errors of the orchestrator; the API maps them to HTTP answers in one place."""

from __future__ import annotations


class OrchestratorError(Exception):
    """Base class of every orchestrator error."""


class GateError(OrchestratorError, ValueError):
    """The subject is no longer waiting at its gate (decided, superseded…): a 409."""

    def __init__(self, subject: str, status: str, waiting: str) -> None:
        self.subject = subject
        self.status = status
        super().__init__(f"{subject} is {status}, not {waiting}: there is nothing to decide")


class SelfApprovalError(OrchestratorError, PermissionError):
    """The requester may not approve their own request under the policy: a 403."""

    def __init__(self, subject: str, actor: str) -> None:
        self.subject = subject
        self.actor = actor
        super().__init__(
            f"{actor} asked for {subject} and may not approve it too; "
            "another approver must (or set allow_self_approval in the policy)"
        )


class UnknownEventError(OrchestratorError, ValueError):
    """An event type that no part of the service knows."""

    def __init__(self, event_type: str, known: tuple[str, ...]) -> None:
        self.event_type = event_type
        super().__init__(f"unknown event type {event_type!r}; expected one of: {', '.join(known)}")
