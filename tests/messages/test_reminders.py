"""Reminders by the unit's rules: each rule, the most per invitation, sending hours, and
never after the invitation ended, the person left or opted out. Idempotent."""
from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from sqlmodel import select

from app.models import MessagePurpose, MessageStatus, Occasion, OutboxMessage
from app.services import invitations, messaging, outbox, reminders
from app.services import participants as participant_service
from app.services.outbox import SWEDISH_TIME
from app.tokens import opt_out_token

from .. import factories
from .helpers import BOTH, Clock, Recorder, invite, reachable_person, sending_for


def _at(start: datetime, days: int, hour: int = 10) -> datetime:
    """The first `hour` o'clock (Swedish time) at least `days` days after `start`."""
    earliest = (start + timedelta(days=days)).astimezone(SWEDISH_TIME)
    moment = datetime.combine(earliest.date(), time(hour), tzinfo=SWEDISH_TIME)
    return moment if moment >= earliest else moment + timedelta(days=1)


def _rules(session, unit, **days):
    return reminders.set_rules(session, unit=unit, not_opened_days=days.get("not_opened"),
                               not_finished_days=days.get("not_finished"),
                               due_soon_days=days.get("due_soon"),
                               max_per_invitation=days.get("most", 2))


def _queue(app, session, now):
    return reminders.queue_due(session, links=sending_for(app).links, channels=BOTH, now=now)


def _reminders(session) -> list[OutboxMessage]:
    return list(session.exec(select(OutboxMessage).where(
        OutboxMessage.purpose == MessagePurpose.REMINDER).order_by(OutboxMessage.id)).all())


@pytest.fixture
def unit(session):
    return factories.make_unit(session)


def test_not_opened_after_n_days_reminds_once_and_a_second_run_queues_nothing(app, session, unit):
    _rules(session, unit, not_opened=3)
    invitation = invite(session, reachable_person(session, unit))
    assert _queue(app, session, _at(invitation.created_at, 2)).queued == 0
    assert _queue(app, session, _at(invitation.created_at, 3)).queued == 1
    assert _queue(app, session, _at(invitation.created_at, 3)).queued == 0
    assert _queue(app, session, _at(invitation.created_at, 6)).queued == 0  # the rule is used
    [reminder] = _reminders(session)
    assert (reminder.reminder_rule, reminder.channel, reminder.invitation_id) == (
        "not_opened", "sms", invitation.id)
    assert "Det här är en påminnelse" in reminder.body and "/i/" in reminder.body
    assert reminder.subject == "Påminnelse: frågor från din coach"


def test_started_but_not_finished_counts_from_the_first_opening(app, session, unit):
    _rules(session, unit, not_opened=1, not_finished=2)
    invitation = invite(session, reachable_person(session, unit))
    invitations.open_by_short_code(session, invitation.short_code)
    opened = invitation.first_opened_at
    assert _queue(app, session, _at(opened, 1)).queued == 0  # opened: not_opened never fires
    assert _queue(app, session, _at(opened, 2)).by_rule == {"not_finished": 1}


def test_occasion_due_in_n_days_reminds_ahead_of_the_planned_date(app, session, unit):
    _rules(session, unit, due_soon=3)
    person = reachable_person(session, unit)
    invitation = invite(session, person, "midway")
    start = invitation.created_at
    occasion = session.get(Occasion, invitation.occasion_id)
    occasion.planned_date = _at(start, 7).date()
    session.add(occasion)
    session.commit()
    assert _queue(app, session, _at(start, 3)).queued == 0  # 4 days ahead
    assert _queue(app, session, _at(start, 4)).by_rule == {"due_soon": 1}


def test_at_most_m_reminders_per_invitation_and_never_two_the_same_day(app, session, unit):
    _rules(session, unit, not_opened=1, due_soon=5, most=2)
    person = reachable_person(session, unit)
    invitation = invite(session, person)
    occasion = session.get(Occasion, invitation.occasion_id)
    occasion.planned_date = _at(invitation.created_at, 3).date()
    session.add(occasion)
    session.commit()
    start = invitation.created_at
    assert _queue(app, session, _at(start, 1)).by_rule == {"due_soon": 1}
    assert _queue(app, session, _at(start, 1, hour=18)).queued == 0  # the other waits a day
    assert _queue(app, session, _at(start, 2)).by_rule == {"not_opened": 1}
    assert len(_reminders(session)) == 2

    _rules(session, unit, not_opened=1, due_soon=5, most=1)
    other = invite(session, reachable_person(session, unit, mobile="+46 70 174 06 06"), "exit")
    for days in (1, 2, 3, 4):
        _queue(app, session, _at(other.created_at, days))
    assert len([m for m in _reminders(session) if m.invitation_id == other.id]) == 1


