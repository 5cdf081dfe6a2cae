"""The domain's rules live in services: each is tested here without a request, through the
same functions the routes, the command line and cron call."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import event
from sqlmodel import select

from app.models import Assessment, AuditEvent, Invitation, Occasion, utcnow
from app.services import invitations
from app.services import participants as participant_service
from app.services import staff as staff_service
from app.services.invitations import CannotInvite, InvitationStatus, OccasionComplete
from app.services.transactions import savepoint

from . import factories


def _actions(session) -> list[str]:
    return list(session.exec(select(AuditEvent.action).order_by(AuditEvent.id)))


def _issue(session, participant, keys=("work_wheel",), **kwargs):
    return invitations.issue(session, participant=participant, occasion_kind="intake",
                             instrument_keys=list(keys), **{"environment": "development", **kwargs})


def _database_commits(session) -> list:
    """Real COMMITs sent to the database from now on (savepoints do not count)."""
    commits: list = []
    event.listen(session.get_bind(), "commit", commits.append)
    return commits


def _complete(session, invitation, key):
    """An assessment of `key` completed at the invitation's occasion (the state, not the flow)."""
    session.add(Assessment(occasion_id=invitation.occasion_id, participant_id=invitation.participant_id,
                           invitation_id=invitation.id, instrument_key=key, instrument_version=1,
                           language="sv", completed_at=utcnow()))
    session.commit()


def test_exit_before_intake_is_refused(session):
    participant = factories.make_participant(session, intake_date=date(2026, 3, 1))
    unit = session.get(factories.Unit, participant.unit_id)
    with pytest.raises(participant_service.ExitBeforeIntake):
        participant_service.record_exit(session, participant=participant, unit=unit,
                                        exit_date=date(2026, 2, 28), reason="work")
    session.refresh(participant)
    assert participant.exit_date is None
    same_day = participant_service.record_exit(session, participant=participant, unit=unit,
                                               exit_date=date(2026, 3, 1), reason="work")
    assert same_day.exit_date == date(2026, 3, 1)


def test_staff_register_only_into_their_own_units(session):
    mine, theirs = factories.make_unit(session), factories.make_unit(session)
    coach = factories.make_staff(session, role="coach", units=[mine])
    with pytest.raises(participant_service.NotYourUnit):
        participant_service.enrol(session, unit=theirs, intake_date=date(2026, 1, 5),
                                  registered_by=coach)
    registered = participant_service.enrol(session, unit=mine, intake_date=date(2026, 1, 5),
                                           registered_by=coach)
    assert registered.unit_id == mine.id


def test_no_invitation_for_questionnaires_already_answered_at_the_occasion(session):
    participant = factories.make_participant(session)
    first = _issue(session, participant, keys=("work_wheel", "cefr"))
    _complete(session, first, "work_wheel")
    assert _issue(session, participant, keys=("work_wheel", "cefr")).id  # CEFR still to answer
    _complete(session, first, "cefr")
    with pytest.raises(OccasionComplete) as refused:
        _issue(session, participant, keys=("work_wheel", "cefr"))
    assert refused.value.message == "Every chosen questionnaire is already answered at this occasion."
    midway = invitations.issue(session, participant=participant, occasion_kind="midway",
                               instrument_keys=["work_wheel"], environment="development")
    assert session.get(Occasion, midway.occasion_id).kind == "midway"


def test_reissue_keeps_the_old_invitation_when_the_new_one_cannot_be_issued(session):
    participant = factories.make_participant(session)
    old = _issue(session, participant, keys=("kasam13",))  # demo wording: fine in development
    before = _actions(session)
    with pytest.raises(CannotInvite):
        invitations.reissue(session, invitation=old, environment="production")  # no licence
    session.rollback()
    session.refresh(old)
    assert invitations.status(old) == InvitationStatus.NOT_OPENED and not old.revoked
    assert _actions(session) == before
    assert len(session.exec(select(Invitation)).all()) == 1


def test_reissue_is_one_transaction(session):
    participant = factories.make_participant(session)
    old = _issue(session, participant)
    commits = _database_commits(session)
    fresh = invitations.reissue(session, invitation=old, environment="development")
    assert len(commits) == 1
    assert old.revoked and fresh.short_code != old.short_code
    assert _actions(session)[-3:] == ["invitation.issued", "invitation.revoked",
                                      "invitation.reissued"]


def test_close_expired_commits_once_per_batch(session):
    participant = factories.make_participant(session)
    stale = [_issue(session, participant) for _ in range(5)]
    for invitation in stale:
        invitation.expires_at = utcnow() - timedelta(days=1)
        session.add(invitation)
    session.commit()
    fresh = _issue(session, participant)
    commits = _database_commits(session)
    assert invitations.close_expired(session, batch=2) == 5
    assert len(commits) == 3  # 2 + 2 + 1
    assert all(invitations.status(i) == InvitationStatus.CLOSED for i in stale)
    assert invitations.status(fresh) == InvitationStatus.NOT_OPENED
    assert _actions(session).count("invitation.closed") == 5


def test_sign_in_is_audited_inside_the_service(session):
    user = factories.make_staff(session, role="coach")
    failed = staff_service.sign_in_with_password(session, email=user.email.upper(),
                                                 password="wrong password", ip="192.0.2.1")
    assert failed.outcome is staff_service.SignInOutcome.FAILED and failed.user is None
    signed_in = staff_service.sign_in_with_password(session, email=user.email,
                                                    password=factories.PASSWORD, ip="192.0.2.1")
    assert signed_in.outcome is staff_service.SignInOutcome.SIGNED_IN
    assert signed_in.user.last_login_at is not None
    events = session.exec(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.action, e.actor_staff_id, e.ip) for e in events] == [
        ("login_failed", None, "192.0.2.1"), ("login", user.id, "192.0.2.1")]
    assert events[0].details == {"email": user.email}  # normalised; never the password tried
    staff_service.sign_out(session, user=user, ip="192.0.2.1")
    assert _actions(session)[-1] == "logout"


def test_an_inactive_user_cannot_sign_in(session):
    user = factories.make_staff(session, role="coach", active=False)
    result = staff_service.sign_in_with_password(session, email=user.email,
                                                 password=factories.PASSWORD)
    assert result.outcome is staff_service.SignInOutcome.FAILED


def test_a_savepoint_stays_inside_the_use_cases_transaction(session):
    """What a savepoint wrote is undone with the rest when the use case fails afterwards
    (on SQLite the driver would otherwise have committed it on release)."""
    unit = factories.make_unit(session)
    session.close()
    with savepoint(session):
        session.add(factories.Organisation(name="Written in a savepoint"))
    session.add(factories.Participant(code="P-SAVEPT", unit_id=unit.id, intake_date=date(2026, 1, 5)))
    session.flush()
    session.rollback()
    assert session.exec(select(factories.Organisation).where(
        factories.Organisation.name == "Written in a savepoint")).first() is None
    assert session.exec(select(factories.Participant)).first() is None
