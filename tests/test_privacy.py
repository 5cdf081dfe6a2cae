"""The privacy lifecycle: retention purge, erasure, access and consent withdrawal leave exactly
what they promise, checked by scanning every column of every table for the person's values."""
from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date, timedelta

import pytest
from sqlalchemy import select as sa_select
from sqlmodel import SQLModel, func, select

from app import instruments
from app.models import (
    Answer,
    Assessment,
    AssessmentScore,
    AuditEvent,
    Consent,
    Invitation,
    Occasion,
    Participant,
)
from app.services import assessments, audit, invitations, privacy
from app.services import participants as participant_service
from app.services.cohort import CohortFilter
from app.services.exports import start_export
from app.statistics.age import age_band

from . import factories
from .coach.filled import fill_in

FREE_TEXT = "Körkort hos Hemliga Bilskolan"
LEFT = date(2022, 6, 30)
TODAY = date(2026, 12, 1)


def _wheel(base: int) -> dict:
    wheel = instruments.latest("work_wheel")
    answers = {item.key: base + n % 3 for n, item in enumerate(wheel.scored_items)}
    return {**answers, "other_text": FREE_TEXT}


def _person(session, unit, index: int, *, left: date | None = LEFT) -> Participant:
    """Someone with a name, a birth year, free text, stored health answers, invitations and
    audit events carrying their IP address."""
    person = factories.make_participant(
        session, unit=unit, gender="woman" if index % 2 else "man", birth_year=1980 + index,
        display_name=f"Selma Hemligsson {index}", intake_date=date(2021, 9, 1),
        preferred_language="ar")
    for kind, base in (("intake", 3), ("exit", 6)):
        invitation = fill_in(session, person, kind, {"work_wheel": _wheel(base)},
                             keys=("work_wheel", "health_wheel"), seed=index)
        invitations.open_by_short_code(session, invitation.short_code, ip=_ip(index))
    audit.record_view(session, action="participant.results_viewed", staff_id=None,
                      object_type="participant", object_id=person.id, ip=_ip(index))
    if left:
        participant_service.record_exit(session, participant=person, unit=unit, exit_date=left,
                                        reason="work")
    return person


def _ip(index: int) -> str:
    return f"198.51.100.{index + 10}"


def _secrets_of(session, person: Participant, index: int) -> list[str]:
    short_codes = session.exec(select(Invitation.short_code).where(
        Invitation.participant_id == person.id)).all()
    return [person.code, person.display_name, _ip(index), FREE_TEXT, *short_codes]


def _every_value(session) -> str:
    """Every cell of every table as text, one line per row."""
    lines = []
    for table in SQLModel.metadata.sorted_tables:
        for row in session.connection().execute(sa_select(table)).all():
            lines.append(json.dumps([str(cell) for cell in row], ensure_ascii=False))
    return "\n".join(lines)


def _count(session, model, **where) -> int:
    statement = select(func.count()).select_from(model)
    for name, value in where.items():
        statement = statement.where(getattr(model, name) == value)
    return session.exec(statement).one()


@pytest.fixture
def cohort(session):
    """Six people who left in 2022 (past a 2-year retention by 2026) and one still in."""
    unit = factories.make_unit(session, name="Vård och omsorg")
    people = [_person(session, unit, index) for index in range(6)]
    staying = _person(session, unit, 6, left=None)
    return unit, people, staying


def _export_rows(session, organisation_id: int) -> list[dict]:
    export = start_export(session, CohortFilter(organisation_id=organisation_id),
                          evaluation="Uppföljning", layout="long", threshold=5)
    archive = zipfile.ZipFile(io.BytesIO(b"".join(export.chunks())))
    return list(csv.DictReader(io.StringIO(archive.read("stegvis-long.csv").decode("utf-8"))))


# -- retention purge ------------------------------------------------------------------------


