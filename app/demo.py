"""Demo data: an organisation, two units, four staff roles and 40 participants with answers.

Deterministic (seeded) and idempotent: everything is looked up by name before it is created,
so running `flask demo` twice adds nothing.
"""
from __future__ import annotations

import random
from datetime import date, timedelta

from sqlmodel import Session, select

from .models import ExitReason, Gender, Organisation, Participant, Role, StaffUnit, StaffUser, Unit
from .models.participants import CODE_ALPHABET, CODE_LENGTH
from .services import participants as participant_service
from .services.staff import create_staff, find_by_email

ORGANISATION = "Demokommunen"
UNITS = ("Vård och omsorg", "Språk och arbete")
DEMO_LOGINS = {
    "coach@example.org": Role.COACH,
    "unitadmin@example.org": Role.UNIT_ADMIN,
    "evaluator@example.org": Role.EVALUATOR,
    "admin@example.org": Role.ADMIN,
}
PARTICIPANTS = 40
LANGUAGES = ("sv", "ar", "ar", "fa_AF", "so", "ti", "uk", "en")
GENDERS = (Gender.WOMAN,) * 9 + (Gender.MAN,) * 8 + (Gender.OTHER, Gender.PREFERS_NOT_TO_SAY, Gender.NOT_RECORDED)
EXIT_REASONS = (ExitReason.WORK,) * 3 + (ExitReason.STUDIES,) * 2 + (
    ExitReason.OTHER_PROGRAMME, ExitReason.MOVED, ExitReason.ILL_HEALTH, ExitReason.UNKNOWN)


def _get_or_create(session: Session, model, defaults: dict | None = None, **keys):
    row = session.exec(select(model).filter_by(**keys)).first()
    if row is None:
        row = model(**keys, **(defaults or {}))
        session.add(row)
        session.flush()
    return row


def _staff(session: Session, org: Organisation, units: list[Unit], password: str) -> None:
    for email, role in DEMO_LOGINS.items():
        if find_by_email(session, email):
            continue
        unit_ids = [units[0].id] if role in (Role.COACH, Role.UNIT_ADMIN) else []
        create_staff(session, organisation_id=org.id, email=email, password=password, role=role,
                     unit_ids=unit_ids, display_name=email.split("@")[0].title())
    coach = find_by_email(session, "coach@example.org")
    for unit in units:  # the demo coach works in both units
        _get_or_create(session, StaffUnit, staff_user_id=coach.id, unit_id=unit.id)


def _demo_code(rng: random.Random) -> str:
    return "P-" + "".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _participants(session: Session, units: list[Unit], rng: random.Random, today: date) -> list[Participant]:
    created = []
    for index in range(PARTICIPANTS):
        code = _demo_code(rng)
        unit = units[index % len(units)]
        intake = today - timedelta(days=rng.randint(20, 640))
        gender = rng.choice(GENDERS)
        birth_year = today.year - rng.randint(17, 58)
        language = rng.choice(LANGUAGES)
        exit_day = intake + timedelta(days=rng.randint(250, 330))
        has_exited = exit_day < today - timedelta(days=5) and rng.random() < 0.85
        if session.exec(select(Participant).where(Participant.code == code)).first():
            continue
        participant = participant_service.enrol(
            session, unit=unit, intake_date=intake, gender=gender, birth_year=birth_year,
            preferred_language=language, code=code,
            display_name=f"Demo {index + 1}" if index % 3 == 0 else None,
        )
        if has_exited:
            participant_service.record_exit(session, participant=participant, unit=unit,
                                            exit_date=exit_day, reason=rng.choice(EXIT_REASONS))
        created.append(participant)
    return created


def load_demo(session: Session, *, password: str, today: date | None = None) -> str:
    """Load the demo data; returns a one-line summary of what was added."""
    today = today or date.today()
    rng = random.Random(2020)
    org = _get_or_create(session, Organisation, name=ORGANISATION)
    units = [_get_or_create(session, Unit, organisation_id=org.id, name=name) for name in UNITS]
    session.commit()
    _staff(session, org, units, password)
    created = _participants(session, units, rng, today)
    session.commit()
    return f"{len(created)} participants added to {ORGANISATION}"