@pytest.mark.parametrize("hour", [7, 20, 23])
def test_nothing_is_queued_outside_08_to_20_swedish_time(app, session, unit, hour):
    _rules(session, unit, not_opened=1)
    invitation = invite(session, reachable_person(session, unit))
    report = _queue(app, session, _at(invitation.created_at, 2, hour=hour))
    assert report.outside_hours and report.queued == 0
    assert _queue(app, session, _at(invitation.created_at, 2, hour=8)).queued == 1


def test_a_queued_reminder_waits_for_the_morning_but_a_coachs_invitation_goes_at_once(app, session, unit):
    _rules(session, unit, not_opened=1)
    person = reachable_person(session, unit)
    invitation = invite(session, person)
    _queue(app, session, _at(invitation.created_at, 1, hour=19))
    messaging.send_invitation(session, invitation=invite(session, person, "midway"),
                              channel="sms", sending=sending_for(app))
    sms, night = Recorder(), Clock(_at(invitation.created_at, 1, hour=22))
    assert outbox.deliver(session, transports={"sms": sms}, clock=night).sent == 1
    assert [m.purpose for m in _reminders(session)] == ["reminder"]
    night.now = _at(invitation.created_at, 2, hour=8)
    assert outbox.deliver(session, transports={"sms": sms}, clock=night).sent == 1
    assert len(sms.sent) == 2


def test_no_reminder_after_the_invitation_closed_the_person_left_or_opted_out(app, session, unit):
    _rules(session, unit, not_opened=1)
    closed, left, opted = (reachable_person(session, unit) for _ in range(3))
    invitations.close(session, invitation=invite(session, closed))
    late = invite(session, left)
    participant_service.record_exit(session, participant=left, unit=unit,
                                    exit_date=late.created_at.date(), reason="work")
    invitation = invite(session, opted)
    messaging.opt_out(session, token=opt_out_token(opted.id, secret=app.secret_key),
                      secret=app.secret_key)
    assert _queue(app, session, _at(invitation.created_at, 2)).queued == 0
    assert _reminders(session) == []


def test_a_reminder_queued_before_the_person_left_is_cancelled_not_sent(app, session, unit):
    _rules(session, unit, not_opened=1)
    person = reachable_person(session, unit)
    invitation = invite(session, person)
    now = _at(invitation.created_at, 1)
    assert _queue(app, session, now).queued == 1
    participant_service.record_exit(session, participant=person, unit=unit,
                                    exit_date=now.date(), reason="work")
    sms = Recorder()
    assert outbox.deliver(session, transports={"sms": sms}, clock=Clock(now)).cancelled == 1
    assert not sms.sent and _reminders(session)[0].status == MessageStatus.CANCELLED


def test_a_reminder_goes_the_way_the_invitation_went(app, session, unit):
    _rules(session, unit, not_opened=1)
    person = reachable_person(session, unit)
    invitation = invite(session, person)
    messaging.send_invitation(session, invitation=invitation, channel="email",
                              sending=sending_for(app))
    _queue(app, session, _at(invitation.created_at, 1))
    assert [m.channel for m in _reminders(session)] == ["email"]


def test_rules_are_validated_and_their_change_audited_with_before_and_after(session, unit):
    with pytest.raises(reminders.InvalidReminderRules):
        _rules(session, unit, not_opened=0)
    with pytest.raises(reminders.InvalidReminderRules):
        _rules(session, unit, not_opened=3, most=9)
    _rules(session, unit, not_opened=3)
    _rules(session, unit, not_opened=4, due_soon=2, most=1)
    from app.models import AuditEvent

    event = session.exec(select(AuditEvent).where(
        AuditEvent.action == "unit.reminder_rules_changed").order_by(AuditEvent.id.desc())).first()
    assert event.details["before"]["not_opened_days"] == 3
    assert event.details["after"] == {"not_opened_days": 4, "not_finished_days": None,
                                      "due_soon_days": 2, "max_per_invitation": 1}
