"""Shared column helpers. Timestamps are timezone-aware UTC: SQLModel's UTCDateTime stores
them as such on PostgreSQL and SQLite alike and refuses naive values, so no mix-ups."""
from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now, in UTC, timezone-aware."""
    return datetime.now(UTC)
