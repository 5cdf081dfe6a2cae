"""Enrolling participants, planning their occasions, correcting background, recording exit."""
from __future__ import annotations

import calendar
from datetime import date, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from ..models import ExitReason, Gender, Occasion, OccasionKind, Participant, StaffUser, Unit
from ..models.participants import new_participant_code
from . import administration, audit
from .errors import N_, DomainError
from .staff import unit_ids_of
from .transactions import savepoint


class InvalidParticipantData(DomainError, ValueError):
    """A background variable outside its allowed values."""

    message = N_("That value is not one of the choices.")


class ExitBeforeIntake(DomainError):
    """An exit dated before the intake: it could never be paired with an intake answer."""

    message = N_("The exit date cannot be before the intake date.")


class NotYourUnit(DomainError):
    """Staff register participants only into units they work in."""

    message = N_("Choose one of your units.")


class UnitInactive(DomainError):
    """An inactive unit takes no new participants (its own people stay)."""

    message = N_("The unit %(name)s is inactive and takes no new participants.")


class UnknownCode(DomainError):
    """No participant the administrator reaches has that code."""

    message = N_("No participant in your organisation has that code.")


class OtherOrganisationsUnit(DomainError):
    """A participant moves only between units of their own organisation: another one would
    be another controller of their data."""

    message = N_("Choose a unit of the participant's own organisation.")


def add_months(day: date, months: int) -> date:
    """`day` plus whole months, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def planned_dates(unit: Unit, intake: date, exit_date: date | None) -> dict[str, date]:
    """When each occasion falls due under the unit's plan (MAP2020: midway after 5 months)."""
    exit_planned = exit_date or add_months(intake, unit.exit_after_months)
    return {
        OccasionKind.INTAKE: intake,
        OccasionKind.MIDWAY: add_months(intake, unit.midway_after_months),
        OccasionKind.EXIT: exit_planned,
        OccasionKind.FOLLOW_UP: exit_planned + timedelta(days=unit.follow_up_after_days),
    }


def _check_background(gender: str, exit_reason: str | None) -> None:
    if gender not in set(Gender):
        raise InvalidParticipantData(N_("Unknown gender category %(value)s."), value=gender)
    if exit_reason is not None and exit_reason not in set(ExitReason):
        raise InvalidParticipantData(N_("Unknown exit reason %(value)s."), value=exit_reason)


def enrol(
    session: Session,
    *,
    unit: Unit,
    intake_date: date,
    gender: str = Gender.NOT_RECORDED,
    birth_year: int | None = None,
    preferred_language: str = "sv",
    display_name: str | None = None,
    code: str | None = None,
    registered_by: StaffUser | None = None,
    ip: str | None = None,
) -> Participant:
    """Register a participant with a generated code and the unit's planned occasions.
    Staff (`registered_by`) may only register into their own units; None is the system
    (demo data, imports from the command line). The registration is audited (by whom, from
    `ip`), never with the code or name."""
    if registered_by is not None and unit.id not in unit_ids_of(session, registered_by):
        raise NotYourUnit()
    if not unit.active:
        raise UnitInactive(name=unit.name)
    _check_background(gender, None)
    for _attempt in range(5):
        participant = Participant(
            code=code or new_participant_code(),
            unit_id=unit.id,
            intake_date=intake_date,
            gender=str(gender),
            birth_year=birth_year,
            preferred_language=preferred_language,
            display_name=display_name or None,
        )
        try:
            with savepoint(session):
                session.add(participant)
                session.flush()
        except IntegrityError:
            if code:
                raise
            continue  # a code collision: draw another one
        for kind, planned in planned_dates(unit, intake_date, None).items():
            session.add(Occasion(participant_id=participant.id, kind=kind, planned_date=planned))
        audit.record(session, action="participant.registered", object_type="participant",
                     object_id=participant.id, ip=ip,
                     staff_id=registered_by.id if registered_by is not None else None)
        session.commit()
        return participant
    raise RuntimeError("could not draw a free participant code in five attempts")


def update_background(
    session: Session,
    *,
    participant: Participant,
    gender: str,
    birth_year: int | None,
    preferred_language: str,
    display_name: str | None,
    staff_id: int | None = None,
    ip: str | None = None,
) -> Participant:
    """Store corrected background variables (what evaluators break results down by). The
    audit event names the fields that changed, never their old or new values."""
    _check_background(gender, participant.exit_reason)
    wanted = {"gender": str(gender), "birth_year": birth_year,
              "preferred_language": preferred_language, "display_name": display_name or None}
    changed = sorted(name for name, value in wanted.items() if getattr(participant, name) != value)
    for name, value in wanted.items():
        setattr(participant, name, value)
    session.add(participant)
    audit.record(session, action="participant.updated", staff_id=staff_id, ip=ip,
                 object_type="participant", object_id=participant.id, details={"changed": changed})
    session.commit()
    return participant


def record_exit(
    session: Session, *, participant: Participant, unit: Unit, exit_date: date, reason: str,
    staff_id: int | None = None, ip: str | None = None,
) -> Participant:
    """Record exit (audited); the exit and follow-up occasions move to the real exit date. An
    exit before the intake is refused: it would pair an exit answer with a later intake."""
    if exit_date < participant.intake_date:
        raise ExitBeforeIntake()
    _check_background(participant.gender, reason)
    participant.exit_date, participant.exit_reason = exit_date, reason
    dates = planned_dates(unit, participant.intake_date, exit_date)
    occasions = session.exec(select(Occasion).where(Occasion.participant_id == participant.id))
    for occasion in occasions:
        if occasion.kind in (OccasionKind.EXIT, OccasionKind.FOLLOW_UP):
            occasion.planned_date = dates[occasion.kind]
            session.add(occasion)
    session.add(participant)
    audit.record(session, action="participant.exit_recorded", staff_id=staff_id, ip=ip,
                 object_type="participant", object_id=participant.id)
    session.commit()
    return participant


def move_to_unit(session: Session, *, actor: StaffUser, code: str, unit_id: int,
                 ip: str | None = None) -> Participant:
    """An administrator moves the participant with `code` to another active unit of the same
    organisation, both within their reach; audited with both units. The occasions keep their
    planned dates: they were agreed with the person, and a coach of the new unit can move them."""
    participant = administration.participant_by_code(session, actor, code)
    if participant is None:
        raise UnknownCode()
    current, unit = session.get(Unit, participant.unit_id), administration.unit(session, actor, unit_id)
    if unit is None or unit.organisation_id != current.organisation_id:
        raise OtherOrganisationsUnit()
    if not unit.active:
        raise UnitInactive(name=unit.name)
    if unit.id != current.id:
        participant.unit_id = unit.id
        session.add(participant)
        audit.record(session, action="participant.moved", staff_id=actor.id, ip=ip,
                     object_type="participant", object_id=participant.id,
                     details={"unit": {"before": current.id, "after": unit.id}})
        session.commit()
    return participant
