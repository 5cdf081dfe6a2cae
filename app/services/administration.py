"""What an administrator reaches, decided once: organisations, units, staff and participants.

A unit admin administers their own organisation; an admin the whole installation
(`RoleAccess.whole_installation`). The lookups here answer None for anything outside that
reach, and the web turns None into 404, so an id of another organisation reveals nothing, not
even that it exists. The administrating use cases (`services.units`, `services.staffing`,
`participants.move_to_unit`) check the same rule again, so a caller without the web (a
script, a test) cannot step outside it either.

Staff are managed only when the actor may give their role (`RoleAccess.grants`): a unit admin
sees the organisation's admins in the list but cannot change them, reset their password (and
so read their set-password link) or deactivate them.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func
from sqlmodel import Session, select

from ..models import Organisation, Participant, Role, StaffUser, Unit
from .errors import N_, DomainError
from .staff import NO_PASSWORD


class OutsideYourReach(DomainError):
    """An organisation, unit or staff account the actor does not administer."""

    message = N_("That belongs to another organisation.")


def administers(actor: StaffUser, organisation_id: int) -> bool:
    """Whether `actor` administers the organisation: admins every one, unit admins their own."""
    access = Role(actor.role).access
    if not access.grants:  # who may give no role administers nothing
        return False
    return access.whole_installation or actor.organisation_id == organisation_id


def manages(actor: StaffUser, user: StaffUser) -> bool:
    """Whether `actor` may change `user`'s account: one of their organisations, and a role
    they may give."""
    return administers(actor, user.organisation_id) and user.role in Role(actor.role).access.grants


def require(actor: StaffUser, organisation_id: int) -> None:
    """Refuse (OutsideYourReach) a use case on an organisation `actor` does not administer."""
    if not administers(actor, organisation_id):
        raise OutsideYourReach()


def organisations(session: Session, actor: StaffUser) -> list[Organisation]:
    """The organisations `actor` administers, by name."""
    query = select(Organisation).order_by(Organisation.name)
    if not Role(actor.role).access.whole_installation:
        query = query.where(Organisation.id == actor.organisation_id)
    return list(session.exec(query).all())


def organisation(session: Session, actor: StaffUser, organisation_id: int | None) -> Organisation | None:
    """The organisation asked for (None: the actor's own) if `actor` administers it."""
    wanted = actor.organisation_id if organisation_id is None else organisation_id
    found = session.get(Organisation, wanted)
    return found if found is not None and administers(actor, found.id) else None


def unit(session: Session, actor: StaffUser, unit_id: int) -> Unit | None:
    """The unit if `actor` administers its organisation."""
    found = session.get(Unit, unit_id)
    return found if found is not None and administers(actor, found.organisation_id) else None


def staff_member(session: Session, actor: StaffUser, staff_id: int) -> StaffUser | None:
    """The staff account if `actor` manages it (see `manages`)."""
    found = session.get(StaffUser, staff_id)
    return found if found is not None and manages(actor, found) else None


def participant_by_code(session: Session, actor: StaffUser, code: str) -> Participant | None:
    """The participant with `code` (any case, spaces ignored) in an organisation `actor`
    administers; never a purged record, which is statistics only."""
    wanted = "".join(code.split()).upper()
    row = session.exec(select(Participant, Unit).join(Unit, Unit.id == Participant.unit_id)
                       .where(Participant.code == wanted, Participant.purged_at.is_(None))).first()
    if row is None or not administers(actor, row[1].organisation_id):
        return None
    return row[0]


@dataclass(frozen=True)
class Overview:
    """The administration's front page for one organisation: counts, never people."""

    organisation: Organisation
    active_units: int
    inactive_units: int
    staff_by_role: dict[Role, int]  # active accounts
    inactive_staff: int
    awaiting_password: int  # active accounts whose set-password link is still unused
    participants_in_programme: int


def overview(session: Session, organisation: Organisation) -> Overview:
    """Counts of the organisation's units, staff and participants still in the programme."""
    units = dict(session.exec(select(Unit.active, func.count()).where(
        Unit.organisation_id == organisation.id).group_by(Unit.active)).all())
    unset = func.sum(case((StaffUser.password_hash == NO_PASSWORD, 1), else_=0))
    staff = session.exec(select(StaffUser.role, StaffUser.active, unset, func.count())
                         .where(StaffUser.organisation_id == organisation.id)
                         .group_by(StaffUser.role, StaffUser.active)).all()
    in_programme = session.exec(
        select(func.count()).select_from(Participant).join(Unit, Unit.id == Participant.unit_id)
        .where(Unit.organisation_id == organisation.id, Participant.exit_date.is_(None),
               Participant.purged_at.is_(None))).one()
    by_role = {role: sum(n for r, active, _, n in staff if r == role and active) for role in Role}
    return Overview(
        organisation=organisation,
        active_units=units.get(True, 0),
        inactive_units=units.get(False, 0),
        staff_by_role=by_role,
        inactive_staff=sum(n for _, active, _, n in staff if not active),
        awaiting_password=sum(waiting for _, active, waiting, _n in staff if active),
        participants_in_programme=in_programme,
    )
