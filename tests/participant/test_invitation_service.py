"""The invitation service: issue, open, revoke, reissue, close, status."""
from datetime import timedelta

import pytest
from sqlmodel import select

from app.models import Answer, Assessment, AuditEvent, Consent, Invitation, utcnow
from app.services import assessments, invitations
from app.services.invitations import CannotInvite, InvitationStatus, InvitationUnavailable
from app.tokens import invitation_token
from tests.factories import make_participant


@pytest.fixture
def participant(session):
    return make_participant(session)


def issue(session, participant, keys=("work_wheel", "health_wheel"), **kwargs):
    return invitations.issue(session, participant=participant, occasion_kind="intake",
                             instrument_keys=list(keys), **kwargs)


def test_issue_validates_keys_and_records_audit(app, session, participant):
    invitation = issue(session, participant)
    assert invitation.instrument_keys == ["work_wheel", "health_wheel"]
    assert len(invitation.short_code) == 8
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "invitation.issued")).one()
    with pytest.raises(CannotInvite, match="Unknown questionnaire nonsense"):
        issue(session, participant, keys=["work_wheel", "nonsense"])
    with pytest.raises(CannotInvite, match="twice"):
        issue(session, participant, keys=["cefr", "cefr"])
    with pytest.raises(CannotInvite, match="Unknown occasion someday"):
        invitations.issue(session, participant=participant, occasion_kind="someday",
                          instrument_keys=["cefr"])


def test_kasam_without_licence_is_refused_in_production_only(app, session, participant):
    with pytest.raises(CannotInvite, match="licensed wording"):
        issue(session, participant, keys=["kasam13"], environment="production")
    assert issue(session, participant, keys=["kasam13"], environment="development").id


def test_open_by_token_and_short_code_stamp_first_opened(app, session, participant):
    invitation = issue(session, participant)
    with app.app_context():
        link = invitations.link_for(invitation, base_url="https://example.org/", secret=app.secret_key)
        token = link.rsplit("/", 1)[1]
        assert link == f"https://example.org/i/{token}"
        opened = invitations.open_by_token(session, token, secret=app.secret_key, max_age_seconds=3600)
    assert opened.id == invitation.id and opened.first_opened_at is not None
    assert invitations.status(opened) == InvitationStatus.IN_PROGRESS
    code = invitation.short_code.lower()
    assert invitations.open_by_short_code(session, f" {code[:4]}-{code[4:]} ").id == invitation.id


@pytest.mark.parametrize("reason", ["unknown", "tampered", "expired", "revoked", "closed"])
def test_unusable_tokens_say_why(app, session, participant, reason):
    invitation = issue(session, participant)
    with app.app_context():
        token = invitation_token(invitation.id, secret=app.secret_key)
        if reason == "unknown":
            token = invitation_token(invitation.id + 1000, secret=app.secret_key)
        elif reason == "tampered":
            token = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
        elif reason == "expired":
            invitation.expires_at = utcnow() - timedelta(minutes=1)
            session.add(invitation)
            session.commit()
        elif reason == "revoked":
            invitations.revoke(session, invitation=invitation)
        elif reason == "closed":
            invitations.close(session, invitation=invitation)
        with pytest.raises(InvitationUnavailable) as caught:
            invitations.open_by_token(session, token, secret=app.secret_key, max_age_seconds=3600)
    assert caught.value.reason == reason
    assert session.get(Invitation, invitation.id).first_opened_at is None


def test_unknown_short_code(app, session):
    for code in ("ACDEFGHJ", "0O1IL", ""):
        with pytest.raises(InvitationUnavailable) as caught:
            invitations.open_by_short_code(session, code)
        assert caught.value.reason == "unknown"


def test_reissue_revokes_old_and_keeps_occasion(app, session, participant):
    old = issue(session, participant, mode="with_coach")
    new = invitations.reissue(session, invitation=old)
    assert invitations.status(old) == InvitationStatus.REVOKED
    assert (new.occasion_id, new.instruments, new.mode) == (old.occasion_id, old.instruments, "with_coach")
    assert new.short_code != old.short_code and new.id != old.id


def _answered_health_wheel(session, invitation, choice):
    assessment = assessments.record_consent(session, invitation=invitation,
                                            instrument_key="health_wheel", choice=choice, language="sv")
    assessments.save_answer(session, assessment=assessment, item_key="sleep", value=7)
    return assessment


def test_close_deletes_discussion_only_answers_but_keeps_stored(app, session, participant):
    invitation = issue(session, participant, keys=["health_wheel"])
    discussed = _answered_health_wheel(session, invitation, "discussion_only")
    other = issue(session, make_participant(session), keys=["health_wheel"])
    stored = _answered_health_wheel(session, other, "store")
    invitations.close(session, invitation=invitation)
    invitations.close(session, invitation=other)
    assert session.get(Assessment, discussed.id) is None
    assert not session.exec(select(Answer).where(Answer.assessment_id == discussed.id)).all()
    assert session.get(Assessment, stored.id) is not None
    assert len(session.exec(select(Consent)).all()) == 2  # the choices themselves are kept
    assert invitations.status(invitation) == InvitationStatus.CLOSED


def test_close_expired_sweeps_only_expired(app, session, participant):
    fresh = issue(session, participant)
    stale = issue(session, participant)
    stale.expires_at = utcnow() - timedelta(days=1)
    session.add(stale)
    session.commit()
    assert invitations.close_expired(session) == 1
    assert invitations.status(stale) == InvitationStatus.CLOSED
    assert invitations.status(fresh) == InvitationStatus.NOT_OPENED
    assert invitations.close_expired(session) == 0
