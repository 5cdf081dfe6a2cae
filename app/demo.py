"""Demo data: an organisation, two units, four staff roles and 40 participants with answers.

Deterministic (seeded) and idempotent: everything is looked up by name before it is created,
so running `flask demo` twice adds nothing.
"""
from __future__ import annotations

import random
from datetime import date, timedelta

from sqlmodel import Session, select

from . import instruments
from .instruments.scoring import validate
from .instruments.simulate import plausible_answers
from .models import (
    OCCASION_ORDER,
    Answer,
    Assessment,
    Consent,
    ExitReason,
    Gender,
    Occasion,
    Organisation,
    Participant,
    Role,
    StaffUnit,
    Unit,
    utcnow,
)
from .models.participants import CODE_ALPHABET, CODE_LENGTH
from .services import participants as participant_service
from .services import scores
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
# Share of due occasions that got answered: the second round is where programmes lose data.
RESPONSE_RATE = {"intake": 1.0, "midway": 0.7, "exit": 0.8, "follow_up": 0.5}
CONSENT_TEXT_VERSION = "health-consent-1"
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
        reason = rng.choice(EXIT_REASONS)  # drawn for everyone, so reruns draw the same codes
        if session.exec(select(Participant).where(Participant.code == code)).first():
            continue
        participant = participant_service.enrol(
            session, unit=unit, intake_date=intake, gender=gender, birth_year=birth_year,
            preferred_language=language, code=code,
            display_name=f"Demo {index + 1}" if index % 3 == 0 else None,
        )
        if has_exited:
            participant_service.record_exit(session, participant=participant, unit=unit,
                                            exit_date=exit_day, reason=reason)
        created.append(participant)
    return created


def _answered_occasions(session: Session, participant: Participant, rng: random.Random,
                        today: date) -> list[Occasion]:
    """The participant's past occasions that were answered, in programme order."""
    occasions = {o.kind: o for o in session.exec(
        select(Occasion).where(Occasion.participant_id == participant.id))}
    answered = []
    for kind in OCCASION_ORDER:
        occasion = occasions[kind]
        is_past = occasion.planned_date <= today and (kind in ("intake", "midway") or participant.exit_date)
        if is_past and rng.random() < RESPONSE_RATE[kind]:
            answered.append(occasion)
    return answered


def _fill_in(session: Session, participant: Participant, occasion: Occasion, index: int,
             baselines: dict, rng: random.Random) -> None:
    """Completed assessments of all instruments at one occasion, with consent for health."""
    answered_at = utcnow().replace(year=occasion.planned_date.year, month=occasion.planned_date.month,
                                   day=occasion.planned_date.day)
    consent = Consent(participant_id=participant.id, choice="store", text_version=CONSENT_TEXT_VERSION,
                      language=participant.preferred_language, given_at=answered_at)
    session.add(consent)
    session.flush()
    for instrument in instruments.all_instruments():
        raw = validate(instrument, plausible_answers(
            instrument, rng, baseline=baselines.get(instrument.key), occasion_index=index))
        baselines[instrument.key] = raw
        assessment = Assessment(
            occasion_id=occasion.id, participant_id=participant.id, instrument_key=instrument.key,
            instrument_version=instrument.version, language=participant.preferred_language,
            target_language="sv" if instrument.key == "cefr" else None,
            consent_id=consent.id if instrument.sensitive else None,
            started_at=answered_at, completed_at=answered_at)
        session.add(assessment)
        session.flush()
        for item_key, value in raw.items():
            is_text = isinstance(value, str)
            session.add(Answer(assessment_id=assessment.id, item_key=item_key, answered_at=answered_at,
                               value=None if is_text else value, text=value if is_text else None,
                               skipped=value is None))
        session.flush()
        scores.record(session, assessment)


def _answers(session: Session, participants: list[Participant], today: date) -> None:
    for participant in participants:
        rng = random.Random(participant.code)  # stable per person, whatever else changes
        baselines: dict = {}
        for index, occasion in enumerate(_answered_occasions(session, participant, rng, today)):
            _fill_in(session, participant, occasion, index, baselines, rng)
    session.commit()


def load_demo(session: Session, *, password: str, today: date | None = None) -> str:
    """Load the demo data; returns a one-line summary of what was added."""
    today = today or date.today()
    rng = random.Random(2020)
    org = _get_or_create(session, Organisation, name=ORGANISATION, defaults={
        "controller_name": "Demokommunens arbetsmarknadsnämnd",
        "controller_contact": "dataskydd@example.org"})
    units = [_get_or_create(session, Unit, organisation_id=org.id, name=name) for name in UNITS]
    session.commit()
    _staff(session, org, units, password)
    created = _participants(session, units, rng, today)
    _answers(session, created, today)
    return f"{len(created)} participants added to {ORGANISATION}"
