"""Invitation lifecycle through the coach's routes: issue, show with QR, revoke, re-issue, close."""
from sqlmodel import select

from app.models import Invitation
from app.services import invitations as invitation_service

from .. import factories


def _setup(session, login_as):
    unit = factories.make_unit(session)
    coach = login_as("coach", units=[unit])
    coach.preferred_language = "en"  # assertions read the English msgids
    session.add(coach)
    session.commit()
    return coach, factories.make_participant(session, unit=unit)


def test_issue_show_revoke_reissue_close(client, session, login_as):
    _coach, participant = _setup(session, login_as)
    form = client.get(f"/coach/participants/{participant.id}/invite").get_data(as_text=True)
    assert form.count("checked") == 4 + 1 + 1  # the unit's 4 instruments, the occasion, the mode

    response = client.post(f"/coach/participants/{participant.id}/invite",
                           data={"occasion": "intake", "instrument_keys": ["work_wheel", "cefr"],
                                 "mode": "own_device"})
    assert response.status_code == 302
    invitation = session.exec(select(Invitation).where(Invitation.participant_id == participant.id)).one()
    assert invitation.instrument_keys == ["work_wheel", "cefr"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert invitation.short_code[:4] in page and "<svg" in page and "/i/" in page
    assert "Not opened" in page
    assert client.get(f"/coach/invitations/{invitation.id}/print").status_code == 200

    client.post(f"/coach/invitations/{invitation.id}/revoke")
    session.refresh(invitation)
    assert invitation_service.status(invitation) == "revoked"
    assert "Revoked" in client.get(f"/coach/invitations/{invitation.id}").get_data(as_text=True)

    reissued = client.post(f"/coach/invitations/{invitation.id}/reissue")
    fresh = session.exec(select(Invitation).where(Invitation.id != invitation.id)).one()
    assert reissued.headers["Location"].endswith(f"/coach/invitations/{fresh.id}")
    assert fresh.short_code != invitation.short_code and fresh.instruments == invitation.instruments

    client.post(f"/coach/invitations/{fresh.id}/close")
    session.refresh(fresh)
    assert invitation_service.status(fresh) == "closed"


def test_fill_in_together_opens_the_participant_flow_in_this_browser(client, session, login_as):
    _coach, participant = _setup(session, login_as)
    response = client.post(f"/coach/participants/{participant.id}/invite",
                           data={"occasion": "intake", "instrument_keys": ["work_wheel"],
                                 "mode": "with_coach"})
    assert response.status_code == 302 and "/i/" in response.headers["Location"]
    invitation = session.exec(select(Invitation)).one()
    assert invitation.mode == "with_coach"


def test_one_click_invite_from_the_due_list_uses_the_unit_defaults(client, session, login_as):
    _coach, participant = _setup(session, login_as)
    due_page = client.get("/coach/due").get_data(as_text=True)
    assert participant.code in due_page  # intake today: due
    unit_defaults = ["work_wheel", "health_wheel", "cefr", "kasam13"]
    client.post(f"/coach/participants/{participant.id}/invite",
                data={"occasion": "intake", "instrument_keys": unit_defaults, "mode": "own_device"})
    assert session.exec(select(Invitation)).one().instrument_keys == unit_defaults


def test_unknown_instrument_is_refused_with_a_message(client, session, login_as):
    _coach, participant = _setup(session, login_as)
    bad = client.post(f"/coach/participants/{participant.id}/invite",
                      data={"occasion": "intake", "instrument_keys": ["no_such"], "mode": "own_device"},
                      )
    assert bad.status_code == 200 and "error-message" in bad.get_data(as_text=True)
    assert session.exec(select(Invitation)).first() is None


def test_the_printed_handout_is_in_the_participants_language_with_easy_swedish(client, session, login_as):
    unit = factories.make_unit(session)
    coach = login_as("coach", units=[unit])
    coach.preferred_language = "en"
    session.add(coach)
    session.commit()
    participant = factories.make_participant(session, unit=unit, preferred_language="ar")
    client.post(f"/coach/participants/{participant.id}/invite",
                data={"occasion": "intake", "instrument_keys": ["work_wheel"], "mode": "own_device"})
    invitation = session.exec(select(Invitation).where(Invitation.participant_id == participant.id)).one()
    page = client.get(f"/coach/invitations/{invitation.id}/print").get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in page  # the coach's page around the sheet
    assert '<div class="invitation-sheet" lang="ar" dir="rtl">' in page
    sheet = page.split('class="invitation-sheet"')[1]
    assert "Your questionnaires" not in sheet
    assert '<span class="sv" lang="sv" dir="ltr">Dina frågor i Stegvis</span>' in sheet
    assert f'{invitation.short_code[:4]} {invitation.short_code[4:]}' in sheet
    assert '<a class="back-link"' in page
