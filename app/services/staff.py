"""Staff accounts: creation and password sign-in."""
from __future__ import annotations

from sqlmodel import Session, select

from ..models import Role, StaffUnit, StaffUser, utcnow
from ..security import hash_password, needs_rehash, verify_password


class StaffAlreadyExists(ValueError):
    """An account with that email exists (emails are compared without case)."""


def normalise_email(email: str) -> str:
    """Emails are unique without regard to case, so they are stored lower-case."""
    return email.strip().lower()


def find_by_email(session: Session, email: str) -> StaffUser | None:
    """The staff user with `email`, any case."""
    return session.exec(select(StaffUser).where(StaffUser.email == normalise_email(email))).first()


def create_staff(
    session: Session,
    *,
    organisation_id: int,
    email: str,
    password: str,
    role: Role | str,
    unit_ids: list[int] = (),
    display_name: str = "",
) -> StaffUser:
    """A new staff user working in `unit_ids`."""
    if find_by_email(session, email):
        raise StaffAlreadyExists(email)
    user = StaffUser(
        organisation_id=organisation_id,
        email=normalise_email(email),
        password_hash=hash_password(password),
        role=Role(role).value,
        display_name=display_name,
    )
    session.add(user)
    session.flush()
    for unit_id in unit_ids:
        session.add(StaffUnit(staff_user_id=user.id, unit_id=unit_id))
    session.commit()
    return user


def authenticate(session: Session, *, email: str, password: str) -> StaffUser | None:
    """The active user whose password matches, with last login stamped; else None."""
    user = find_by_email(session, email)
    if not verify_password(user.password_hash if user else None, password):
        return None
    if not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    session.add(user)
    session.commit()
    return user


def unit_ids_of(session: Session, user: StaffUser) -> list[int]:
    """The units a staff user works in."""
    rows = session.exec(select(StaffUnit.unit_id).where(StaffUnit.staff_user_id == user.id))
    return list(rows)
