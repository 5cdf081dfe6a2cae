"""What evaluators work with: programme goals and evaluation projects (export pseudonyms)."""
from __future__ import annotations

import secrets
from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from .base import utcnow


class ProgrammeGoal(SQLModel, table=True):
    """A goal such as '90 % experience increased KASAM', for the organisation or one of its
    units over a period, set by its administrators and measured by gender on the
    evaluator's goals page. `target_value` is a percentage for the share measures and score
    points for the mean change (`services.goals.Measure`)."""

    __tablename__ = "programme_goal"

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", ondelete="CASCADE", index=True)
    unit_id: int | None = Field(default=None, foreign_key="unit.id", ondelete="CASCADE",
                                index=True, description="None: the whole organisation")
    title: str = Field(max_length=300)
    instrument_key: str = Field(max_length=40)
    measure: str = Field(max_length=40, description="a services.goals.Measure")
    score_ref: str | None = Field(default=None, max_length=40,
                                  description="item/subscale/total; None: the headline score")
    target_value: float
    # Pairs whose later assessment was completed in the period count (None: any time, for
    # goals recorded before goals had periods).
    period_start: date | None = None
    period_end: date | None = None
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
