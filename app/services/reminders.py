"""Reminders by each unit's rules (set by its unit admin), queued by `flask reminders queue`
from cron.

A rule fires at most once per invitation (`dedupe_key`, unique in the outbox), at most
`max_per_invitation` reminders go per invitation, never two within a day, and only in
sending hours (08–20 Swedish time). None goes once the invitation is closed, revoked,
expired or answered, or once the person left or said "no more messages". Running the
queue twice in a row queues nothing new.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from ..models import (
    Channel,
    Invitation,
    MessagePurpose,
    MessageStatus,
    Occasion,
    OutboxMessage,
    Participant,
    ReminderRule,
    ReminderRules,
    StaffUser,
    Unit,
    utcnow,
)
from . import administration, audit
from .errors import N_, DomainError
from .message_texts import Links
from .outbox import SWEDISH_TIME, CannotMessage, enqueue, has_left, in_sending_hours
from .transactions import savepoint

MAX_DAYS = 60
MAX_REMINDERS = 5
MIN_GAP = timedelta(hours=20)  # two rules due together go a day apart, not in one burst
RULE_ORDER = (ReminderRule.DUE_SOON, ReminderRule.NOT_OPENED, ReminderRule.NOT_FINISHED)


class InvalidReminderRules(DomainError, ValueError):
    message = N_("Days must be between 1 and %(days)d, reminders per invitation between 0 and %(most)d.")


def rules_of(session: Session, unit_id: int) -> ReminderRules:
    """The unit's rules; a unit that never set any has every rule off (not saved)."""
    return session.get(ReminderRules, unit_id) or ReminderRules(unit_id=unit_id)


def set_rules(session: Session, *, unit: Unit, not_opened_days: int | None,
              not_finished_days: int | None, due_soon_days: int | None,
              max_per_invitation: int, staff_id: int | None = None,
              ip: str | None = None) -> ReminderRules:
    """Save the unit's rules (None days: rule off), audited with before and after."""
    days = (not_opened_days, not_finished_days, due_soon_days)
    if any(d is not None and not 1 <= d <= MAX_DAYS for d in days) \
            or not 0 <= max_per_invitation <= MAX_REMINDERS:
        raise InvalidReminderRules(days=MAX_DAYS, most=MAX_REMINDERS)
    rules = rules_of(session, unit.id)
    before = _as_details(rules)
    rules.not_opened_days, rules.not_finished_days, rules.due_soon_days = days
    rules.max_per_invitation = max_per_invitation
    rules.updated_at, rules.updated_by_id = utcnow(), staff_id
    session.add(rules)
    audit.record(session, action="unit.reminder_rules_changed", staff_id=staff_id, ip=ip,
                 object_type="unit", object_id=unit.id,
                 details={"before": before, "after": _as_details(rules)})
    session.commit()
    return rules


def _as_details(rules: ReminderRules) -> dict:
    return {"not_opened_days": rules.not_opened_days, "not_finished_days": rules.not_finished_days,
            "due_soon_days": rules.due_soon_days, "max_per_invitation": rules.max_per_invitation}


# -- which reminders are due ----------------------------------------------------------------


def rule_due(rule: ReminderRule, days: int, invitation: Invitation, planned: date | None,
             now: datetime) -> bool:
    """Whether `rule` with `days` applies to the invitation at `now` (all times UTC; the
    occasion's planned date compared with today in Sweden)."""
    if rule is ReminderRule.NOT_OPENED:
        return invitation.first_opened_at is None and now >= _aware(invitation.created_at) + timedelta(days=days)
    if rule is ReminderRule.NOT_FINISHED:
        opened = invitation.first_opened_at
        return opened is not None and now >= _aware(opened) + timedelta(days=days)
    today = now.astimezone(SWEDISH_TIME).date()
    return planned is not None and today <= planned <= today + timedelta(days=days)


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive UTC; compare everything as aware UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass
class ReminderReport:
    """What one run queued, and what it passed by."""

    queued: int = 0
    no_contact: int = 0
    outside_hours: bool = False
    by_rule: dict[str, int] = field(default_factory=dict)


