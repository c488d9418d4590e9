"""Errors of the research agent; the API maps them to HTTP answers in one place."""

from __future__ import annotations


class ResearchError(Exception):
    """Base class of every research error."""


class BriefConflictError(ResearchError, ValueError):
    """The brief named by id belongs to another brand: a 404, the same answer as for a
    brief that does not exist to be read, so ids of other brands cannot be probed (the
    message does not name the owner)."""

    def __init__(self, brief_id: str, brand_id: str, owner: str) -> None:
        self.brief_id = brief_id
        self.brand_id = brand_id
        self.owner = owner
        super().__init__(f"no brief {brief_id!r} of brand {brand_id!r}")


class ResearchToolError(ResearchError):
    """An external research tool failed (unreachable, an error status, an unreadable answer).

    Retryable: the research goes on without that tool and says so in its notes.
    """

    def __init__(self, tool: str, reason: str) -> None:
        self.tool = tool
        self.reason = reason
        super().__init__(f"research tool {tool!r} failed: {reason}")
