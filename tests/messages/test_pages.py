"""The message features through their pages: contact details on the coach's forms, sending
from the invitation page, inviting many from the due list, the participant's opt-out page and
the unit admin's reminder rules."""
from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import select

from app.models import MessageStatus, OutboxMessage, Participant, ReminderRules
from app.services import outbox
from app.tokens import opt_out_token

from .. import factories
from .helpers import MORNING, Clock, Recorder, invite, reachable_person


def _coach(session, login_as):
    unit = factories.make_unit(session)
    return unit, login_as("coach", units=[unit])


def test_a_coach_registers_contact_details_normalised_and_is_told_what_is_wrong(
        client, session, login_as):
    unit, _coach_user = _coach(session, login_as)
    form = {"unit": unit.id, "intake_date": "2026-01-12", "gender": "woman",
            "preferred_language": "sv", "mobile": "08-123 456 78", "email": "anna@"}
    page = client.post("/coach/participants/new", data=form)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "an SMS needs a mobile number" in text
    assert session.exec(select(Participant)).all() == []
    page = client.post("/coach/participants/new", data={**form, "mobile": "070-174 06 05"})
    assert "Type an e-mail address" in page.get_data(as_text=True)
    saved = client.post("/coach/participants/new",
                        data={**form, "mobile": "070-174 06 05", "email": "Anna@Example.org"})
    assert saved.status_code == 302
    person = session.exec(select(Participant)).one()
    assert (person.mobile, person.email) == ("+46701740605", "Anna@example.org")
    shown = client.get(f"/coach/participants/{person.id}").get_data(as_text=True)
    assert "070-174 06 05" in shown and "Anna@example.org" in shown
    edit = client.get(f"/coach/participants/{person.id}/edit").get_data(as_text=True)
    assert 'value="070-174 06 05"' in edit
    client.post(f"/coach/participants/{person.id}/edit", data={
        "gender": "woman", "preferred_language": "sv", "mobile": "", "email": "anna@example.org"})
    session.refresh(person)
    assert person.mobile is None and person.email == "anna@example.org"


def test_contact_details_stay_out_of_another_units_reach(client, session, login_as):
    person = reachable_person(session)
    login_as("coach", units=[factories.make_unit(session)])
    assert client.get(f"/coach/participants/{person.id}").status_code == 404
    assert "070-174" not in client.get("/coach/").get_data(as_text=True)


def test_the_invitation_page_sends_by_sms_and_shows_where_the_message_stands(
        client, session, login_as):
    unit, _coach_user = _coach(session, login_as)
    person = reachable_person(session, unit)
    invitation = invite(session, person)
    page = client.get(f"/coach/invitations/{invitation.id}").get_data(as_text=True)
    assert "Send the link to the participant" in page and "070-174 06 05" in page
    sent = client.post(f"/coach/invitations/{invitation.id}/send", data={"channel": "sms"})
    assert sent.status_code == 302
    page = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "The link is on its way" in page and "Waiting to be sent" in page
    outbox.deliver(session, transports={"sms": Recorder(failures=1)}, clock=Clock(MORNING))
    page = client.get(f"/coach/invitations/{invitation.id}").get_data(as_text=True)
    assert "tried 1 times, trying again" in page and "gateway down" in page
    outbox.deliver(session, transports={"sms": Recorder()},
                   clock=Clock(MORNING + timedelta(minutes=5)))
    assert "Sent" in client.get(f"/coach/participants/{person.id}").get_data(as_text=True)
    no_mail = reachable_person(session, unit, email=None, mobile=None)
    other = invite(session, no_mail)
    refused = client.post(f"/coach/invitations/{other.id}/send", data={"channel": "email"},
                          follow_redirects=True).get_data(as_text=True)
    assert "has no email to send to" in refused


