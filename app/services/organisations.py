"""Organisations and their units: setting them up, and the organisation's privacy settings."""
from __future__ import annotations

from sqlmodel import Session, select

from ..models import Organisation, Unit
from ..models.organisations import DEFAULT_INSTRUMENTS
from . import audit
from .unit_plans import UnitPlan, check_plan


class UnknownOrganisation(LookupError):
    """No organisation has that name."""


def find_organisation(session: Session, name: str) -> Organisation:
    """The organisation called `name`, or UnknownOrganisation."""
    organisation = session.exec(select(Organisation).where(Organisation.name == name)).first()
    if organisation is None:
        raise UnknownOrganisation(name)
    return organisation


def ensure_organisation(session: Session, name: str) -> Organisation:
    """The organisation called `name`, created when it does not exist yet."""
    try:
        return find_organisation(session, name)
    except UnknownOrganisation:
        organisation = Organisation(name=name)
        session.add(organisation)
        session.commit()
        return organisation


def require_two_factor(session: Session, *, organisation: Organisation, required: bool) -> None:
    """Make two-factor sign-in required (or optional) for staff who see participant data."""
    organisation.require_totp = required
    session.add(organisation)
    session.commit()


def set_health_statistics(session: Session, *, organisation: Organisation, on: bool,
                          staff_id: int | None = None, via: str = "web") -> Organisation:
    """Let the organisation's cohort statistics pool Health Wheel answers across people (or
    stop them), audited: MAP2020 kept its Hälsohjulet as discussion material only, so
    aggregating health data is a decision someone takes and answers for."""
    organisation.aggregate_health_wheel = on
    session.add(organisation)
    audit.record(session, action="organisation.health_statistics", staff_id=staff_id,
                 object_type="organisation", object_id=organisation.id,
                 details={"on": on, "via": via})
    session.commit()
    return organisation


def create_unit(
    session: Session,
    *,
    organisation: Organisation,
    name: str,
    midway_after_months: int = 5,
    exit_after_months: int = 10,
    follow_up_after_days: int = 90,
    instrument_keys: list[str] | None = None,
) -> Unit:
    """A unit with its plan: when occasions fall due and which instruments it invites to."""
    keys = instrument_keys or DEFAULT_INSTRUMENTS.split(",")
    check_plan(UnitPlan(tuple(keys), midway_after_months, exit_after_months,
                        follow_up_after_days))
    unit = Unit(organisation_id=organisation.id, name=name, midway_after_months=midway_after_months,
                exit_after_months=exit_after_months, follow_up_after_days=follow_up_after_days,
                default_instruments=",".join(keys))
    session.add(unit)
    session.commit()
    return unit


def find_units(session: Session, *, organisation: Organisation, names: list[str]) -> list[Unit]:
    """The organisation's units with these names; LookupError naming any that do not exist."""
    units = session.exec(select(Unit).where(Unit.organisation_id == organisation.id,
                                            Unit.name.in_(names))).all()
    missing = set(names) - {unit.name for unit in units}
    if missing:
        raise LookupError(f"no unit named {', '.join(sorted(missing))} in {organisation.name}")
    return list(units)
