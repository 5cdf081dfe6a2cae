"""Test data made through the services, so tests exercise the same paths as the app."""
from __future__ import annotations

import itertools
from datetime import date

from sqlmodel import Session

from app.models import Organisation, Participant, ProgrammeGoal, StaffUser, Unit
from app.services import participants as participant_service
from app.services.goals import GoalSpec, create_goal
from app.services.staff import create_staff

PASSWORD = "correct horse battery staple"
_sequence = itertools.count(1)


def make_organisation(session: Session, **overrides) -> Organisation:
    org = Organisation(**{"name": f"Organisation {next(_sequence)}", **overrides})
    session.add(org)
    session.commit()
    return org


def make_unit(session: Session, organisation: Organisation | None = None, **overrides) -> Unit:
    organisation = organisation or make_organisation(session)
    unit = Unit(**{"organisation_id": organisation.id, "name": f"Unit {next(_sequence)}", **overrides})
    session.add(unit)
    session.commit()
    return unit


def make_staff(session: Session, *, role: str = "coach", units: list[Unit] | None = None,
               **overrides) -> StaffUser:
    units = units if units is not None else [make_unit(session)]
    organisation_id = units[0].organisation_id if units else make_organisation(session).id
    active = overrides.pop("active", True)
    user = create_staff(
        session,
        organisation_id=overrides.pop("organisation_id", organisation_id),
        email=overrides.pop("email", f"staff{next(_sequence)}@example.org"),
        password=overrides.pop("password", PASSWORD),
        role=role,
        unit_ids=[unit.id for unit in units],
        preferred_language=overrides.pop("preferred_language", "en"),  # tests read English
        **overrides,
    )
    if not active:
        user.active = False
        session.add(user)
        session.commit()
    return user


def make_participant(session: Session, unit: Unit | None = None, **overrides) -> Participant:
    unit = unit or make_unit(session)
    return participant_service.enrol(
        session, unit=unit, intake_date=overrides.pop("intake_date", date(2026, 1, 12)), **overrides
    )


def make_goal(session: Session, *, organisation_id: int, **overrides) -> ProgrammeGoal:
    """A programme goal on the Work Wheel, set by an admin through the goals service."""
    admin = make_staff(session, role="admin", units=[], organisation_id=organisation_id)
    spec = {"organisation_id": organisation_id, "unit_id": None, "title": "Goal",
            "instrument_key": "work_wheel", "measure": "any_increase", "score_ref": None,
            "target_value": 50.0, "period_start": date(2025, 1, 1),
            "period_end": date(2026, 12, 31), **overrides}
    return create_goal(session, actor=admin, spec=GoalSpec(**spec))