def test_purge_leaves_no_trace_of_who_they_were_and_keeps_what_evaluators_count(session, cohort):
    unit, people, staying = cohort
    secrets = {i: _secrets_of(session, p, i) for i, p in enumerate(people)}
    bands = {p.id: age_band(p.birth_year, p.intake_date.year) for p in people}
    answers_before = _count(session, Answer)
    scores_before = _count(session, AssessmentScore)
    rows_before = _export_rows(session, unit.organisation_id)
    held = _every_value(session)
    assert all(value in held for values in secrets.values() for value in values)  # the scan sees them

    report = privacy.purge(session, today=TODAY)

    assert report.participants == 6 and report.by_organisation
    everything = _every_value(session)
    for index, values in secrets.items():
        for value in values:
            if value == FREE_TEXT:
                continue  # the one still in the programme keeps theirs
            assert value not in everything, (index, value)
    assert everything.count(FREE_TEXT) == 2  # only the staying person's two wheels
    for person in people:
        session.refresh(person)
        assert person.code.startswith(privacy.PURGED_CODE_PREFIX) and person.display_name is None
        assert age_band(person.birth_year, person.intake_date.year) == bands[person.id]
        assert person.purged_at is not None and person.exit_reason == "work"
        assert _count(session, Invitation, participant_id=person.id) == 0
    session.refresh(staying)
    assert staying.display_name == "Selma Hemligsson 6" and staying.purged_at is None
    assert _count(session, Invitation, participant_id=staying.id) == 2
    assert _count(session, Answer) == answers_before
    assert _count(session, AssessmentScore) == scores_before
    assert _count(session, Consent) == 14  # two health wheel consents each, kept
    rows_after = _export_rows(session, unit.organisation_id)
    assert len(rows_after) == len(rows_before) > 0
    audited = session.exec(select(AuditEvent).where(AuditEvent.action == "participant.purged")).all()
    assert len(audited) == 6 and all(set(e.details) == {"invitations", "audit_events"} for e in audited)


def test_purge_is_idempotent_and_a_dry_run_changes_nothing(session, cohort):
    before = _every_value(session)
    dry = privacy.purge(session, today=TODAY, dry_run=True)
    assert dry.dry_run and dry.participants == 6 and dry.free_texts == 12
    assert _every_value(session) == before
    assert any("Would purge 6" in line for line in dry.lines())
    privacy.purge(session, today=TODAY)
    after_first = _every_value(session)
    again = privacy.purge(session, today=TODAY)
    assert again.participants == 0 and again.free_texts == 0
    assert _every_value(session) == after_first


def test_purge_waits_for_the_organisations_retention_in_calendar_months(session):
    organisation = factories.make_organisation(session, retention_months=12)
    unit = factories.make_unit(session, organisation)
    a_year_ago = TODAY.replace(year=TODAY.year - 1)
    recent = _person(session, unit, 1, left=a_year_ago)
    older = _person(session, unit, 2, left=a_year_ago - timedelta(days=1))
    privacy.purge(session, today=TODAY)
    session.refresh(recent)
    session.refresh(older)
    assert recent.purged_at is None and older.purged_at is not None


def test_purge_forgets_old_audit_ips_and_closes_expired_invitations(session):
    unit = factories.make_unit(session)
    person = _person(session, unit, 3, left=None)
    now = privacy.utcnow()
    old = audit.record(session, action="login_failed", ip="192.0.2.1")
    old.at = now - timedelta(days=91)
    recent = audit.record(session, action="login_failed", ip="192.0.2.2")
    expired = invitations.issue(session, participant=person, occasion_kind="midway",
                                instrument_keys=["health_wheel"], environment="development")
    assessments.record_consent(session, invitation=expired, instrument_key="health_wheel",
                               choice="discussion_only", language="sv")
    expired.expires_at = now - timedelta(days=1)
    session.add(expired)
    session.commit()
    report = privacy.purge(session, now=now, audit_ip_days=90)
    session.refresh(old)
    session.refresh(recent)
    assert old.ip is None and recent.ip == "192.0.2.2"
    assert report.old_audit_ips >= 1 and report.expired_invitations == 1
    assert _count(session, Assessment, invitation_id=expired.id) == 0


def test_coarse_birth_year_keeps_the_band_and_drops_the_year():
    assert privacy.coarse_birth_year(1987, 2021) == 1991  # 34: band 30-44 starts at 30
    assert age_band(1991, 2021) == age_band(1987, 2021) == "30-44"
    assert privacy.coarse_birth_year(None, 2021) is None
    assert privacy.coarse_birth_year(2015, 2021) is None  # no band: nothing worth keeping


@pytest.mark.parametrize(("months", "said"), [(24, (2, "years")), (12, (1, "years")),
                                              (18, (18, "months")), (6, (6, "months"))])
def test_what_participants_are_told_is_the_setting_purge_applies(months, said):
    assert privacy.retention_period(months) == said


# -- erasure --------------------------------------------------------------------------------


