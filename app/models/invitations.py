"""Invitations: what a participant's link or short code opens, and until when."""
from __future__ import annotations

import secrets
from datetime import datetime

from sqlmodel import Field, SQLModel

from .base import utcnow

# 8 characters without look-alikes, typed by hand on a shared computer at /kod.
SHORT_CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
SHORT_CODE_LENGTH = 8


def new_short_code() -> str:
    """A random short code; the unique index catches the rare collision."""
    return "".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(SHORT_CODE_LENGTH))


class Invitation(SQLModel, table=True):
    """Opens one participant's chosen instruments at one occasion. The token says who; this row
    says whether (expired, revoked, completed)."""

    __tablename__ = "invitation"

    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", ondelete="CASCADE", index=True)
    occasion_id: int = Field(foreign_key="occasion.id", ondelete="CASCADE", index=True)
    instruments: str = Field(max_length=500, description="Comma-separated instrument keys")
    short_code: str = Field(max_length=16, unique=True, default_factory=new_short_code)
    mode: str = Field(default="own_device", max_length=16)
    language: str | None = Field(default=None, max_length=10)
    bilingual: bool = Field(default=False)
    created_by_id: int | None = Field(
        default=None, foreign_key="staff_user.id", ondelete="SET NULL", index=True
    )
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime = Field(index=True)
    revoked: bool = Field(default=False)
    revoked_at: datetime | None = None
    first_opened_at: datetime | None = None
    completed_at: datetime | None = None
    closed_at: datetime | None = None

    @property
    def instrument_keys(self) -> list[str]:
        """The instruments this invitation opens, in the order they are filled in."""
        return [key for key in self.instruments.split(",") if key]
