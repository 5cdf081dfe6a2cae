"""Sending invitations by SMS or e-mail: one at a time, or many from the due list, and the
participant's "no more messages". Each use case writes its invitation (if new) and its
message in one transaction: the outbox (`services.outbox`) sends it afterwards.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from sqlalchemy import or_, update
from sqlmodel import Session, select

from ..models import (
    Channel,
    Invitation,
    MessageStatus,
    Occasion,
    OutboxMessage,
    Participant,
    utcnow,
)
from ..tokens import TokenInvalid, opt_out_participant_from
from . import audit, caseload
from .errors import N_, DomainError
from .invitations import (
    CannotInvite,
    InvitationStatus,
    OccasionComplete,
    add_invitation,
    status,
)
from .message_texts import Links
from .outbox import CannotMessage, NoContactDetail, OptedOut, check_reachable, enqueue

ANY_CHANNEL = "any"  # SMS where there is a mobile number, else e-mail


@dataclass(frozen=True)
class Sending:
    """What sending needs from the app's settings: where links point, which channels have a
    transport, how long new invitations last and whether demo wording may go out."""

    links: Links
    channels: frozenset[str]
    valid_days: int = 14
    environment: str = "production"


class InvitationNotSendable(DomainError):
    """The invitation can no longer be used, so sending its link would only disappoint."""

    message = N_("This invitation no longer works; make a new link first.")


class BadOptOutLink(DomainError):
    message = N_("This link does not work.")


def resolve_channel(participant: Participant, wanted: str) -> str:
    """`wanted`, or for ANY_CHANNEL the one the participant can be reached on."""
    if wanted != ANY_CHANNEL:
        return wanted
    return Channel.SMS.value if participant.mobile else Channel.EMAIL.value


def _queue(session: Session, *, participant: Participant, invitation: Invitation,
           occasion_kind: str, channel: str, sending: Sending, staff_id: int | None,
           ip: str | None) -> OutboxMessage:
    message = enqueue(session, participant=participant, invitation=invitation,
                      occasion_kind=occasion_kind, channel=channel, channels=sending.channels,
                      links=sending.links, created_by_id=staff_id)
    session.flush()
    audit.record(session, action="message.queued", staff_id=staff_id, ip=ip,
                 object_type="invitation", object_id=invitation.id,
                 details={"channel": channel, "purpose": message.purpose, "message": message.id})
    return message


def send_invitation(session: Session, *, invitation: Invitation, channel: str, sending: Sending,
                    staff_id: int | None = None, ip: str | None = None) -> OutboxMessage:
    """Queue the invitation's link for sending; raises CannotMessage, InvitationNotSendable."""
    if status(invitation) not in (InvitationStatus.NOT_OPENED, InvitationStatus.IN_PROGRESS):
        raise InvitationNotSendable()
    participant = session.get(Participant, invitation.participant_id)
    occasion_kind = _occasion_kind(session, invitation)
    message = _queue(session, participant=participant, invitation=invitation,
                     occasion_kind=occasion_kind, channel=resolve_channel(participant, channel),
                     sending=sending, staff_id=staff_id, ip=ip)
    session.commit()
    return message


def _occasion_kind(session: Session, invitation: Invitation) -> str:
    return session.get(Occasion, invitation.occasion_id).kind


def invite_and_send(session: Session, *, participant: Participant, occasion_kind: str,
                    instrument_keys: Sequence[str], channel: str, sending: Sending,
                    mode: str = "own_device", staff_id: int | None = None,
                    ip: str | None = None) -> tuple[Invitation, OutboxMessage]:
    """A new invitation and its message, in one transaction (`flask invite --send`);
    raises CannotInvite or CannotMessage, and then nothing is saved."""
    channel = resolve_channel(participant, channel)
    check_reachable(participant, channel, sending.channels)
    invitation = add_invitation(session, participant=participant, occasion_kind=occasion_kind,
                                instrument_keys=instrument_keys, created_by_id=staff_id,
                                mode=mode, valid_days=sending.valid_days,
                                environment=sending.environment)
    message = _queue(session, participant=participant, invitation=invitation,
                     occasion_kind=occasion_kind, channel=channel, sending=sending,
                     staff_id=staff_id, ip=ip)
    session.commit()
    return invitation, message


# -- many at once, from the due list --------------------------------------------------------


class Skipped(StrEnum):
    """Why a participant chosen for a bulk invitation got no message."""

    NO_CONTACT = "no_contact"
    OPTED_OUT = "opted_out"
    COMPLETE = "complete"
    NOTHING_DUE = "nothing_due"
    NOT_FOUND = "not_found"
    CANNOT_INVITE = "cannot_invite"


