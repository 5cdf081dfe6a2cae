"""Staff who sign in: coaches, unit administrators, evaluators and administrators."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint
from sqlmodel import Field, SQLModel

from .base import utcnow


class Role(StrEnum):
    """What a staff user may do; the blueprints' guards are keyed by these."""

    COACH = "coach"
    UNIT_ADMIN = "unit_admin"
    EVALUATOR = "evaluator"
    ADMIN = "admin"


class StaffUnit(SQLModel, table=True):
    """Which units a staff user works in (their caseload scope)."""

    __tablename__ = "staff_unit"

    staff_user_id: int = Field(foreign_key="staff_user.id", primary_key=True, ondelete="CASCADE")
    unit_id: int = Field(foreign_key="unit.id", primary_key=True, ondelete="CASCADE", index=True)


class StaffUser(SQLModel, table=True):
    """A person on the staff side. Email is stored lower-case, so uniqueness ignores case."""

    __tablename__ = "staff_user"
    __table_args__ = (
        CheckConstraint("email = lower(email)", name="email_lower_case"),
        CheckConstraint("role IN ('coach', 'unit_admin', 'evaluator', 'admin')", name="role_known"),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", ondelete="CASCADE", index=True)
    email: str = Field(max_length=254, unique=True)
    display_name: str = Field(default="", max_length=200)
    password_hash: str = Field(max_length=255)
    role: str = Field(max_length=20)
    active: bool = Field(default=True)
    totp_secret: str | None = Field(default=None, max_length=64)
    totp_last_step: int | None = Field(default=None, description="Last accepted 30 s time step")
    preferred_language: str = Field(default="sv", max_length=10)
    created_at: datetime = Field(default_factory=utcnow)
    last_login_at: datetime | None = None
    # Every staff session carries the generation it began in; raising it (sign-out, a new
    # password, deactivation, "sign out everywhere") ends them all, copied cookies included.
    session_generation: int = Field(default=0)
