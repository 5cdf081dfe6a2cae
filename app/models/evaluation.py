"""What evaluators work with: programme goals and evaluation projects (export pseudonyms)."""
from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from .base import utcnow


class ProgrammeGoal(SQLModel, table=True):
    """A goal such as '90 % experience increased KASAM', compared with results by gender."""

    __tablename__ = "programme_goal"

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", ondelete="CASCADE", index=True)
    title: str = Field(max_length=300)
    instrument_key: str = Field(max_length=40)
    measure: str = Field(max_length=40, description="e.g. any_increase, reliable_improvement")
    target: str | None = Field(default=None, max_length=40, description="item/subscale/total")
    target_percent: float
    created_at: datetime = Field(default_factory=utcnow)


class EvaluationProject(SQLModel, table=True):
    """An evaluation with its own export secret: pseudonyms join across its waves, not beyond.

    Health Wheel and KASAM answers are sensitive (GDPR art. 9): they leave in an export only
    when the project records a purpose that includes them (`purpose`, `includes_health`,
    `includes_kasam`). The purpose is organisation data, no personal data: purge and erasure
    of participants leave it; deleting the organisation deletes it.
    """

    __tablename__ = "evaluation_project"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", ondelete="CASCADE", index=True)
    name: str = Field(max_length=200)
    secret: str = Field(max_length=128, default_factory=lambda: secrets.token_hex(32))
    purpose: str = Field(default="", max_length=2000)
    includes_health: bool = Field(default=False)
    includes_kasam: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow)
