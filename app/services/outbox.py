"""The transactional outbox: messages are written in the transaction of what caused them and
delivered afterwards, so none is lost (no message without its invitation, no invitation
whose message vanished in a crash) and none is sent twice.

Delivery, one pass (`deliver`), run by `flask outbox deliver` (cron) or in a loop by
`flask outbox worker`:

1. Claim a batch in a short transaction: queued rows whose time has come and that nobody
   holds, `SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL so parallel workers take disjoint
   rows, then an UPDATE that sets a lease (`claimed_until`), a claim token and counts the
   attempt. The UPDATE repeats the condition, so even without row locks (SQLite) a row is
   claimed by one worker only.
2. Send each, holding no lock; the transports time out well inside the lease.
3. Record the outcome only where the claim token still matches: sent (never taken again),
   failed for good, or back in the queue with exponential backoff.

A worker that dies after claiming leaves rows whose lease lapses; they are retried. The one
gap no outbox closes is a crash between the provider accepting a message and step 3 (a few
milliseconds): that message may go twice. The e-mail's Message-ID is stable per message, so
mail systems can tell the copies apart.
"""
from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, update
from sqlmodel import Session, select

from ..models import (
    Channel,
    Invitation,
    MessagePurpose,
    MessageStatus,
    OutboxMessage,
    Participant,
    utcnow,
)
from .errors import N_, DomainError
from .invitations import InvitationStatus, status
from .message_texts import Links, compose

MAX_ATTEMPTS = 6
FIRST_RETRY = timedelta(minutes=1)  # then 2, 4, 8, 16 minutes
LEASE = timedelta(minutes=5)  # far longer than a transport's timeout (30 s)
BATCH = 20
# Reminders go out only in the day, Swedish time: never a buzzing phone at night.
SWEDISH_TIME = ZoneInfo("Europe/Stockholm")
SENDING_HOURS = range(8, 20)  # 08:00 to 19:59


class CannotMessage(DomainError):
    """The message cannot be queued; the message says why."""

    message = N_("The message could not be queued.")


class NoContactDetail(CannotMessage):
    message = N_("%(code)s has no %(channel)s to send to.")


class OptedOut(CannotMessage):
    message = N_("%(code)s asked not to get messages.")


class ChannelNotSetUp(CannotMessage):
    message = N_("Sending by %(channel)s is not set up on this server.")


class DeliveryFailure(Exception):
    """A transport could not send; `permanent` ones are not retried (a refused number)."""

    permanent = False


class PermanentFailure(DeliveryFailure):
    permanent = True


@dataclass(frozen=True)
class Outgoing:
    """What a transport needs: no database row, so transports never touch the session."""

    id: int
    channel: str
    recipient: str
    subject: str
    body: str


class Transport(Protocol):
    def send(self, message: Outgoing) -> str | None:
        """Send; return the provider's reference, or raise DeliveryFailure."""


def in_sending_hours(now: datetime) -> bool:
    """Whether `now` is between 08 and 20 in Sweden (summer time included)."""
    return now.astimezone(SWEDISH_TIME).hour in SENDING_HOURS


def recipient_of(participant: Participant, channel: str) -> str | None:
    """The participant's address on `channel`, if they have one."""
    return participant.mobile if channel == Channel.SMS else participant.email


def check_reachable(participant: Participant, channel: str, channels: frozenset[str]) -> str:
    """The recipient address, or why a message on `channel` cannot be queued for them."""
    if channel not in channels:
        raise ChannelNotSetUp(channel=channel)
    if participant.messages_opted_out_at is not None:
        raise OptedOut(code=participant.code)
    recipient = recipient_of(participant, channel)
    if not recipient:
        raise NoContactDetail(code=participant.code, channel=channel)
    return recipient


def enqueue(session: Session, *, participant: Participant, invitation: Invitation,
            occasion_kind: str, channel: str, channels: frozenset[str], links: Links,
            purpose: str = MessagePurpose.INVITATION, rule: str | None = None,
            created_by_id: int | None = None, now: datetime | None = None) -> OutboxMessage:
    """Add a message for `invitation` to the session; the calling use case commits it with
    its own work (that is the point of an outbox). Raises CannotMessage."""
    recipient = check_reachable(participant, channel, channels)
    text = compose(invitation=invitation, participant_id=participant.id,
                   language=invitation.language or participant.preferred_language,
                   purpose=purpose, rule=rule, links=links)
    message = OutboxMessage(
        participant_id=participant.id, invitation_id=invitation.id, occasion_kind=occasion_kind,
        purpose=str(purpose), reminder_rule=rule, channel=channel, recipient=recipient,
        subject=text.subject, body=text.body, created_by_id=created_by_id,
        dedupe_key=f"reminder:{invitation.id}:{rule}" if rule else None)
    message.created_at = message.next_attempt_at = now or utcnow()
    session.add(message)
    return message


# -- delivery -------------------------------------------------------------------------------


