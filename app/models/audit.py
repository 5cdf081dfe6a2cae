"""The audit trail: who did what to which object, when, from where."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index
from sqlmodel import Field, SQLModel

from .base import utcnow


class AuditEvent(SQLModel, table=True):
    """One audited action. Actor ids are kept without foreign keys so the trail outlives them."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_object", "object_type", "object_id"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor_staff_id: int | None = Field(default=None, index=True)
    actor_invitation_id: int | None = Field(default=None, index=True)
    action: str = Field(max_length=60)
    object_type: str | None = Field(default=None, max_length=40)
    object_id: int | None = None
    ip: str | None = Field(default=None, max_length=45)
    details: dict | None = Field(default=None, sa_type=JSON)
