"""Participants: pseudonymous people in a programme, known to staff by a generated code."""
from __future__ import annotations

import secrets
from datetime import date, datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from .base import utcnow

# No look-alikes (0/O, 1/I/L, 5/S, 2/Z, 8/B): codes are read aloud and typed by hand.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 6


class Gender(StrEnum):
    """Gender categories as programmes report them to the ESF council, plus 'not recorded'."""

    WOMAN = "woman"
    MAN = "man"
    OTHER = "other"
    PREFERS_NOT_TO_SAY = "prefers_not_to_say"
    NOT_RECORDED = "not_recorded"


class ExitReason(StrEnum):
    """Why a participant left the programme: the outcome evaluators break results down by."""

    WORK = "work"
    STUDIES = "studies"
    OTHER_PROGRAMME = "other_programme"
    MOVED = "moved"
    ILL_HEALTH = "ill_health"
    OTHER = "other"
    UNKNOWN = "unknown"


def new_participant_code() -> str:
    """A random code like 'P-7KQ3MX'; uniqueness is enforced by the database and retried."""
    return "P-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class Participant(SQLModel, table=True):
    """A person in the programme. No name is needed: the code is how staff refer to them."""

    __tablename__ = "participant"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=16, unique=True, default_factory=new_participant_code)
    display_name: str | None = Field(default=None, max_length=200)
    unit_id: int = Field(foreign_key="unit.id", ondelete="RESTRICT", index=True)
    gender: str = Field(default=Gender.NOT_RECORDED.value, max_length=24, index=True)
    birth_year: int | None = None
    preferred_language: str = Field(default="sv", max_length=10)
    intake_date: date = Field(index=True)
    exit_date: date | None = None
    exit_reason: str | None = Field(default=None, max_length=24)
    # Contact details, optional: only for sending this person their invitations and reminders
    # (services/contact.py validates them; the mobile number is stored in E.164, +46701740605).
    # Shown only to their unit's coaches; purge and erasure remove them; never exported.
    mobile: str | None = Field(default=None, max_length=16)
    email: str | None = Field(default=None, max_length=254)
    # When they said "no more messages" (the link in every message): nothing is sent after.
    messages_opted_out_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    # Set by the retention purge (`services.privacy.purge`): from then on the row is
    # pseudonymous statistics only, and the purge passes it by.
    purged_at: datetime | None = Field(default=None, index=True)
