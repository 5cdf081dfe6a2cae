"""What an administrator reaches, decided once: organisations and units.

A unit admin administers their own organisation; an admin the whole installation. The
lookups here answer None for anything outside that reach, and the web turns None into 404,
so an id of another organisation reveals nothing, not even that it exists. The
administrating use cases check the same rule again (`require`), so a caller without the web
(a script, a test) cannot step outside it either.
"""
from __future__ import annotations

from sqlmodel import Session, select

from ..models import Organisation, Role, StaffUser, Unit
from .errors import N_, DomainError


class OutsideYourReach(DomainError):
    """An organisation, unit or staff account the actor does not administer."""

    message = N_("That belongs to another organisation.")


def administers(actor: StaffUser, organisation_id: int) -> bool:
    """Whether `actor` administers the organisation: admins every one, unit admins their own."""
    if actor.role == Role.ADMIN:
        return True
    return actor.role == Role.UNIT_ADMIN and actor.organisation_id == organisation_id


def require(actor: StaffUser, organisation_id: int) -> None:
    """Refuse (OutsideYourReach) a use case on an organisation `actor` does not administer."""
    if not administers(actor, organisation_id):
        raise OutsideYourReach()


def organisations(session: Session, actor: StaffUser) -> list[Organisation]:
    """The organisations `actor` administers, by name."""
    query = select(Organisation).order_by(Organisation.name)
    if actor.role != Role.ADMIN:
        query = query.where(Organisation.id == actor.organisation_id)
    return list(session.exec(query).all())


def unit(session: Session, actor: StaffUser, unit_id: int) -> Unit | None:
    """The unit if `actor` administers its organisation."""
    found = session.get(Unit, unit_id)
    return found if found is not None and administers(actor, found.organisation_id) else None
