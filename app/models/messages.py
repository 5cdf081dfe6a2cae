"""Messages to participants: the transactional outbox, and each unit's reminder rules."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, Text
from sqlmodel import Field, SQLModel

from .base import utcnow


class Channel(StrEnum):
    """How a message reaches a participant."""

    SMS = "sms"
    EMAIL = "email"


class MessageStatus(StrEnum):
    """Where a message stands. `queued` includes waiting for a retry and being sent right now
    (a worker's claim, `claimed_until`); `cancelled` means it must not go any more (the person
    opted out or left, the invitation ended) before it was sent."""

    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


class MessagePurpose(StrEnum):
    """Why a message is sent: a coach's invitation, or a reminder a unit rule queued."""

    INVITATION = "invitation"
    REMINDER = "reminder"


class ReminderRule(StrEnum):
    """The reminder rules a unit may switch on, each with its number of days."""

    NOT_OPENED = "not_opened"  # the link was not opened N days after it was made
    NOT_FINISHED = "not_finished"  # opened, not finished N days after it was first opened
    DUE_SOON = "due_soon"  # the occasion's planned date is N days away (or fewer)


class OutboxMessage(SQLModel, table=True):
    """One message to one participant, written in the same transaction as what caused it (an
    invitation, a reminder run), and sent later by `flask outbox deliver|worker`.

    Delivery is claim-then-send: a worker claims rows (`claimed_until`, `claim_token`) in a
    short transaction (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so workers take disjoint rows),
    sends without holding a lock, and records the outcome only if its claim still holds. A
    crashed worker's claim lapses and the message is retried; a sent one is never taken again.

    Purge keeps the row for counting (the funnel's reminders sent) but empties `recipient`,
    `subject` and `body` (the body holds the link and short code); erasure deletes it.
    """

    __tablename__ = "outbox_message"
    __table_args__ = (
        # What a worker looks for: queued rows whose time has come.
        Index("ix_outbox_message_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", ondelete="CASCADE", index=True)
    invitation_id: int | None = Field(
        default=None, foreign_key="invitation.id", ondelete="SET NULL", index=True)
    occasion_kind: str = Field(max_length=16)
    purpose: str = Field(max_length=16)
    reminder_rule: str | None = Field(default=None, max_length=16)
    # "reminder:<invitation>:<rule>" for reminders: unique, so a reminder run that races or
    # runs twice cannot queue the same reminder twice. NULL (never equal) for invitations.
    dedupe_key: str | None = Field(default=None, max_length=80, unique=True)
    channel: str = Field(max_length=8)
    recipient: str = Field(max_length=254)
    subject: str = Field(default="", max_length=200)
    body: str = Field(default="", sa_type=Text)
    status: str = Field(default=MessageStatus.QUEUED.value, max_length=12)
    attempts: int = Field(default=0)
    next_attempt_at: datetime = Field(default_factory=utcnow)
    claimed_until: datetime | None = None
    claim_token: str | None = Field(default=None, max_length=32)
    last_error: str | None = Field(default=None, max_length=500)
    provider_reference: str | None = Field(default=None, max_length=100)
    created_by_id: int | None = Field(
        default=None, foreign_key="staff_user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None


class ReminderRules(SQLModel, table=True):
    """A unit's reminder rules (set by its unit admin). A rule with no days is off; at most
    `max_per_invitation` reminders go out per invitation, and only in sending hours."""

    __tablename__ = "reminder_rules"

    unit_id: int = Field(foreign_key="unit.id", ondelete="CASCADE", primary_key=True)
    not_opened_days: int | None = None
    not_finished_days: int | None = None
    due_soon_days: int | None = None
    max_per_invitation: int = Field(default=2)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by_id: int | None = Field(
        default=None, foreign_key="staff_user.id", ondelete="SET NULL")

    def days_of(self, rule: ReminderRule) -> int | None:
        """The number of days set for `rule`, None when it is off."""
        return getattr(self, f"{rule.value}_days")
