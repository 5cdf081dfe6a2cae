"""Staff accounts as administrators keep them: add someone with a one-time set-password link,
change their role and units, deactivate them, reset their password or two-factor sign-in.

Who may do what is `services.administration`'s rule (their organisation, roles they may
give), checked again in every use case here. Nobody changes their own role, deactivates or
resets themselves here: one slip would lock them out (their own password and two-factor are on
their account page).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from ..models import Organisation, Role, StaffUnit, StaffUser, Unit, utcnow
from . import administration, audit, password_links, staff
from .errors import N_, DomainError
from .transactions import savepoint

EMAIL_LENGTH = 254  # the column's length, and the most an address may have (RFC 5321)


class EmailTaken(DomainError):
    """Emails are unique across the installation (they are how people sign in)."""

    message = N_("There is already an account with that email.")


class EmailInvalid(DomainError):
    """Not an email address an account could sign in with."""

    message = N_("Enter an email address like name@example.org.")


class RoleNotYours(DomainError):
    """A role the actor may not give (a unit admin never makes an admin)."""

    message = N_("You cannot give that role.")


class UnitsRequired(DomainError):
    """Coaches and unit admins work with the participants of their units: they need one."""

    message = N_("Choose at least one unit: this role works with the participants of its units.")


class UnitsOutsideOrganisation(DomainError):
    """A person works only in units of their own organisation."""

    message = N_("Choose units of the person's own organisation.")


class OwnAccount(DomainError):
    """Changing one's own role or access here could lock the last administrator out."""

    message = N_("You cannot do this to your own account. Ask another administrator.")


class AccountState(StrEnum):
    """Where an account stands, as the staff list shows it."""

    ACTIVE = "active"
    AWAITING_PASSWORD = "awaiting_password"  # new or reset: the set-password link is not used yet
    INACTIVE = "inactive"


@dataclass(frozen=True)
class StaffRow:
    """One line of the staff list: the account, its units' names, and whether the viewing
    administrator may change it."""

    user: StaffUser
    unit_names: list[str]
    state: AccountState
    manageable: bool


def staff_list(session: Session, *, actor: StaffUser, organisation: Organisation) -> list[StaffRow]:
    """The organisation's staff, active ones first, by name and email."""
    administration.require(actor, organisation.id)
    users = session.exec(select(StaffUser).where(StaffUser.organisation_id == organisation.id)
                         .order_by(StaffUser.display_name, StaffUser.email)).all()
    names: dict[int, list[str]] = {}
    for staff_id, unit_name in session.exec(
            select(StaffUnit.staff_user_id, Unit.name).join(Unit, Unit.id == StaffUnit.unit_id)
            .where(Unit.organisation_id == organisation.id).order_by(Unit.name)):
        names.setdefault(staff_id, []).append(unit_name)
    rows = [StaffRow(user, names.get(user.id, []), state_of(user), administration.manages(actor, user))
            for user in users]
    return sorted(rows, key=lambda row: row.state == AccountState.INACTIVE)


def state_of(user: StaffUser) -> AccountState:
    """Active, inactive, or still waiting for its owner to set a password."""
    if not user.active:
        return AccountState.INACTIVE
    if user.password_hash == staff.NO_PASSWORD:
        return AccountState.AWAITING_PASSWORD
    return AccountState.ACTIVE


def _checked_units(session: Session, organisation_id: int, role: Role, unit_ids: list[int]) -> list[int]:
    """The unit ids, if they are the organisation's and the role has what it needs."""
    wanted = sorted(set(unit_ids))
    if wanted:
        found = session.exec(select(Unit.id).where(Unit.id.in_(wanted),
                                                   Unit.organisation_id == organisation_id)).all()
        if len(found) != len(wanted):
            raise UnitsOutsideOrganisation()
    if role.access.has_caseload and not wanted:
        raise UnitsRequired()
    return wanted


def _grantable(actor: StaffUser, role: str) -> Role:
    try:
        wanted = Role(role)
    except ValueError:
        raise RoleNotYours() from None
    if wanted not in Role(actor.role).access.grants:
        raise RoleNotYours()
    return wanted


def _managed(actor: StaffUser, user: StaffUser, *, own_allowed: bool = False) -> None:
    """Refuse a use case on an account `actor` does not manage, or (unless `own_allowed`) on
    their own."""
    if not administration.manages(actor, user):
        raise administration.OutsideYourReach()
    if user.id == actor.id and not own_allowed:
        raise OwnAccount()