def test_erasure_removes_the_person_and_unlinks_the_audit(session, cohort):
    unit, people, _ = cohort
    person = people[0]
    values = _secrets_of(session, person, 0)
    own = privacy.belongings_of(session, person.id)
    rows_before = _export_rows(session, unit.organisation_id)
    staff = factories.make_staff(session, role="coach", units=[unit])
    assert all(value in _every_value(session) for value in values)

    erasure = privacy.erase(session, participant=person, staff_id=staff.id, ip="203.0.113.9")

    everything = _every_value(session)
    for value in values:
        if value != FREE_TEXT:
            assert value not in everything, value
    for model in (Occasion, Invitation, Assessment, Consent, AssessmentScore):
        assert _count(session, model, participant_id=person.id) == 0, model
    assert _count(session, Participant, id=person.id) == 0
    assert session.exec(select(AuditEvent).where(own.audit_events())).all() == []
    erased = session.exec(select(AuditEvent).where(AuditEvent.action == "participant.erased")).one()
    assert erased.actor_staff_id == staff.id and erased.object_id is None
    assert erased.details["assessments"] == erasure.assessments == 4
    assert person.code not in json.dumps(erased.details)
    rows_after = _export_rows(session, unit.organisation_id)
    assert len(rows_after) < len(rows_before)


# -- access ---------------------------------------------------------------------------------


def test_access_gives_everything_with_question_texts_and_no_tokens(session, cohort):
    _, people, _ = cohort
    person = people[1]
    short_codes = session.exec(select(Invitation.short_code).where(
        Invitation.participant_id == person.id)).all()
    record = privacy.subject_access(session, participant=person, staff_id=None, via="test")
    assert record["participant"]["code"] == person.code
    assert record["participant"]["display_name"] == "Selma Hemligsson 1"
    wheel = next(a for o in record["occasions"] for a in o["assessments"]
                 if a["instrument"] == "work_wheel")
    health = instruments.latest("work_wheel").item("health")
    assert any(a["question"] == health.text.en and a["item"] == "health" for a in wheel["answers"])
    assert any(a["text"] == FREE_TEXT for a in wheel["answers"])
    assert {c["text_version"] for c in record["consents"]} == {assessments.CONSENT_TEXT_VERSION}
    assert len(record["invitations"]) == 2
    dumped = json.dumps(record, ensure_ascii=False)
    assert not any(code in dumped for code in short_codes)
    assert {"invitation.opened", "consent.recorded", "assessment.completed"} <= {
        e["action"] for e in record["audit_events"]}
    assert _count(session, AuditEvent, action="participant.access_exported") == 1


def test_access_speaks_the_persons_language(app, session, cohort):
    _, people, _ = cohort
    translations = privacy.catalog(app.config["BABEL_TRANSLATION_DIRECTORIES"], "ar")
    record = privacy.subject_access(session, participant=people[0], translations=translations)
    wheel = next(a for o in record["occasions"] for a in o["assessments"]
                 if a["instrument"] == "work_wheel")
    english = instruments.latest("work_wheel").item("health").text.en
    question = next(a["question"] for a in wheel["answers"] if a["item"] == "health")
    assert question and question != english  # the Arabic wording


# -- consent withdrawal ---------------------------------------------------------------------


def test_withdrawing_consent_after_finishing_deletes_answers_and_scores(session):
    person = factories.make_participant(session)
    invitation = fill_in(session, person, "intake", keys=("health_wheel",))
    assessment = session.exec(select(Assessment).where(Assessment.participant_id == person.id)).one()
    assert session.get(AssessmentScore, assessment.id) is not None
    assessments.begin(session, invitation=invitation, instrument_key="health_wheel", language="sv",
                      consent_choice="discussion_only", ip="192.0.2.5")
    assert session.get(AssessmentScore, assessment.id) is None
    assert _count(session, Answer, assessment_id=assessment.id) == 0
    consent = session.exec(select(Consent).where(Consent.participant_id == person.id)).one()
    assert consent.choice == "discussion_only"
    history = session.exec(select(AuditEvent.action).where(
        AuditEvent.actor_invitation_id == invitation.id).order_by(AuditEvent.id)).all()
    assert history.count("consent.recorded") == 2 and "consent.withdrawn" in history


def test_choosing_to_save_again_before_the_answers_are_gone_stores_the_scores(session):
    person = factories.make_participant(session)
    invitation = fill_in(session, person, "intake", keys=("health_wheel",),
                         consent="discussion_only")
    assessment = session.exec(select(Assessment).where(Assessment.participant_id == person.id)).one()
    assert session.get(AssessmentScore, assessment.id) is None
    assessments.begin(session, invitation=invitation, instrument_key="health_wheel", language="sv",
                      consent_choice="store")
    assert session.get(AssessmentScore, assessment.id) is not None