def _candidates(session: Session, now: datetime):
    """Open, unanswered invitations of people still reachable, in units with rules."""
    return session.exec(
        select(Invitation, Participant, Occasion, ReminderRules)
        .join(Participant, Participant.id == Invitation.participant_id)
        .join(Occasion, Occasion.id == Invitation.occasion_id)
        .join(ReminderRules, ReminderRules.unit_id == Participant.unit_id)
        .where(Invitation.revoked.is_(False), Invitation.closed_at.is_(None),
               Invitation.completed_at.is_(None), Invitation.expires_at > now,
               Participant.purged_at.is_(None), Participant.messages_opted_out_at.is_(None),
               ReminderRules.max_per_invitation > 0)
        .order_by(Invitation.id)).all()


def _history(session: Session, invitation_ids: list[int]) -> dict[int, list[OutboxMessage]]:
    history: dict[int, list[OutboxMessage]] = {}
    if invitation_ids:
        for message in session.exec(select(OutboxMessage).where(
                OutboxMessage.invitation_id.in_(invitation_ids)).order_by(OutboxMessage.id)):
            history.setdefault(message.invitation_id, []).append(message)
    return history


def _next_rule(rules: ReminderRules, invitation: Invitation, planned: date | None, sent: list[OutboxMessage],
               now: datetime) -> ReminderRule | None:
    """The first rule that is due and not used yet, if the invitation may get a reminder."""
    reminders = [m for m in sent if m.purpose == MessagePurpose.REMINDER
                 and m.status != MessageStatus.CANCELLED]
    if len(reminders) >= rules.max_per_invitation:
        return None
    if any(now - _aware(m.created_at) < MIN_GAP for m in reminders):
        return None
    used = {m.reminder_rule for m in sent if m.purpose == MessagePurpose.REMINDER}
    for rule in RULE_ORDER:
        days = rules.days_of(rule)
        if days and rule.value not in used and rule_due(rule, days, invitation, planned, now):
            return rule
    return None


def _channel(participant: Participant, sent: list[OutboxMessage]) -> str:
    """The channel the invitation last went by; else SMS where there is a mobile number."""
    if sent:
        return sent[-1].channel
    return Channel.SMS.value if participant.mobile else Channel.EMAIL.value


def queue_due(session: Session, *, links: Links, channels: frozenset[str],
              now: datetime | None = None) -> ReminderReport:
    """Queue every reminder that is due now (see the module docstring); one transaction."""
    now = now or utcnow()
    report = ReminderReport()
    if not in_sending_hours(now):
        report.outside_hours = True
        return report
    candidates = _candidates(session, now)
    history = _history(session, [invitation.id for invitation, *_ in candidates])
    for invitation, participant, occasion, rules in candidates:
        sent = history.get(invitation.id, [])
        if has_left(participant, occasion.kind, now):
            continue
        rule = _next_rule(rules, invitation, occasion.planned_date, sent, now)
        if rule is None:
            continue
        try:
            with savepoint(session):
                enqueue(session, participant=participant, invitation=invitation,
                        occasion_kind=occasion.kind, channel=_channel(participant, sent),
                        channels=channels, links=links, purpose=MessagePurpose.REMINDER,
                        rule=rule.value, now=now)
                session.flush()
        except CannotMessage:
            report.no_contact += 1
            continue
        except IntegrityError:
            continue  # another run queued this very reminder a moment ago
        report.queued += 1
        report.by_rule[rule.value] = report.by_rule.get(rule.value, 0) + 1
    if report.queued:
        audit.record(session, action="reminders.queued", details=dict(report.by_rule))
    session.commit()
    return report


def editable_units(session: Session, *, staff: StaffUser) -> list[Unit]:
    """The units whose rules `staff` may set: those of the organisations they administer
    (`services.administration`: a unit admin their own, an admin every one)."""
    organisation_ids = [o.id for o in administration.organisations(session, staff)]
    return list(session.exec(select(Unit).where(Unit.organisation_id.in_(organisation_ids))
                             .order_by(Unit.name)).all())
