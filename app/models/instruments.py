"""Licensed instrument wording (e.g. KASAM), loaded by an admin with its permission reference."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from .base import utcnow


class InstrumentLicence(SQLModel, table=True):
    """A licensed definition file for one language; the repository itself ships no such text."""

    __tablename__ = "instrument_licence"
    __table_args__ = (UniqueConstraint("instrument_key", "instrument_version", "language"),)

    id: int | None = Field(default=None, primary_key=True)
    instrument_key: str = Field(max_length=40)
    instrument_version: int
    language: str = Field(max_length=10)
    definition_text: str = Field(sa_type=Text)
    granted_by: str = Field(max_length=200)
    granted_on: date | None = None
    scope: str = Field(default="", max_length=500)
    permission_ref: str = Field(default="", max_length=500)
    loaded_by_id: int | None = Field(default=None, foreign_key="staff_user.id", ondelete="SET NULL")
    loaded_at: datetime = Field(default_factory=utcnow)
