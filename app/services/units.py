"""An organisation's units as its administrators keep them: add, rename, make inactive.

A unit is never deleted here: participants, answers and staff memberships hang on it. Making
it inactive stops new registrations and hides it from the choosers; making it active again
undoes that. Its plan of occasions and instruments has a page of its own.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from ..models import Organisation, Participant, StaffUnit, StaffUser, Unit
from . import administration, audit
from .errors import N_, DomainError
from .transactions import savepoint

UNIT_NAME_LENGTH = 200  # the column's length


class UnitNameProblem(DomainError):
    """A name the unit cannot have."""


class UnitNameInvalid(UnitNameProblem):
    """An empty name, or one longer than the column holds."""

    message = N_("Give the unit a name of at most %(length)d characters.")


class UnitNameTaken(UnitNameProblem):
    """Unit names are unique within an organisation (people choose units by name)."""

    message = N_("The organisation already has a unit called %(name)s.")


def units_of(session: Session, organisation_id: int, *, active_only: bool = False) -> list[Unit]:
    """The organisation's units by name; `active_only` for choosers of new things."""
    query = select(Unit).where(Unit.organisation_id == organisation_id).order_by(Unit.name)
    if active_only:
        query = query.where(Unit.active)
    return list(session.exec(query).all())


@dataclass(frozen=True)
class UnitSummary:
    """A unit with its active staff and the participants still in the programme, counted."""

    unit: Unit
    staff: int
    participants_in_programme: int


def unit_summaries(session: Session, organisation_id: int) -> list[UnitSummary]:
    """Every unit of the organisation, active ones first, by name, with its counts."""
    units = sorted(units_of(session, organisation_id), key=lambda unit: not unit.active)
    ids = [unit.id for unit in units]
    staff = dict(session.exec(
        select(StaffUnit.unit_id, func.count()).join(StaffUser, StaffUser.id == StaffUnit.staff_user_id)
        .where(StaffUnit.unit_id.in_(ids), StaffUser.active).group_by(StaffUnit.unit_id)).all())
    people = dict(session.exec(
        select(Participant.unit_id, func.count())
        .where(Participant.unit_id.in_(ids), Participant.exit_date.is_(None),
               Participant.purged_at.is_(None))
        .group_by(Participant.unit_id)).all())
    return [UnitSummary(unit, staff.get(unit.id, 0), people.get(unit.id, 0)) for unit in units]


def _checked_name(session: Session, organisation_id: int, name: str, *,
                  unit_id: int | None = None) -> str:
    """`name` with its spaces tidied, if no other unit of the organisation has it, letter case
    aside ('Jobbspår' and 'jobbspår' would be one unit to the people choosing)."""
    name = " ".join(name.split())
    if not name or len(name) > UNIT_NAME_LENGTH:
        raise UnitNameInvalid(length=UNIT_NAME_LENGTH)
    same = select(Unit.id).where(Unit.organisation_id == organisation_id,
                                 func.lower(Unit.name) == name.lower())
    if unit_id is not None:
        same = same.where(Unit.id != unit_id)
    if session.exec(same).first() is not None:
        raise UnitNameTaken(name=name)
    return name


def _store(session: Session, unit: Unit) -> None:
    """Write the unit; a name taken meanwhile (two tabs, two admins) is refused like any other."""
    try:
        with savepoint(session):
            session.add(unit)
            session.flush()
    except IntegrityError as exc:
        raise UnitNameTaken(name=unit.name) from exc


def add_unit(session: Session, *, actor: StaffUser, organisation: Organisation, name: str,
             ip: str | None = None) -> Unit:
    """A new, active unit with the default plan of occasions and instruments; audited."""
    administration.require(actor, organisation.id)
    unit = Unit(organisation_id=organisation.id, name=_checked_name(session, organisation.id, name))
    _store(session, unit)
    audit.record(session, action="unit.created", staff_id=actor.id, ip=ip, object_type="unit",
                 object_id=unit.id, details={"name": unit.name})
    session.commit()
    return unit


def rename_unit(session: Session, *, actor: StaffUser, unit: Unit, name: str,
                ip: str | None = None) -> Unit:
    """Give the unit a new name (free in its organisation); audited with before and after."""
    administration.require(actor, unit.organisation_id)
    before, unit.name = unit.name, _checked_name(session, unit.organisation_id, name, unit_id=unit.id)
    if unit.name != before:
        _store(session, unit)
        audit.record(session, action="unit.renamed", staff_id=actor.id, ip=ip, object_type="unit",
                     object_id=unit.id, details={"name": {"before": before, "after": unit.name}})
    session.commit()
    return unit


def set_unit_active(session: Session, *, actor: StaffUser, unit: Unit, active: bool,
                    ip: str | None = None) -> Unit:
    """Make the unit active or inactive (see the module's docstring); audited."""
    administration.require(actor, unit.organisation_id)
    if unit.active != active:
        unit.active = active
        session.add(unit)
        audit.record(session, action="unit.activated" if active else "unit.deactivated",
                     staff_id=actor.id, ip=ip, object_type="unit", object_id=unit.id,
                     details={"active": {"before": not active, "after": active}})
    session.commit()
    return unit
