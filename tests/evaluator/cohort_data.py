"""Participants with known answers, made through the enrolment service; assessments are added
as the participant flow would leave them (completed, stored or discussion-only)."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session, select

from app.models import Answer, Assessment, Occasion
from app.services import scores

from .. import factories


def occasion_of(session: Session, participant, kind: str) -> Occasion:
    return session.exec(select(Occasion).where(Occasion.participant_id == participant.id,
                                               Occasion.kind == kind)).one()


def add_assessment(session: Session, participant, kind: str, instrument_key: str, answers: dict,
                   *, on: date, storage: str = "stored", texts: dict | None = None,
                   completed: bool = True) -> Assessment:
    """A completed assessment with `answers` (item → value, None = skipped) on day `on`."""
    when = datetime(on.year, on.month, on.day, 10, 0, tzinfo=UTC)
    assessment = Assessment(
        occasion_id=occasion_of(session, participant, kind).id, participant_id=participant.id,
        instrument_key=instrument_key, instrument_version=1, language="sv", storage=storage,
        started_at=when, completed_at=when if completed else None)
    session.add(assessment)
    session.flush()
    for item, value in answers.items():
        session.add(Answer(assessment_id=assessment.id, item_key=item, value=value,
                           skipped=value is None))
    for item, text in (texts or {}).items():
        session.add(Answer(assessment_id=assessment.id, item_key=item, text=text))
    session.flush()
    scores.record(session, assessment)  # as services.assessments.complete does
    session.commit()
    return assessment


WHEEL_ITEMS = ("competence", "communication", "health", "network", "self_knowledge", "goals",
               "mobility")


def wheel(value: int, **overrides) -> dict:
    """Work wheel answers: every area `value`, some overridden."""
    return {**dict.fromkeys(WHEEL_ITEMS, value), **overrides}


def make_cohort(session: Session, unit, people: list[tuple[str, int, int]], *,
                intake: date = date(2025, 2, 3), days: int = 200, **participant) -> list:
    """One participant per (gender, health at intake, health at exit); other areas 5 → 6."""
    made = []
    for gender, before, after in people:
        person = factories.make_participant(session, unit=unit, gender=gender, intake_date=intake,
                                            **participant)
        add_assessment(session, person, "intake", "work_wheel", wheel(5, health=before), on=intake)
        add_assessment(session, person, "exit", "work_wheel", wheel(6, health=after),
                       on=intake + timedelta(days=days))
        made.append(person)
    return made
