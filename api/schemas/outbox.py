"""Outbox entries as the API shows them (the body to send is left out: it can be large)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from agents.channels.outbox import EntryStatus, OutboxEntry

__all__ = ["OutboxEntryPublic", "OutboxListPublic"]


class OutboxEntryPublic(BaseModel):
    id: str = Field(description="the entry's id, also the id of its Execution node")
    idempotency_key: str = Field(description="sent as the Idempotency-Key header")
    channel_id: str = Field(description="the channel whose webhook receives it")
    status: EntryStatus = Field(description="pending, delivering or failed (delivered ones leave)")
    attempts: int = Field(description="attempts so far (since the last retry by hand)")
    max_attempts: int = Field(description="attempts before the entry is marked failed")
    next_attempt_at: datetime = Field(description="when a pending entry is tried next")
    last_error: str | None = Field(description="what went wrong last time")
    last_status: int | None = Field(description="the receiver's last HTTP status")
    manual_retries: int = Field(description="how often it was retried by hand")
    created_at: datetime
    updated_at: datetime
    history: list[dict[str, Any]] = Field(description="the last attempts: time, status, error")

    @classmethod
    def of(cls, entry: OutboxEntry) -> OutboxEntryPublic:
        return cls.model_validate(entry.model_dump(exclude={"payload"}))


class OutboxListPublic(BaseModel):
    entries: list[OutboxEntryPublic]
    total: int = Field(description="entries matching the filter (before the limit)")
