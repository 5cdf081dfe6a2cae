"""Database constraints hold on every backend: uniqueness, case-insensitive email, cascades."""
from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from app.models import (
    Answer,
    Assessment,
    Invitation,
    Occasion,
    OccasionKind,
    Participant,
    StaffUser,
    utcnow,
)
from app.services.staff import StaffAlreadyExists, create_staff

from . import factories


def _assessment(session, participant) -> Assessment:
    occasion = session.exec(select(Occasion).where(Occasion.participant_id == participant.id,
                                                   Occasion.kind == OccasionKind.INTAKE)).one()
    assessment = Assessment(occasion_id=occasion.id, participant_id=participant.id,
                            instrument_key="work_wheel", instrument_version=1, language="sv")
    session.add(assessment)
    session.commit()
    return assessment


def test_one_answer_per_item_of_an_assessment(session):
    assessment = _assessment(session, factories.make_participant(session))
    session.add(Answer(assessment_id=assessment.id, item_key="health", value=4))
    session.commit()
    session.add(Answer(assessment_id=assessment.id, item_key="health", value=6))
    with pytest.raises(IntegrityError):
        session.commit()


def test_participant_codes_are_unique(session):
    unit = factories.make_unit(session)
    factories.make_participant(session, unit=unit, code="P-AAAAAA")
    with pytest.raises(IntegrityError):
        factories.make_participant(session, unit=unit, code="P-AAAAAA")


def test_generated_codes_avoid_look_alikes(session):
    participant = factories.make_participant(session)
    assert participant.code.startswith("P-")
    assert not set(participant.code[2:]) & set("0O1IL5S2Z8B")


def test_enrolment_plans_the_four_occasions(session):
    participant = factories.make_participant(session, intake_date=date(2026, 1, 31))
    planned = {o.kind: o.planned_date for o in
               session.exec(select(Occasion).where(Occasion.participant_id == participant.id))}
    assert planned == {"intake": date(2026, 1, 31), "midway": date(2026, 6, 30),
                       "exit": date(2026, 11, 30), "follow_up": date(2027, 2, 28)}


def test_staff_email_is_unique_whatever_the_case(session):
    org = factories.make_organisation(session)
    create_staff(session, organisation_id=org.id, email="Coach@Example.org", password="x", role="coach")
    with pytest.raises(StaffAlreadyExists):
        create_staff(session, organisation_id=org.id, email="coach@EXAMPLE.org", password="y", role="coach")
    assert session.exec(select(StaffUser.email)).all() == ["coach@example.org"]


def test_database_refuses_mixed_case_email(session):
    org = factories.make_organisation(session)
    session.add(StaffUser(organisation_id=org.id, email="Mixed@Example.org", password_hash="h", role="coach"))
    with pytest.raises(IntegrityError):
        session.commit()


def test_deleting_a_participant_removes_occasions_assessments_answers_invitations(session):
    participant = factories.make_participant(session)
    assessment = _assessment(session, participant)
    session.add(Answer(assessment_id=assessment.id, item_key="health", value=4))
    session.add(Invitation(participant_id=participant.id, occasion_id=assessment.occasion_id,
                           instruments="work_wheel", expires_at=utcnow()))
    session.commit()
    session.delete(session.get(Participant, participant.id))
    session.commit()
    for model in (Occasion, Assessment, Answer, Invitation):
        assert session.exec(select(model)).all() == [], model.__name__


def test_a_unit_with_participants_cannot_be_deleted(session):
    unit = factories.make_unit(session)
    factories.make_participant(session, unit=unit)
    session.delete(unit)
    with pytest.raises(IntegrityError):
        session.commit()


def test_timestamps_come_back_timezone_aware(session):
    participant = factories.make_participant(session)
    session.expire_all()
    assert session.get(Participant, participant.id).created_at.tzinfo is not None
