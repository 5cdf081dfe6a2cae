"""Double taps and parallel posts: however many copies of a request arrive at once, the
participant gets no error, the assessment completes once (one audit event, one stored score)
and a consent is stored once. Each copy runs in its own thread with its own Session or test
client, released together by a barrier; on every database backend the `app` fixture offers.
"""
from __future__ import annotations

import threading

from sqlmodel import Session, select

from app import instruments
from app.db import engine_of
from app.models import Assessment, AssessmentScore, AuditEvent, Consent, Invitation, utcnow
from app.services import assessments, scores

from .conftest import answer_items, follow

COPIES = 6


def at_once(work, copies: int = COPIES) -> list:
    """Run `work(index, ready)` in `copies` threads; each calls `ready()` when prepared, and
    all go on from there together. Returns the results; fails on any thread's exception."""
    barrier = threading.Barrier(copies, timeout=30)
    results, errors = [None] * copies, []

    def run(index: int) -> None:
        try:
            results[index] = work(index, barrier.wait)
        except BaseException as exc:
            barrier.abort()  # the others must not wait for a thread that is gone
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(copies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    assert not errors, f"{len(errors)} of {copies} failed: {errors!r}"
    return results


def _own_session(app) -> Session:
    return Session(engine_of(app), expire_on_commit=False)


def _all_but_last_answered(session, invitation) -> str:
    """Start the work wheel and answer every question but the last one asked; its key."""
    assessment = assessments.start(session, invitation=invitation, instrument_key="work_wheel",
                                   language="en")
    instrument = instruments.latest("work_wheel")
    answer_items(session, assessment, instrument.items[:-1])
    answers = assessments.answers_of(session, assessment)
    last = assessments.items_to_ask(instrument, answers)[-1]
    assert last.key == instrument.items[-1].key and last.key not in answers
    return last.key


def _audited(session, action: str) -> list[AuditEvent]:
    return session.exec(select(AuditEvent).where(AuditEvent.action == action)
                        .order_by(AuditEvent.id)).all()


def _the_assessment(session, invitation: Invitation) -> Assessment:
    return session.exec(select(Assessment).where(Assessment.invitation_id == invitation.id)).one()


def _assert_completed_once(session, invitation: Invitation, item_key: str, value: int) -> None:
    session.expire_all()
    assessment = _the_assessment(session, invitation)
    assert assessment.completed_at is not None
    completed = _audited(session, "assessment.completed")
    assert [event.object_id for event in completed] == [assessment.id]
    stored = session.exec(select(AssessmentScore)).all()
    assert [row.assessment_id for row in stored] == [assessment.id]
    assert stored[0].scores[item_key] == value
    assert session.get(Invitation, invitation.id).completed_at is not None


def test_the_last_answer_saved_at_once_completes_once(app, session, invite):
    invitation, _ = invite(["work_wheel"])
    last = _all_but_last_answered(session, invitation)

    def answer(_index, ready):
        with _own_session(app) as own:
            mine = own.get(Invitation, invitation.id)
            assessment = _the_assessment(own, mine)
            ready()
            return assessments.answer_question(own, invitation=mine, assessment=assessment,
                                               item_key=last, value=7, ip="192.0.2.1")

    saved = at_once(answer)
    assert sum(outcome.completed_now for outcome in saved) == 1
    _assert_completed_once(session, invitation, last, 7)


def test_scores_recorded_at_once_are_one_row(app, session, invite):
    """The stored-score upsert on its own (no lock before it): the first completion of an
    assessment, rescored by several requests at once, inserts one row and never collides."""
    invitation, _ = invite(["work_wheel"])
    last = _all_but_last_answered(session, invitation)
    assessment = _the_assessment(session, invitation)
    assessments.save_answer(session, assessment=assessment, item_key=last, value=7)
    assessment.completed_at = utcnow()  # completed, but not yet scored
    session.add(assessment)
    session.commit()

    def record(_index, ready):
        with _own_session(app) as own:
            mine = own.get(Assessment, assessment.id)
            ready()
            stored = scores.record(own, mine)
            own.commit()
            return stored.scores[last]

    assert at_once(record) == [7] * COPIES
    stored = session.exec(select(AssessmentScore)).all()
    assert [row.assessment_id for row in stored] == [assessment.id]


def _phones(app, link: str, copies: int = COPIES) -> list:
    """`copies` browsers, each with the invitation opened (as after tapping the link)."""
    phones = []
    for _ in range(copies):
        phone = app.test_client()
        phone.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        assert phone.get(link).status_code == 302
        phones.append(phone)
    return phones


def test_a_double_tap_on_the_last_question_is_never_an_error(app, session, invite, catalogs):
    invitation, link = invite(["work_wheel"])
    phones = _phones(app, link)
    phones[0].post("/answer/language", data={"language": "en"})
    last = _all_but_last_answered(session, invitation)

    def tap(index, ready):
        ready()
        return phones[index].post(f"/answer/work_wheel/{last}", data={"value": "7"})

    responses = at_once(tap)
    assert [r.status_code for r in responses] == [302] * COPIES
    assert {r.headers["Location"] for r in responses} == {"/answer/thanks"}
    _assert_completed_once(session, invitation, last, 7)
    assert follow(phones[0], phones[0].get("/answer/")).request.path == "/answer/thanks"


def test_the_last_answer_changed_after_completion_and_tapped_at_once_rescores(app, session, invite,
                                                                             catalogs):
    """Back to the last question of a completed instrument, a new answer, Next tapped twice:
    each request rescores the same stored row, and none completes it a second time."""
    invitation, link = invite(["work_wheel"])
    phones = _phones(app, link)
    phones[0].post("/answer/language", data={"language": "en"})
    last = _all_but_last_answered(session, invitation)
    assert phones[0].post(f"/answer/work_wheel/{last}", data={"value": "7"}).status_code == 302

    def change(index, ready):
        ready()
        return phones[index].post(f"/answer/work_wheel/{last}", data={"value": "3"})

    responses = at_once(change)
    assert {(r.status_code, r.headers["Location"]) for r in responses} == {(302, "/answer/thanks")}
    _assert_completed_once(session, invitation, last, 3)


def _assert_one_consent(session, invitation: Invitation, choice: str) -> Consent:
    session.expire_all()
    consent = session.exec(select(Consent).where(Consent.invitation_id == invitation.id)).one()
    assert (consent.instrument_key, consent.choice) == ("health_wheel", choice)
    assert _the_assessment(session, invitation).consent_id == consent.id
    return consent


def test_consent_given_five_times_at_once_is_stored_once(app, session, invite):
    invitation, _ = invite(["health_wheel"])

    def consent(_index, ready):
        with _own_session(app) as own:
            mine = own.get(Invitation, invitation.id)
            ready()
            return assessments.begin(own, invitation=mine, instrument_key="health_wheel",
                                     language="en", consent_choice="store")

    started = at_once(consent, copies=5)
    assert len({assessment.id for assessment in started}) == 1
    stored = _assert_one_consent(session, invitation, "store")
    recorded = _audited(session, "consent.recorded")
    assert len(recorded) == 5 and {event.object_id for event in recorded} == {stored.id}


def test_the_consent_screen_posted_five_times_at_once_stores_one_consent(app, session, invite,
                                                                         catalogs):
    invitation, link = invite(["health_wheel"])
    phones = _phones(app, link, copies=5)
    phones[0].post("/answer/language", data={"language": "en"})

    def post(index, ready):
        ready()
        return phones[index].post("/answer/health_wheel/start", data={"consent": "discussion_only"})

    responses = at_once(post, copies=5)
    assert {(r.status_code, r.headers["Location"]) for r in responses} == {
        (302, "/answer/health_wheel/sleep")}
    _assert_one_consent(session, invitation, "discussion_only")


def test_a_changed_consent_updates_the_one_row_and_every_choice_is_audited(app, session, invite):
    invitation, _ = invite(["health_wheel"])
    first = assessments.begin(session, invitation=invitation, instrument_key="health_wheel",
                              language="en", consent_choice="store")
    given = _assert_one_consent(session, invitation, "store")
    again = assessments.begin(session, invitation=invitation, instrument_key="health_wheel",
                              language="sv", consent_choice="discussion_only")
    changed = _assert_one_consent(session, invitation, "discussion_only")
    assert again.id == first.id and changed.id == given.id
    assert changed.language == "sv"
    assert session.get(Assessment, first.id).storage == "discussion_only"
    recorded = _audited(session, "consent.recorded")
    assert [event.details["choice"] for event in recorded] == ["store", "discussion_only"]