@dataclass
class DeliveryReport:
    """What one pass did, in counts."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    cancelled: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def handled(self) -> int:
        return self.sent + self.retrying + self.failed + self.cancelled


def _claimable(now: datetime):
    condition = and_(OutboxMessage.status == MessageStatus.QUEUED.value,
                     OutboxMessage.next_attempt_at <= now,
                     or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now))
    if not in_sending_hours(now):
        condition = and_(condition, OutboxMessage.purpose != MessagePurpose.REMINDER.value)
    return condition


def claim(session: Session, *, now: datetime, limit: int = BATCH,
          lease: timedelta = LEASE) -> list[OutboxMessage]:
    """Take up to `limit` messages for this worker (see the module docstring); commits."""
    ids = session.exec(select(OutboxMessage.id).where(_claimable(now))
                       .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
                       .limit(limit).with_for_update(skip_locked=True)).all()
    if not ids:
        session.rollback()
        return []
    token = secrets.token_hex(16)
    session.exec(update(OutboxMessage).where(OutboxMessage.id.in_(ids), _claimable(now))
                 .values(claimed_until=now + lease, claim_token=token,
                         attempts=OutboxMessage.attempts + 1))
    session.commit()
    return list(session.exec(select(OutboxMessage).where(OutboxMessage.claim_token == token)
                             .order_by(OutboxMessage.id)
                             .execution_options(populate_existing=True)).all())


def _finish(session: Session, message: OutboxMessage, **values) -> bool:
    """Write the outcome if this worker's claim still holds; False when it lapsed."""
    done = session.exec(update(OutboxMessage).where(
        OutboxMessage.id == message.id, OutboxMessage.claim_token == message.claim_token)
        .values(claimed_until=None, claim_token=None, **values))
    session.commit()
    return done.rowcount == 1


def backoff(attempts: int) -> timedelta:
    """The wait before attempt `attempts + 1`: 1, 2, 4, 8, 16 minutes."""
    return FIRST_RETRY * 2 ** max(0, attempts - 1)


def _reason_not_to_send(session: Session, message: OutboxMessage, now: datetime) -> str | None:
    """Why a queued message must not go any more: opted out, left, or the invitation ended."""
    participant = session.get(Participant, message.participant_id)
    if participant is None or participant.purged_at is not None:
        return "participant removed"
    if participant.messages_opted_out_at is not None:
        return "opted out"
    invitation = session.get(Invitation, message.invitation_id) if message.invitation_id else None
    if invitation is None:
        return "invitation removed"
    state = status(invitation, now=now)
    if state in (InvitationStatus.CLOSED, InvitationStatus.REVOKED, InvitationStatus.EXPIRED):
        return f"invitation {state.value}"
    if message.purpose == MessagePurpose.REMINDER:
        if state is InvitationStatus.COMPLETED:
            return "already answered"
        if has_left(participant, message.occasion_kind, now):
            return "left the programme"
    return None


def has_left(participant: Participant, occasion_kind: str, now: datetime) -> bool:
    """Whether the person has left, for reminders: the follow-up occasion is the one that
    exists for those who left, so its reminders still go."""
    return (occasion_kind != "follow_up" and participant.exit_date is not None
            and participant.exit_date <= now.astimezone(SWEDISH_TIME).date())


def _send_one(session: Session, message: OutboxMessage, transport: Transport | None,
              now: datetime, report: DeliveryReport) -> None:
    reason = _reason_not_to_send(session, message, now)
    if reason is not None:
        _finish(session, message, status=MessageStatus.CANCELLED.value, last_error=reason)
        report.cancelled += 1
        return
    try:
        if transport is None:
            raise DeliveryFailure(f"no {message.channel} transport is set up")
        reference = transport.send(Outgoing(message.id, message.channel, message.recipient,
                                            message.subject, message.body))
    except DeliveryFailure as failure:
        _failed(session, message, str(failure)[:500], failure.permanent, now, report)
        return
    except Exception as surprise:  # a transport's bug must not stop the pass
        _failed(session, message, f"{type(surprise).__name__}: {surprise}"[:500], False, now,
                report)
        return
    _finish(session, message, status=MessageStatus.SENT.value, sent_at=now, last_error=None,
            provider_reference=(reference or None) and reference[:100])
    report.sent += 1


def _failed(session: Session, message: OutboxMessage, reason: str, permanent: bool,
            now: datetime, report: DeliveryReport) -> None:
    report.errors.append(f"message {message.id}: {reason}")
    if permanent or message.attempts >= MAX_ATTEMPTS:
        _finish(session, message, status=MessageStatus.FAILED.value, last_error=reason)
        report.failed += 1
    else:
        _finish(session, message, next_attempt_at=now + backoff(message.attempts),
                last_error=reason)
        report.retrying += 1


def deliver(session: Session, *, transports: Mapping[str, Transport],
            clock: Callable[[], datetime] = utcnow, limit: int = BATCH,
            lease: timedelta = LEASE, should_stop: Callable[[], bool] = lambda: False,
            ) -> DeliveryReport:
    """One pass: claim a batch and send it (see the module docstring). `should_stop` is
    asked between messages (a worker told to stop); what it did not send is released."""
    report = DeliveryReport()
    claimed = claim(session, now=clock(), limit=limit, lease=lease)
    for position, message in enumerate(claimed):
        if should_stop():
            release(session, claimed[position:])
            break
        _send_one(session, message, transports.get(message.channel), clock(), report)
    return report


def release(session: Session, messages: list[OutboxMessage]) -> None:
    """Give claimed, unsent messages back at once (the attempt is not counted)."""
    for message in messages:
        _finish(session, message, attempts=OutboxMessage.attempts - 1)


def messages_of(session: Session, *, participant_id: int) -> list[OutboxMessage]:
    """A participant's messages, newest first, as the coach's pages list them."""
    return list(session.exec(select(OutboxMessage).where(
        OutboxMessage.participant_id == participant_id)
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())).all())
