"""Staff who sign in: coaches, unit administrators, evaluators and administrators."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint
from sqlmodel import Field, SQLModel

from .base import utcnow


class Role(StrEnum):
    """What a staff user may do. Everything that depends on the role (where it lands, which
    workspaces let it in, whose data it sees, which roles it may hand out, the database's
    check constraint) is read from `ROLE_ACCESS` below, so a role is added in one place."""

    COACH = "coach"
    UNIT_ADMIN = "unit_admin"
    EVALUATOR = "evaluator"
    ADMIN = "admin"

    @property
    def access(self) -> RoleAccess:
        """This role's entry in `ROLE_ACCESS`."""
        return ROLE_ACCESS[self]

    @classmethod
    def allowed_in(cls, workspace: str) -> tuple[Role, ...]:
        """The roles a workspace (a blueprint's name) lets in, for its guard."""
        return tuple(role for role in cls if workspace in role.access.workspaces)


@dataclass(frozen=True)
class RoleAccess:
    """One role's rights. `home` and `workspaces` name endpoints and blueprints as strings, so
    this model needs no web framework."""

    home: str  # the endpoint a role lands on after signing in
    workspaces: frozenset[str]  # the blueprints whose guard lets the role in
    sees_participants: bool  # its pages show individual people: two-factor may be required
    has_caseload: bool  # works with participants of its own units, so needs at least one unit
    whole_installation: bool  # reaches every organisation, not only its own
    grants: frozenset[Role]  # the roles it may give staff of its organisation (and manage)


ROLE_ACCESS: dict[Role, RoleAccess] = {
    Role.COACH: RoleAccess(
        home="coach.caseload", workspaces=frozenset({"coach"}), sees_participants=True,
        has_caseload=True, whole_installation=False, grants=frozenset()),
    Role.UNIT_ADMIN: RoleAccess(
        home="admin.home", workspaces=frozenset({"admin", "coach"}), sees_participants=True,
        has_caseload=True, whole_installation=False,
        # Never admin: a unit admin must not make anyone, themselves included, an admin.
        grants=frozenset({Role.COACH, Role.UNIT_ADMIN, Role.EVALUATOR})),
    Role.EVALUATOR: RoleAccess(
        home="evaluator.cohort", workspaces=frozenset({"evaluator"}), sees_participants=False,
        has_caseload=False, whole_installation=False, grants=frozenset()),
    Role.ADMIN: RoleAccess(
        home="admin.home", workspaces=frozenset({"admin", "installation", "evaluator"}),
        sees_participants=True,
        has_caseload=False, whole_installation=True, grants=frozenset(Role)),
}
ROLE_CHECK = "role IN ({})".format(", ".join(f"'{role.value}'" for role in Role))


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
        CheckConstraint(ROLE_CHECK, name="role_known"),
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
    # A one-time set-password link (a new account, or a reset): its signed token carries a
    # random nonce whose SHA-256 is kept here until the link is used, replaced or expires.
    password_link_digest: str | None = Field(default=None, max_length=64)
    password_link_expires_at: datetime | None = None