def test_bulk_from_the_due_list_queues_what_it_can_and_says_why_not_for_the_rest(
        client, session, login_as, app):
    unit, _coach_user = _coach(session, login_as)
    today = date.today()
    due = {"intake_date": today - timedelta(days=1)}
    ready = reachable_person(session, unit, **due)
    mail_only = reachable_person(session, unit, mobile=None, email="bo@example.org", **due)
    silent = reachable_person(session, unit, mobile=None, email=None, **due)
    opted = reachable_person(session, unit, **due)
    client.get(f"/stopp/{opt_out_token(opted.id, secret=app.secret_key)}")
    client.post(f"/stopp/{opt_out_token(opted.id, secret=app.secret_key)}")
    page = client.get("/coach/due").get_data(as_text=True)
    assert 'form="bulk-send"' in page and "Invite and send" in page
    response = client.post("/coach/due/send", data={
        "participant_ids": [ready.id, mail_only.id, silent.id, opted.id], "channel": "any"},
        follow_redirects=True)
    text = response.get_data(as_text=True)
    assert f"Invitations queued for sending (2): {ready.code}, {mail_only.code}" in text
    assert f"No mobile number or e-mail for that way of sending: {silent.code}" in text
    assert f"Asked not to get messages: {opted.code}" in text
    messages = session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [(m.participant_id, m.channel) for m in messages] == [
        (ready.id, "sms"), (mail_only.id, "email")]
    again = client.post("/coach/due/send", data={"participant_ids": [ready.id], "channel": "sms"},
                        follow_redirects=True).get_data(as_text=True)
    assert "Invitations queued for sending (1)" in again
    invitations = {m.invitation_id for m in session.exec(select(OutboxMessage).where(
        OutboxMessage.participant_id == ready.id)).all()}
    assert len(invitations) == 1  # the open invitation is sent again, not a second one made


def test_bulk_reports_those_already_answered(client, session, login_as):
    unit, _coach_user = _coach(session, login_as)
    from ..coach.filled import fill_in

    done = reachable_person(session, unit, intake_date=date.today() - timedelta(days=1))
    fill_in(session, done, "intake", keys=tuple(unit.default_instrument_keys))
    text = client.post("/coach/due/send", data={"participant_ids": [done.id], "channel": "sms"},
                       follow_redirects=True).get_data(as_text=True)
    assert "Invitations queued" not in text
    assert f"Nothing due now (already answered, or not yet time): {done.code}" in text


def test_the_opt_out_page_asks_then_stops_messages_without_signing_in(client, session, app):
    person = reachable_person(session, preferred_language="sv")
    link = f"/stopp/{opt_out_token(person.id, secret=app.secret_key)}"
    asked = client.get(link)
    assert asked.status_code == 200 and "Ja, stoppa meddelandena" in asked.get_data(as_text=True)
    session.refresh(person)
    assert person.messages_opted_out_at is None  # opening the link changes nothing
    done = client.post(link)
    assert "Vi skickar inga fler meddelanden till dig" in done.get_data(as_text=True)
    session.refresh(person)
    assert person.messages_opted_out_at is not None
    assert client.get("/stopp/not-a-token").status_code == 404


def test_a_unit_admin_sets_the_reminder_rules_of_their_organisations_units_only(client, session, login_as):
    unit = factories.make_unit(session)
    sibling = factories.make_unit(session, organisation_id=unit.organisation_id)
    elsewhere = factories.make_unit(session)  # another organisation
    login_as("unit_admin", units=[unit])
    listing = client.get("/admin/reminders").get_data(as_text=True)
    assert unit.name in listing and sibling.name in listing and elsewhere.name not in listing
    assert client.get(f"/admin/units/{elsewhere.id}/reminders").status_code == 404
    bad = client.post(f"/admin/units/{unit.id}/reminders",
                      data={"not_opened_days": "0", "max_per_invitation": "2"})
    assert bad.status_code == 200 and session.get(ReminderRules, unit.id) is None
    saved = client.post(f"/admin/units/{unit.id}/reminders", data={
        "not_opened_days": "3", "not_finished_days": "", "due_soon_days": "2",
        "max_per_invitation": "2"})
    assert saved.status_code == 302
    rules = session.get(ReminderRules, unit.id)
    assert (rules.not_opened_days, rules.not_finished_days, rules.due_soon_days,
            rules.max_per_invitation) == (3, None, 2, 2)
    assert MessageStatus.QUEUED == "queued"