@dataclass
class BulkSummary:
    """Codes of the people whose invitation was queued, and of those skipped, by reason."""

    queued: list[str] = field(default_factory=list)
    skipped: dict[Skipped, list[str]] = field(default_factory=dict)

    def skip(self, reason: Skipped, who: str) -> None:
        self.skipped.setdefault(reason, []).append(who)

    def counts(self) -> dict[str, int]:
        return {"queued": len(self.queued), **{k.value: len(v) for k, v in self.skipped.items()}}


def _open_invitation(session: Session, participant_id: int, occasion_id: int) -> Invitation | None:
    """The newest invitation for the occasion that still works and is not finished."""
    candidates = session.exec(select(Invitation).where(
        Invitation.participant_id == participant_id, Invitation.occasion_id == occasion_id)
        .order_by(Invitation.created_at.desc())).all()
    return next((inv for inv in candidates if status(inv) in (
        InvitationStatus.NOT_OPENED, InvitationStatus.IN_PROGRESS)), None)


def _invite_one(session: Session, row: caseload.CaseloadRow, channel: str, sending: Sending,
                today: date, staff_id: int | None, ip: str | None, summary: BulkSummary) -> None:
    due = row.next_due
    if due is None or not row.is_due(today):  # answered since the list was shown, or not yet
        summary.skip(Skipped.NOTHING_DUE, row.code)
        return
    participant = session.get(Participant, row.participant_id)
    wanted = resolve_channel(participant, channel)
    try:
        check_reachable(participant, wanted, sending.channels)
        invitation = _open_invitation(session, participant.id, due.occasion_id) or add_invitation(
            session, participant=participant, occasion_kind=due.kind,
            instrument_keys=row.default_instruments, created_by_id=staff_id, mode="own_device",
            valid_days=sending.valid_days, environment=sending.environment)
        _queue(session, participant=participant, invitation=invitation, occasion_kind=due.kind,
               channel=wanted, sending=sending, staff_id=staff_id, ip=ip)
    except OptedOut:
        summary.skip(Skipped.OPTED_OUT, row.code)
    except NoContactDetail:
        summary.skip(Skipped.NO_CONTACT, row.code)
    except OccasionComplete:
        summary.skip(Skipped.COMPLETE, row.code)
    except (CannotInvite, CannotMessage):
        summary.skip(Skipped.CANNOT_INVITE, row.code)
    else:
        summary.queued.append(row.code)


def invite_due(session: Session, *, unit_ids: Sequence[int], participant_ids: Iterable[int],
               channel: str, sending: Sending, today: date, staff_id: int | None = None,
               ip: str | None = None) -> BulkSummary:
    """Invite each chosen participant to their next occasion if it is due (overdue or within
    the due list's window; the unit's default
    questionnaires; an open invitation for it is sent again rather than a new one made) and
    queue the message, all in one transaction; say who got one and who did not, and why.
    Ids outside `unit_ids` count as not found."""
    wanted = set(participant_ids)
    rows = {row.participant_id: row for row in caseload.caseload(session, unit_ids=unit_ids)
            if row.participant_id in wanted}
    summary = BulkSummary()
    for participant_id in sorted(wanted):
        row = rows.get(participant_id)
        if row is None:
            summary.skip(Skipped.NOT_FOUND, f"#{participant_id}")
            continue
        _invite_one(session, row, channel, sending, today, staff_id, ip, summary)
    audit.record(session, action="invitations.bulk_sent", staff_id=staff_id, ip=ip,
                 details={"channel": channel, **summary.counts()})
    session.commit()
    return summary


# -- the participant's "no more messages" ---------------------------------------------------


def opt_out_subject(session: Session, *, token: str, secret: str) -> Participant:
    """The person an opt-out link names (BadOptOutLink if forged or erased)."""
    try:
        participant = session.get(Participant, opt_out_participant_from(token, secret=secret))
    except TokenInvalid:
        raise BadOptOutLink() from None
    if participant is None or participant.purged_at is not None:
        raise BadOptOutLink()
    return participant


def opt_out(session: Session, *, token: str, secret: str, ip: str | None = None) -> Participant:
    """Record that the person wants no more messages and cancel those still waiting (one
    a worker is sending right now still goes). Saying it twice changes nothing more."""
    participant = opt_out_subject(session, token=token, secret=secret)
    if participant.messages_opted_out_at is None:
        now = utcnow()
        participant.messages_opted_out_at = now
        session.add(participant)
        session.exec(update(OutboxMessage).where(
            OutboxMessage.participant_id == participant.id,
            OutboxMessage.status == MessageStatus.QUEUED.value,
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now))
            .values(status=MessageStatus.CANCELLED.value, last_error="opted out"))
        audit.record(session, action="participant.messages_opted_out", ip=ip,
                     object_type="participant", object_id=participant.id)
        session.commit()
    return participant
