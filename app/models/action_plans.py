"""A participant's action plan: the steps agreed in a conversation with their coach."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from .base import utcnow

STEP_TEXT_MAX = 300  # one step, said in a sentence or two; long enough for "call X about Y"


class StepOwner(StrEnum):
    """Who takes a step. A choice, not a name, so the printed plan can say it in the
    participant's language and no third person's name is stored."""

    PARTICIPANT = "participant"
    COACH = "coach"
    TOGETHER = "together"
    SOMEONE_ELSE = "someone_else"


class ActionStep(SQLModel, table=True):
    """One step of a participant's action plan: what, who, by when, and whether it is done.

    Personal data. The retention purge empties `text` (free text can name anyone) and keeps
    who, by when and done as pseudonymous facts; erasure deletes the row. See
    `services.privacy`.
    """

    __tablename__ = "action_step"

    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", ondelete="CASCADE", index=True)
    text: str | None = Field(default=None, sa_type=Text)  # None only after the purge
    owner: str = Field(default=StepOwner.PARTICIPANT.value, max_length=16)
    due_date: date | None = None
    done_at: datetime | None = None
    created_by_id: int | None = Field(
        default=None, foreign_key="staff_user.id", ondelete="SET NULL", index=True
    )
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
