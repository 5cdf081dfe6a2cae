"""Organisations (a municipality, an association) and their units (sub-projects, offices)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from .base import utcnow

DEFAULT_INSTRUMENTS = "work_wheel,health_wheel,cefr,kasam13"


class Organisation(SQLModel, table=True):
    """The body that runs a programme; owns units, goals and privacy settings."""

    __tablename__ = "organisation"
    # Never below app.statistics.disclosure.MINIMUM_K, whatever writes the row.
    __table_args__ = (CheckConstraint("small_cell_threshold >= 3", name="small_cell_floor"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    require_totp: bool = Field(default=False)
    # Whole months after exit, as people say it and as the privacy notice states it; the
    # retention purge counts them on the calendar (services.privacy).
    retention_months: int = Field(default=24, description="Keep who a person is this long after exit")
    # The organisation's k; the installation's STEGVIS_SMALL_CELL is the floor (services.disclosure).
    small_cell_threshold: int = Field(default=5)
    # The data controller named in the participant's privacy notice (GDPR art. 13).
    controller_name: str = Field(default="", max_length=200)
    controller_contact: str = Field(default="", max_length=300)
    # MAP2020 used Health Wheel answers as discussion material only; pooling them across
    # people in cohort statistics is a decision the organisation takes (and records).
    aggregate_health_wheel: bool = Field(default=False)
    # Comma-separated language codes offered to participants (Swedish always among them);
    # None: every language the installation has a catalog for, new ones included.
    participant_languages: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(default_factory=utcnow)

    @property
    def participant_language_codes(self) -> tuple[str, ...] | None:
        """The codes offered to participants, or None for every language with a catalog."""
        if self.participant_languages is None:
            return None
        return tuple(code for code in self.participant_languages.split(",") if code)


class Unit(SQLModel, table=True):
    """A sub-project, branch track or office; its plan sets when occasions fall due."""

    __tablename__ = "unit"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", ondelete="CASCADE", index=True)
    name: str = Field(max_length=200)
    midway_after_months: int = Field(default=5)
    exit_after_months: int = Field(default=10)
    follow_up_after_days: int = Field(default=90)
    default_instruments: str = Field(default=DEFAULT_INSTRUMENTS, max_length=500)
    # An inactive unit takes no new participants and is left out of the choosers; its people,
    # staff memberships and answers stay as they are.
    active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow)

    @property
    def default_instrument_keys(self) -> list[str]:
        """The unit's default instrument set as a list of keys."""
        return [key for key in self.default_instruments.split(",") if key]
