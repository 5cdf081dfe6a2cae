"""Organisations (a municipality, an association) and their units (sub-projects, offices)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from .base import utcnow

DEFAULT_INSTRUMENTS = "work_wheel,health_wheel,cefr,kasam13"


class Organisation(SQLModel, table=True):
    """The body that runs a programme; owns units, goals and privacy settings."""

    __tablename__ = "organisation"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    require_totp: bool = Field(default=False)
    retention_days: int = Field(default=730, description="Keep results this long after exit")
    # MAP2020 used Health Wheel answers as discussion material only; pooling them across
    # people in cohort statistics is a decision the organisation takes (and records).
    aggregate_health_wheel: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow)


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
    created_at: datetime = Field(default_factory=utcnow)

    @property
    def default_instrument_keys(self) -> list[str]:
        """The unit's default instrument set as a list of keys."""
        return [key for key in self.default_instruments.split(",") if key]

    def in_plan_order(self, keys) -> list[str]:
        """`keys` in the order the unit's plan puts them; keys outside it follow, as given.
        Participants meet the questionnaires in this order, whoever chose them."""
        planned = self.default_instrument_keys
        return sorted(keys, key=lambda key: planned.index(key) if key in planned else len(planned))
