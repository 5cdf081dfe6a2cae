"""Occasions in a programme, the assessments filled in at them, their answers and consents."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from .base import utcnow


class OccasionKind(StrEnum):
    """Points in a programme where assessments are made; intake → exit is the change reported."""

    INTAKE = "intake"
    MIDWAY = "midway"
    EXIT = "exit"
    FOLLOW_UP = "follow_up"


OCCASION_ORDER = tuple(OccasionKind)


class AssessmentMode(StrEnum):
    """Who held the device: the participant alone, or the coach sitting with them."""

    OWN_DEVICE = "own_device"
    WITH_COACH = "with_coach"


class Storage(StrEnum):
    """Whether answers are kept, or shown only in the conversation (deleted when it closes)."""

    STORED = "stored"
    DISCUSSION_ONLY = "discussion_only"


class Occasion(SQLModel, table=True):
    """One of a participant's occasions, with the date it is planned for."""

    __tablename__ = "occasion"
    __table_args__ = (
        UniqueConstraint("participant_id", "kind"),
        Index("ix_occasion_kind_planned_date", "kind", "planned_date"),
    )

    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", ondelete="CASCADE", index=True)
    kind: str = Field(max_length=16)
    planned_date: date | None = None


class Consent(SQLModel, table=True):
    """A participant's choice about health answers, with the text version they were shown.

    One row per invitation and instrument: the consent screen sent twice (a double tap, five
    parallel posts) updates that row instead of adding another, and every recording is kept in
    the audit log. Rows without an invitation (it was deleted, or demo data) or without an
    instrument (given before the key was stored) never collide: NULLs are distinct in a unique
    constraint on SQLite and PostgreSQL alike.

    Purge and erasure: `instrument_key` holds no personal data, only which instrument the
    choice is for; the whole row goes with the participant (ON DELETE CASCADE).
    """

    __tablename__ = "consent"
    __table_args__ = (UniqueConstraint("invitation_id", "instrument_key"),)

    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", ondelete="CASCADE", index=True)
    invitation_id: int | None = Field(
        default=None, foreign_key="invitation.id", ondelete="SET NULL", index=True
    )
    instrument_key: str | None = Field(default=None, max_length=40)
    choice: str = Field(max_length=20)
    text_version: str = Field(max_length=40)
    language: str = Field(max_length=10)
    given_at: datetime = Field(default_factory=utcnow)


class Assessment(SQLModel, table=True):
    """One instrument filled in by one participant at one occasion, in the version shown."""

    __tablename__ = "assessment"
    __table_args__ = (
        UniqueConstraint("occasion_id", "instrument_key"),
        Index("ix_assessment_instrument_completed", "instrument_key", "completed_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    occasion_id: int = Field(foreign_key="occasion.id", ondelete="CASCADE", index=True)
    participant_id: int = Field(foreign_key="participant.id", ondelete="CASCADE", index=True)
    invitation_id: int | None = Field(
        default=None, foreign_key="invitation.id", ondelete="SET NULL", index=True
    )
    instrument_key: str = Field(max_length=40)
    instrument_version: int
    language: str = Field(max_length=10)
    target_language: str | None = Field(default=None, max_length=10)
    mode: str = Field(default=AssessmentMode.OWN_DEVICE.value, max_length=16)
    storage: str = Field(default=Storage.STORED.value, max_length=20)
    consent_id: int | None = Field(default=None, foreign_key="consent.id", ondelete="SET NULL")
    started_at: datetime = Field(default_factory=utcnow)
    completed_at: datetime | None = None


class Answer(SQLModel, table=True):
    """One item of one assessment. Unique per item, so saving again updates, never duplicates."""

    __tablename__ = "answer"
    __table_args__ = (UniqueConstraint("assessment_id", "item_key"),)

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", ondelete="CASCADE", index=True)
    item_key: str = Field(max_length=40)
    value: int | None = None
    text: str | None = Field(default=None, sa_type=Text)
    skipped: bool = Field(default=False)
    answered_at: datetime = Field(default_factory=utcnow)
