"""Stored scores: written on completion with the instrument's own scoring, never for
discussion-only assessments, gone with their assessment, and rebuilt from the answers."""
import pytest
from sqlmodel import select

from app import instruments
from app.instruments.scoring import score
from app.models import Assessment, AssessmentScore, Invitation
from app.services import assessments, invitations, scores
from tests.factories import make_participant


def _completed(session, keys, answers_by_key, *, storage="stored"):
    participant = make_participant(session)
    invitation = invitations.issue(session, participant=participant, occasion_kind="intake",
                                   instrument_keys=list(keys), environment="development")
    done = []
    for key in keys:
        if instruments.latest(key).sensitive:
            assessment = assessments.record_consent(
                session, invitation=invitation, instrument_key=key, language="sv",
                choice="store" if storage == "stored" else storage)
        else:
            assessment = assessments.start(session, invitation=invitation, instrument_key=key,
                                           language="sv", storage=storage)
        for item_key, value in answers_by_key[key].items():
            assessments.save_answer(session, assessment=assessment, item_key=item_key, value=value)
        done.append(assessments.complete(session, assessment=assessment, invitation=invitation))
    return done


def _wheel():
    instrument = instruments.latest("work_wheel")
    return {item.key: 3 + n % 5 for n, item in enumerate(instrument.scored_items)}


def test_completing_a_stored_assessment_stores_the_engines_scores(app, session):
    kasam = instruments.latest("kasam13")
    answers = {item.key: (n % 7) + 1 for n, item in enumerate(kasam.scored_items)}
    answers[kasam.scored_items[0].key] = None  # one skipped: mean substitution
    (assessment,) = _completed(session, ["kasam13"], {"kasam13": answers})
    stored = session.get(AssessmentScore, assessment.id)
    expected = score(kasam, answers)
    assert stored.occasion_kind == "intake" and stored.participant_id == assessment.participant_id
    assert stored.scores["total"] == pytest.approx(expected.total)
    for key, value in expected.subscales.items():
        assert stored.scores[key] == pytest.approx(value)
    assert stored.scores[kasam.scored_items[0].key] is None


def test_wheels_store_each_area_and_their_mean(app, session):
    answers = _wheel()
    (assessment,) = _completed(session, ["work_wheel"], {"work_wheel": answers})
    stored = session.get(AssessmentScore, assessment.id).scores
    assert {k: stored[k] for k in answers} == answers
    assert stored["mean"] == pytest.approx(sum(answers.values()) / len(answers))


def test_completing_again_after_a_changed_answer_rescores(app, session):
    answers = _wheel()
    (assessment,) = _completed(session, ["work_wheel"], {"work_wheel": answers})
    invitation = session.get(Invitation, assessment.invitation_id)
    first = next(iter(answers))
    assessments.save_answer(session, assessment=assessment, item_key=first, value=10)
    assessments.complete(session, assessment=assessment, invitation=invitation)
    session.expire_all()
    assert session.get(AssessmentScore, assessment.id).scores[first] == 10


def test_discussion_only_is_never_scored(app, session):
    (assessment,) = _completed(session, ["work_wheel"], {"work_wheel": _wheel()},
                               storage="discussion_only")
    assert assessment.completed_at is not None
    assert session.get(AssessmentScore, assessment.id) is None


def test_scores_go_with_their_assessment(app, session):
    (assessment,) = _completed(session, ["work_wheel"], {"work_wheel": _wheel()})
    session.delete(session.get(Assessment, assessment.id))
    session.commit()
    session.expire_all()
    assert session.exec(select(AssessmentScore)).all() == []


def test_rebuild_recomputes_every_stored_assessment(app, session):
    wheel, kept = _completed(session, ["work_wheel", "health_wheel"],
                             {"work_wheel": _wheel(), "health_wheel": {
                                 item.key: 6 for item in instruments.latest("health_wheel").scored_items}})
    discussed = _completed(session, ["work_wheel"], {"work_wheel": _wheel()}, storage="discussion_only")[0]
    row = session.get(AssessmentScore, wheel.id)
    before = dict(row.scores)
    row.scores = {"mean": -1}  # stale, e.g. written under an older definition
    session.delete(session.get(AssessmentScore, kept.id))
    session.commit()
    assert scores.rebuild(session, batch=1) == 2
    session.expire_all()
    assert session.get(AssessmentScore, wheel.id).scores == before
    assert session.get(AssessmentScore, kept.id).scores["mean"] == 6
    assert session.get(AssessmentScore, discussed.id) is None


def test_rebuild_command(app, session):
    _completed(session, ["work_wheel"], {"work_wheel": _wheel()})
    result = app.test_cli_runner().invoke(args=["scores", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "Stored the scores of 1 assessments." in result.output


def test_changing_an_answer_after_completion_rescores_at_once(app, session):
    (assessment,) = _completed(session, ["work_wheel"], {"work_wheel": _wheel()})
    assessments.save_answer(session, assessment=assessment, item_key="health", value=10)
    session.expire_all()
    assert session.get(AssessmentScore, assessment.id).scores["health"] == 10
