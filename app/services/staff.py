"""Staff accounts: creation, password sign-in, password change and two-factor (TOTP)."""
from __future__ import annotations

import hmac
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

import pyotp
from sqlmodel import Session, select

from ..models import Organisation, Role, StaffUnit, StaffUser, utcnow
from ..passwords import hash_password, needs_rehash, verify_password
from . import audit

# The stored hash of an account without a password (new, or reset by an administrator): no
# password matches it (`verify_password` refuses an empty hash), so only a set-password link
# lets the person in.
NO_PASSWORD = ""


class StaffAlreadyExists(ValueError):
    """An account with that email exists (emails are compared without case)."""


def normalise_email(email: str) -> str:
    """Emails are unique without regard to case, so they are stored lower-case."""
    return email.strip().lower()


def find_by_email(session: Session, email: str) -> StaffUser | None:
    """The staff user with `email`, any case."""
    return session.exec(select(StaffUser).where(StaffUser.email == normalise_email(email))).first()


def add_account(
    session: Session,
    *,
    organisation_id: int,
    email: str,
    password: str | None,
    role: Role | str,
    unit_ids: list[int] = (),
    display_name: str = "",
    preferred_language: str = "sv",
) -> StaffUser:
    """A new staff user working in `unit_ids`, added to the session (the caller's use case
    commits); without a `password` (None) nobody can sign in as them until a set-password
    link is used."""
    if find_by_email(session, email):
        raise StaffAlreadyExists(email)
    user = StaffUser(
        organisation_id=organisation_id,
        email=normalise_email(email),
        password_hash=NO_PASSWORD if password is None else hash_password(password),
        role=Role(role).value,
        display_name=display_name,
        preferred_language=preferred_language,
    )
    session.add(user)
    session.flush()
    for unit_id in unit_ids:
        session.add(StaffUnit(staff_user_id=user.id, unit_id=unit_id))
    session.flush()
    return user


def create_staff(session: Session, **account) -> StaffUser:
    """A new staff user (`add_account`'s arguments), committed: the command line and demo data."""
    user = add_account(session, **account)
    session.commit()
    return user


class SignInOutcome(StrEnum):
    """Where a sign-in step left the user."""

    FAILED = "failed"
    NEEDS_CODE = "needs_code"  # password right; the one-time code comes next
    SIGNED_IN = "signed_in"


@dataclass(frozen=True)
class SignIn:
    """The result of a sign-in step; `must_enrol_totp` when the organisation requires
    two-factor sign-in and the user has not set it up yet."""

    outcome: SignInOutcome
    user: StaffUser | None = None
    must_enrol_totp: bool = False


def sign_in_with_password(session: Session, *, email: str, password: str,
                          ip: str | None = None) -> SignIn:
    """The password step, audited in the same transaction: a failure is recorded (with the
    normalised email tried), a user with two-factor goes on to `sign_in_with_code`, anyone
    else is signed in. An outdated hash is upgraded while the password is at hand."""
    user = find_by_email(session, email)
    if not verify_password(user.password_hash if user else None, password) or not user.active:
        audit.record(session, action="login_failed", ip=ip,
                     details={"email": normalise_email(email)})
        session.commit()
        return SignIn(SignInOutcome.FAILED)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        session.add(user)
    if user.totp_secret:
        session.commit()
        return SignIn(SignInOutcome.NEEDS_CODE, user)
    return _signed_in(session, user, ip)


def sign_in_with_code(session: Session, *, user_id: int, code: str, ip: str | None = None,
                      now: float | None = None) -> SignIn:
    """The one-time-code step after a right password; a wrong or replayed code is audited."""
    user = session.get(StaffUser, user_id)
    if user is None or not user.active or not _accept_code(session, user, code, now):
        audit.record(session, action="totp_failed", staff_id=user_id, ip=ip)
        session.commit()
        return SignIn(SignInOutcome.FAILED)
    return _signed_in(session, user, ip)


def _signed_in(session: Session, user: StaffUser, ip: str | None) -> SignIn:
    user.last_login_at = utcnow()
    session.add(user)
    audit.record(session, action="login", staff_id=user.id, ip=ip)
    session.commit()
    must_enrol = not user.totp_secret and totp_required(session, user)
    return SignIn(SignInOutcome.SIGNED_IN, user, must_enrol_totp=must_enrol)


def end_sessions(user: StaffUser) -> None:
    """Make every session the user has signed in so far invalid, on every device and in every
    copy of its cookie: sessions carry the generation they began in, and only the current one
    is accepted. The caller commits."""
    user.session_generation += 1


def sign_out(session: Session, *, user: StaffUser, ip: str | None = None) -> None:
    """Sign out: every session of the user ends (a cookie copied off a shared computer
    included), not just this browser's; audited."""
    end_sessions(user)
    session.add(user)
    audit.record(session, action="logout", staff_id=user.id, ip=ip)
    session.commit()


