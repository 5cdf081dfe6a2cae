"""The outbox: a message is written with what caused it, in the participant's language and
easy Swedish, sent once, retried with backoff when the transport fails, and never sent to
someone who opted out or for an invitation that ended."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import func, select

from app import instruments
from app.models import Invitation, MessageStatus, OutboxMessage
from app.services import invitations, messaging, outbox
from app.tokens import opt_out_token

from .. import factories
from .helpers import MORNING, Clock, Recorder, invite, reachable_person, sending_for


def _count(session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def test_an_invitation_and_its_message_are_saved_together_or_not_at_all(app, session):
    person = reachable_person(session, email=None)
    sending = sending_for(app)
    invitation, message = messaging.invite_and_send(
        session, participant=person, occasion_kind="intake", instrument_keys=["work_wheel"],
        channel="sms", sending=sending)
    assert message.invitation_id == invitation.id and message.recipient == "+46701740605"
    assert message.status == MessageStatus.QUEUED
    with pytest.raises(outbox.NoContactDetail):
        messaging.invite_and_send(session, participant=person, occasion_kind="midway",
                                  instrument_keys=["work_wheel"], channel="email", sending=sending)
    session.rollback()
    assert _count(session, Invitation) == 1 and _count(session, OutboxMessage) == 1


def test_the_text_has_link_code_and_opt_out_in_easy_swedish_and_names_no_questionnaire(app, session):
    person = reachable_person(session, preferred_language="sv")
    invitation = invite(session, person, keys=("work_wheel", "health_wheel", "kasam13"))
    message = messaging.send_invitation(session, invitation=invitation, channel="email",
                                        sending=sending_for(app))
    body = message.body
    assert "Nu är det dags att svara på några frågor" in body
    assert re.search(r"https://stegvis\.test/i/\S+", body)
    assert f"{invitation.short_code[:4]} {invitation.short_code[4:]}" in body
    assert "https://stegvis.test/kod" in body
    assert f"https://stegvis.test/stopp/{opt_out_token(person.id, secret=app.secret_key)}" in body
    assert message.subject == "Frågor från din coach"
    for key in ("work_wheel", "health_wheel", "kasam13", "cefr"):
        title = instruments.latest(key).title
        for words in (title.en, title.sv, key):
            assert words.lower() not in body.lower(), words
    assert person.code not in body


def test_a_message_to_an_arabic_speaker_is_in_arabic_then_in_easy_swedish(app, session):
    person = reachable_person(session, preferred_language="ar")
    message = messaging.send_invitation(session, invitation=invite(session, person),
                                        channel="sms", sending=sending_for(app))
    arabic, swedish = message.body.index("افتح"), message.body.index("Nu är det dags")
    assert arabic < swedish and "Länken och koden står ovanför." in message.body
    assert message.body.count("/i/") == 1 and message.body.count("/stopp/") == 1


def test_delivery_sends_each_message_once_and_records_it(app, session):
    person = reachable_person(session)
    messaging.send_invitation(session, invitation=invite(session, person), channel="sms",
                              sending=sending_for(app))
    sms = Recorder()
    first = outbox.deliver(session, transports={"sms": sms}, clock=Clock(MORNING))
    again = outbox.deliver(session, transports={"sms": sms}, clock=Clock(MORNING))
    assert (first.sent, again.handled) == (1, 0)
    assert [m.recipient for m in sms.sent] == ["+46701740605"]
    message = session.exec(select(OutboxMessage)).one()
    session.refresh(message)
    assert message.status == MessageStatus.SENT and message.provider_reference == f"ref-{message.id}"
    assert message.claim_token is None and message.attempts == 1


def test_a_failing_transport_is_retried_with_backoff_and_the_message_sent_once(app, session):
    person = reachable_person(session)
    messaging.send_invitation(session, invitation=invite(session, person), channel="email",
                              sending=sending_for(app))
    mail, clock = Recorder(failures=2), Clock(MORNING)
    assert outbox.deliver(session, transports={"email": mail}, clock=clock).retrying == 1
    message = session.exec(select(OutboxMessage)).one()
    assert message.last_error == "gateway down"
    assert message.next_attempt_at.replace(tzinfo=None) == (MORNING + timedelta(minutes=1)).replace(tzinfo=None)
    assert outbox.deliver(session, transports={"email": mail}, clock=clock).handled == 0  # not yet
    clock.now += timedelta(minutes=1)
    assert outbox.deliver(session, transports={"email": mail}, clock=clock).retrying == 1
    session.refresh(message)
    assert message.next_attempt_at.replace(tzinfo=None) == (clock.now + timedelta(minutes=2)).replace(tzinfo=None)
    clock.now += timedelta(minutes=2)
    assert outbox.deliver(session, transports={"email": mail}, clock=clock).sent == 1
    clock.now += timedelta(hours=1)
    assert outbox.deliver(session, transports={"email": mail}, clock=clock).handled == 0
    session.refresh(message)
    assert len(mail.sent) == 1 and message.status == MessageStatus.SENT and message.attempts == 3


def test_a_permanent_failure_or_the_last_attempt_fails_the_message_with_its_reason(app, session):
    person = reachable_person(session)
    sending = sending_for(app)
    messaging.send_invitation(session, invitation=invite(session, person), channel="sms", sending=sending)
    outbox.deliver(session, transports={"sms": Recorder(failures=1, permanent=True)}, clock=Clock(MORNING))
    refused = session.exec(select(OutboxMessage)).one()
    assert (refused.status, refused.last_error) == (MessageStatus.FAILED, "gateway down")

    messaging.send_invitation(session, invitation=invite(session, person, "midway"),
                              channel="email", sending=sending)
    clock, down = Clock(MORNING), Recorder(failures=100)
    for _ in range(outbox.MAX_ATTEMPTS):
        outbox.deliver(session, transports={"email": down}, clock=clock)
        clock.now += timedelta(hours=1)
    last = session.exec(select(OutboxMessage).where(OutboxMessage.channel == "email")).one()
    session.refresh(last)
    assert (last.status, last.attempts) == (MessageStatus.FAILED, outbox.MAX_ATTEMPTS)


def test_a_crashed_workers_claim_lapses_and_another_worker_sends_the_message(app, session):
    person = reachable_person(session)
    messaging.send_invitation(session, invitation=invite(session, person), channel="sms",
                              sending=sending_for(app))
    crashed = outbox.claim(session, now=MORNING)  # then the worker dies: nothing recorded
    assert len(crashed) == 1
    sms = Recorder()
    assert outbox.deliver(session, transports={"sms": sms}, clock=Clock(MORNING)).handled == 0
    later = Clock(MORNING + outbox.LEASE + timedelta(seconds=1))
    assert outbox.deliver(session, transports={"sms": sms}, clock=later).sent == 1
    message = session.exec(select(OutboxMessage)).one()
    session.refresh(message)
    assert message.attempts == 2 and len(sms.sent) == 1


def test_a_worker_told_to_stop_gives_back_what_it_did_not_send(app, session):
    person = reachable_person(session)
    sending = sending_for(app)
    for kind in ("intake", "midway", "exit"):
        messaging.send_invitation(session, invitation=invite(session, person, kind), channel="sms",
                                  sending=sending)
    sms = Recorder()
    report = outbox.deliver(session, transports={"sms": sms}, clock=Clock(MORNING),
                            should_stop=lambda: len(sms.sent) == 1)
    assert report.sent == 1
    waiting = session.exec(select(OutboxMessage).where(
        OutboxMessage.status == MessageStatus.QUEUED)).all()
    assert len(waiting) == 2 and all(m.claim_token is None and m.attempts == 0 for m in waiting)


def test_opting_out_cancels_what_waits_and_stops_every_later_message(app, session):
    person = reachable_person(session)
    sending = sending_for(app)
    messaging.send_invitation(session, invitation=invite(session, person), channel="sms", sending=sending)
    token = opt_out_token(person.id, secret=app.secret_key)
    messaging.opt_out(session, token=token, secret=app.secret_key, ip="192.0.2.9")
    messaging.opt_out(session, token=token, secret=app.secret_key)  # twice: nothing more
    message = session.exec(select(OutboxMessage)).one()
    session.refresh(message)
    assert (message.status, message.last_error) == (MessageStatus.CANCELLED, "opted out")
    assert outbox.deliver(session, transports={"sms": Recorder()}, clock=Clock(MORNING)).handled == 0
    with pytest.raises(outbox.OptedOut):
        messaging.send_invitation(session, invitation=invite(session, person, "midway"),
                                  channel="sms", sending=sending)
    with pytest.raises(messaging.BadOptOutLink):
        messaging.opt_out(session, token=token + "x", secret=app.secret_key)


def test_a_message_whose_invitation_ended_before_it_went_is_cancelled(app, session):
    person = reachable_person(session)
    invitation = invite(session, person)
    messaging.send_invitation(session, invitation=invitation, channel="sms", sending=sending_for(app))
    invitations.revoke(session, invitation=invitation)
    sms = Recorder()
    report = outbox.deliver(session, transports={"sms": sms}, clock=Clock(MORNING))
    assert report.cancelled == 1 and not sms.sent
    with pytest.raises(messaging.InvitationNotSendable):
        messaging.send_invitation(session, invitation=invitation, channel="sms",
                                  sending=sending_for(app))


def test_a_channel_without_a_transport_is_refused_when_queueing(app, session):
    person = reachable_person(session)
    only_mail = messaging.Sending(links=sending_for(app).links, channels=frozenset({"email"}))
    with pytest.raises(outbox.ChannelNotSetUp):
        messaging.send_invitation(session, invitation=invite(session, person), channel="sms",
                                  sending=only_mail)


def test_staff_of_another_unit_cannot_reach_a_person_through_bulk(app, session):
    person = reachable_person(session)
    other = factories.make_unit(session)
    summary = messaging.invite_due(session, unit_ids=[other.id], participant_ids=[person.id],
                                   channel="sms", sending=sending_for(app), today=MORNING.date())
    assert summary.queued == [] and summary.skipped == {messaging.Skipped.NOT_FOUND: [f"#{person.id}"]}