def add_staff(session: Session, *, actor: StaffUser, organisation: Organisation, email: str,
              display_name: str, role: str, unit_ids: list[int], secret: str,
              ip: str | None = None, now: datetime | None = None) -> password_links.PasswordLink:
    """A new account without a password, and the one-time link that lets its owner set one;
    audited (role and units, never the link)."""
    administration.require(actor, organisation.id)
    wanted = _grantable(actor, role)
    units = _checked_units(session, organisation.id, wanted, unit_ids)
    email = staff.normalise_email(email)
    local, _, domain = email.partition("@")
    if not local or "." not in domain or len(email) > EMAIL_LENGTH or any(c.isspace() for c in email):
        raise EmailInvalid()
    if staff.find_by_email(session, email):
        raise EmailTaken()
    try:
        with savepoint(session):
            user = staff.add_account(session, organisation_id=organisation.id, email=email,
                                     password=None, role=wanted, unit_ids=units,
                                     display_name=" ".join(display_name.split()))
    except IntegrityError as exc:  # the same email added meanwhile in another tab
        raise EmailTaken() from exc
    link = password_links.issue(user, secret=secret, now=now or utcnow())
    audit.record(session, action="staff.created", staff_id=actor.id, ip=ip,
                 object_type="staff_user", object_id=user.id,
                 details={"role": wanted.value, "units": units})
    session.commit()
    return link


def units_of(session: Session, user: StaffUser) -> list[int]:
    """The ids of the units `user` works in, sorted."""
    return sorted(staff.unit_ids_of(session, user))


def change_staff(session: Session, *, actor: StaffUser, user: StaffUser, display_name: str,
                 role: str, unit_ids: list[int], ip: str | None = None) -> StaffUser:
    """Change someone's name, role and units; audited with what changed, before and after.
    A role change takes effect on their next page (the guards read the role every request).
    One's own name and units may change here, one's own role not."""
    _managed(actor, user, own_allowed=True)
    wanted = _grantable(actor, role)
    if user.id == actor.id and wanted != user.role:
        raise OwnAccount()
    after = {"display_name": " ".join(display_name.split()), "role": wanted.value,
             "units": _checked_units(session, user.organisation_id, wanted, unit_ids)}
    before = {"display_name": user.display_name, "role": user.role, "units": units_of(session, user)}
    changed = {name: {"before": before[name], "after": after[name]}
               for name in after if before[name] != after[name]}
    if not changed:
        return user
    user.display_name, user.role = after["display_name"], after["role"]
    session.add(user)
    if "units" in changed:
        for membership in session.exec(select(StaffUnit).where(StaffUnit.staff_user_id == user.id)):
            session.delete(membership)
        session.add_all(StaffUnit(staff_user_id=user.id, unit_id=u) for u in after["units"])
    if "display_name" in changed:  # a name is personal data: the trail says it changed, not what to
        changed["display_name"] = "changed"
    audit.record(session, action="staff.changed", staff_id=actor.id, ip=ip,
                 object_type="staff_user", object_id=user.id, details=changed)
    session.commit()
    return user


def set_staff_active(session: Session, *, actor: StaffUser, user: StaffUser, active: bool,
                     ip: str | None = None) -> StaffUser:
    """Deactivate someone who left (no sign-in, every session of theirs ends, an unused link
    stops working) or let them in again with their old password; audited."""
    _managed(actor, user)
    if user.active == active:
        return user
    password_links.revoke(user)
    if not active:
        return staff.deactivate(session, user=user, staff_id=actor.id, ip=ip)
    user.active = True
    session.add(user)
    audit.record(session, action="staff.reactivated", staff_id=actor.id, ip=ip,
                 object_type="staff_user", object_id=user.id)
    session.commit()
    return user


def reset_password(session: Session, *, actor: StaffUser, user: StaffUser, secret: str,
                   ip: str | None = None, now: datetime | None = None) -> password_links.PasswordLink:
    """A forgotten or exposed password: the old one stops working at once, every session of
    the person ends, and only the new one-time link lets them choose another; audited."""
    _managed(actor, user)
    user.password_hash = staff.NO_PASSWORD
    staff.end_sessions(user)
    link = password_links.issue(user, secret=secret, now=now or utcnow())
    session.add(user)
    audit.record(session, action="staff.password_reset", staff_id=actor.id, ip=ip,
                 object_type="staff_user", object_id=user.id)
    session.commit()
    return link


def reset_two_factor(session: Session, *, actor: StaffUser, user: StaffUser,
                     ip: str | None = None) -> StaffUser:
    """A lost phone: the person's two-factor secret is forgotten and they enrol again at their
    next sign-in (when their organisation requires it); audited."""
    _managed(actor, user)
    return staff.reset_totp(session, user=user, staff_id=actor.id, ip=ip)