def sign_out_everywhere(session: Session, *, user: StaffUser, ip: str | None = None) -> None:
    """The account page's button for a lost phone or a forgotten shared computer: every
    session of the user ends; audited under its own name so the trail shows it was asked for."""
    end_sessions(user)
    session.add(user)
    audit.record(session, action="signed_out_everywhere", staff_id=user.id, ip=ip,
                 object_type="staff_user", object_id=user.id)
    session.commit()


def deactivate(session: Session, *, user: StaffUser, staff_id: int | None = None,
               ip: str | None = None) -> StaffUser:
    """Someone who left: no sign-in any more, and their open sessions end now (so turning the
    account on again later does not bring an old cookie back). Audited, with `staff_id` the
    one who did it (None: the command line)."""
    user.active = False
    end_sessions(user)
    session.add(user)
    audit.record(session, action="staff_deactivated", staff_id=staff_id, ip=ip,
                 object_type="staff_user", object_id=user.id)
    session.commit()
    return user


def unit_ids_of(session: Session, user: StaffUser) -> list[int]:
    """The units a staff user works in."""
    rows = session.exec(select(StaffUnit.unit_id).where(StaffUnit.staff_user_id == user.id))
    return list(rows)


class WrongPassword(ValueError):
    """The current password given to confirm a change did not match."""


class WeakPassword(ValueError):
    """A new password shorter than MIN_PASSWORD_LENGTH."""


MIN_PASSWORD_LENGTH = 12
TOTP_ISSUER = "Stegvis"


def set_password(session: Session, *, user: StaffUser, password: str,
                 staff_id: int | None = None, ip: str | None = None) -> StaffUser:
    """Store a new password (from the CLI, or after the current one was confirmed) and end
    every session of the user; audited, with `staff_id` the one who set it (None: the command
    line). The web layer signs the changing browser in again."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(MIN_PASSWORD_LENGTH)
    user.password_hash = hash_password(password)
    end_sessions(user)  # whoever knew the old password may hold a session: it ends
    session.add(user)
    audit.record(session, action="password_changed", staff_id=staff_id, ip=ip,
                 object_type="staff_user", object_id=user.id)
    session.commit()
    return user


def change_password(session: Session, *, user: StaffUser, current: str, new: str,
                    ip: str | None = None) -> StaffUser:
    """A signed-in user's own change: the current password proves it is really them."""
    if not verify_password(user.password_hash, current):
        raise WrongPassword()
    return set_password(session, user=user, password=new, staff_id=user.id, ip=ip)


def totp_required(session: Session, user: StaffUser) -> bool:
    """Whether the user's organisation makes two-factor sign-in compulsory for their role: one
    whose pages show individual people (evaluators only see cohorts of at least k people)."""
    if not Role(user.role).access.sees_participants:
        return False
    organisation = session.get(Organisation, user.organisation_id)
    return bool(organisation and organisation.require_totp)


def new_totp_secret() -> str:
    """A fresh base32 secret; it is only stored once the user proves their app has it."""
    return pyotp.random_base32()


def totp_provisioning_uri(secret: str, email: str) -> str:
    """The otpauth:// URI an authenticator app reads from the enrolment QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=TOTP_ISSUER)


def totp_matches(secret: str | None, code: str) -> bool:
    """Whether `code` is the current one-time code, allowing one 30-second step of clock drift."""
    if not secret:
        return False
    code = "".join(code.split())
    return code.isdigit() and pyotp.TOTP(secret).verify(code, valid_window=1)


def _accept_code(session: Session, user: StaffUser, code: str, now: float | None) -> bool:
    """Right code, and a time step later than the last one accepted, so a code seen over
    someone's shoulder (or replayed) cannot be used a second time. The caller commits."""
    if not user.totp_secret:
        return False
    code = "".join(code.split())
    totp = pyotp.TOTP(user.totp_secret)
    moment = time.time() if now is None else now
    for drift in (-1, 0, 1):  # one 30-second step of clock drift either way
        step = totp.timecode(datetime.fromtimestamp(moment + drift * totp.interval, UTC))
        if hmac.compare_digest(totp.generate_otp(step), code):
            if user.totp_last_step is not None and step <= user.totp_last_step:
                return False
            user.totp_last_step = step
            session.add(user)
            return True
    return False


def enable_totp(session: Session, *, user: StaffUser, secret: str, code: str,
                ip: str | None = None) -> bool:
    """Store `secret` on the user if `code` proves the authenticator app has it; audited."""
    if not totp_matches(secret, code):
        return False
    user.totp_secret, user.totp_last_step = secret, None
    session.add(user)
    audit.record(session, action="totp_enabled", staff_id=user.id, ip=ip)
    session.commit()
    return True


def reset_totp(session: Session, *, user: StaffUser, staff_id: int | None = None,
               ip: str | None = None) -> StaffUser:
    """Forget the user's secret (a lost phone); they enrol again at their next sign-in.
    Audited, with `staff_id` the one who reset it (None: the command line)."""
    user.totp_secret, user.totp_last_step = None, None
    session.add(user)
    audit.record(session, action="totp_reset", staff_id=staff_id, ip=ip,
                 object_type="staff_user", object_id=user.id)
    session.commit()
    return user
