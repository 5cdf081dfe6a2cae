"""Invitations: issue, open, revoke, reissue and close the link a participant answers through.

A token says which invitation; this module and the database say whether it may be used
(expired, revoked, closed). Discussion-only health answers live only as long as the open
invitation: closing or revoking it deletes them (GDPR: "not stored beyond the open
invitation").
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from itsdangerous import SignatureExpired
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from .. import instruments
from ..models import (
    Answer,
    Assessment,
    AssessmentMode,
    Invitation,
    Occasion,
    OccasionKind,
    Participant,
    Storage,
    Unit,
    utcnow,
)
from ..models.invitations import SHORT_CODE_ALPHABET, SHORT_CODE_LENGTH, new_short_code
from ..tokens import TokenInvalid, invitation_id_from, invitation_token
from . import audit
from .errors import N_, DomainError
from .licences import may_send
from .transactions import savepoint


class InvitationStatus(StrEnum):
    """Where an invitation stands, as the coach's caseload shows it."""

    NOT_OPENED = "not_opened"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    EXPIRED = "expired"
    REVOKED = "revoked"
    CLOSED = "closed"


# Invitations closed per transaction by the daily sweep: a failure part-way keeps what the
# earlier batches closed, and no transaction holds thousands of rows.
CLOSE_BATCH = 200


class CannotInvite(DomainError, ValueError):
    """The invitation cannot be issued as asked; the message says why (for staff)."""

    message = N_("The invitation could not be made.")


class OccasionComplete(CannotInvite):
    """Every questionnaire asked for is already answered at that occasion."""

    message = N_("Every chosen questionnaire is already answered at this occasion.")


class InvitationUnavailable(Exception):
    """A link or code that cannot be used. `reason` is one of unknown, tampered, expired,
    revoked, closed; participants only ever see a friendly page, never the reason's details."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _as_aware(moment: datetime) -> datetime:
    """SQLite hands back naive UTC; compare everything as aware UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _occasion(session: Session, participant: Participant, kind: str) -> Occasion:
    if kind not in set(OccasionKind):
        raise CannotInvite(N_("Unknown occasion %(occasion)s."), occasion=kind)
    occasion = session.exec(
        select(Occasion).where(Occasion.participant_id == participant.id, Occasion.kind == kind)
    ).first()
    if occasion is None:
        raise CannotInvite(N_("%(code)s has no occasion %(occasion)s."), code=participant.code,
                           occasion=kind)
    return occasion


def check_instruments(session: Session, instrument_keys: Sequence[str], *,
                      environment: str = "production") -> list[str]:
    """The keys, checked: known, not repeated, and allowed to go out (licences). The
    environment decides whether demo wording may go out; unknown means production (strict)."""
    keys = [key.strip() for key in instrument_keys if key and key.strip()]
    if not keys:
        raise CannotInvite(N_("Choose at least one questionnaire."))
    if len(set(keys)) != len(keys):
        raise CannotInvite(N_("A questionnaire is chosen twice."))
    for key in keys:
        try:
            instrument = instruments.latest(key)
        except instruments.UnknownInstrument:
            raise CannotInvite(N_("Unknown questionnaire %(key)s."), key=key) from None
        allowed = may_send(session, instrument, environment=environment)
        if not allowed.allowed:
            raise CannotInvite(N_("%(title)s needs licensed wording before it can be sent. "
                                  "An administrator loads it."), title=instrument.title.en)
    return keys


def _check_not_complete(session: Session, occasion: Occasion, keys: Sequence[str]) -> None:
    """Refuse an invitation whose questionnaires are all answered at the occasion already
    (the coach would send a link that only says thank you)."""
    completed = set(session.exec(select(Assessment.instrument_key).where(
        Assessment.occasion_id == occasion.id, Assessment.completed_at.is_not(None))))
    if set(keys) <= completed:
        raise OccasionComplete()


def issue(
    session: Session,
    *,
    participant: Participant,
    occasion_kind: str,
    instrument_keys: Sequence[str],
    created_by_id: int | None = None,
    mode: str = AssessmentMode.OWN_DEVICE,
    valid_days: int = 14,
    environment: str = "production",
) -> Invitation:
    """A new invitation for one occasion of one participant; raises CannotInvite."""
    invitation = add_invitation(session, participant=participant, occasion_kind=occasion_kind,
                                instrument_keys=instrument_keys, created_by_id=created_by_id,
                                mode=mode, valid_days=valid_days, environment=environment)
    session.commit()
    return invitation


def add_invitation(session: Session, *, participant: Participant, occasion_kind: str,
                   instrument_keys: Sequence[str], created_by_id: int | None, mode: str,
                   valid_days: int, environment: str) -> Invitation:
    """Check, add and audit a new invitation, its questionnaires in the unit's order (the
    participant meets them so, whoever ticked them); the calling use case commits (with the
    message that sends it, when there is one: `services.messaging`)."""
    if mode not in set(AssessmentMode):
        raise CannotInvite(N_("Unknown way of answering %(mode)s."), mode=mode)
    if not 1 <= valid_days <= 90:
        raise CannotInvite(N_("An invitation is valid for 1 to 90 days."))
    occasion = _occasion(session, participant, occasion_kind)
    keys = check_instruments(session, instrument_keys, environment=environment)
    keys = session.get(Unit, participant.unit_id).in_plan_order(keys)
    _check_not_complete(session, occasion, keys)
    for _attempt in range(5):
        invitation = Invitation(
            participant_id=participant.id,
            occasion_id=occasion.id,
            instruments=",".join(keys),
            short_code=new_short_code(),
            mode=str(mode),
            created_by_id=created_by_id,
            expires_at=utcnow() + timedelta(days=valid_days),
        )
        try:
            with savepoint(session):
                session.add(invitation)
                session.flush()
        except IntegrityError:
            continue  # short code collision: draw another
        audit.record(session, action="invitation.issued", staff_id=created_by_id,
                     object_type="invitation", object_id=invitation.id,
                     details={"occasion": occasion.kind, "instruments": keys, "mode": str(mode)})
        return invitation
    raise RuntimeError("could not draw a free short code in five attempts")


def link_for(invitation: Invitation, *, base_url: str, secret: str) -> str:
    """The participant's link: `<base_url>/i/<token signed with secret>`."""
    return f"{base_url.rstrip('/')}/i/{invitation_token(invitation.id, secret=secret)}"


def status(invitation: Invitation, *, now: datetime | None = None) -> InvitationStatus:
    """The invitation's state; closed and revoked win over completed, completed over expired."""
    now = now or utcnow()
    if invitation.closed_at is not None:
        return InvitationStatus.CLOSED
    if invitation.revoked:
        return InvitationStatus.REVOKED
    if invitation.completed_at is not None:
        return InvitationStatus.COMPLETED
    if _as_aware(invitation.expires_at) <= now:
        return InvitationStatus.EXPIRED
    if invitation.first_opened_at is None:
        return InvitationStatus.NOT_OPENED
    return InvitationStatus.IN_PROGRESS


def check_usable(invitation: Invitation | None, *, now: datetime | None = None) -> Invitation:
    """The invitation if a participant may still use it; else InvitationUnavailable.

    A completed invitation stays usable until it expires, so the participant can see their
    results and the coach can show discussion-only answers in the meeting.
    """
    if invitation is None:
        raise InvitationUnavailable("unknown")
    if invitation.revoked:
        raise InvitationUnavailable("revoked")
    if invitation.closed_at is not None:
        raise InvitationUnavailable("closed")
    if _as_aware(invitation.expires_at) <= (now or utcnow()):
        raise InvitationUnavailable("expired")
    return invitation


def _opened(session: Session, invitation: Invitation | None, *, via: str, ip: str | None) -> Invitation:
    invitation = check_usable(invitation)
    if invitation.first_opened_at is None:
        invitation.first_opened_at = utcnow()
        session.add(invitation)
    audit.record(session, action="invitation.opened", invitation_id=invitation.id, ip=ip,
                 object_type="invitation", object_id=invitation.id, details={"via": via})
    session.commit()
    return invitation


def open_by_token(session: Session, token: str, *, secret: str, max_age_seconds: int,
                  ip: str | None = None) -> Invitation:
    """The invitation a link names, stamped as opened; raises InvitationUnavailable."""
    try:
        invitation_id = invitation_id_from(token, secret=secret, max_age_seconds=max_age_seconds)
    except TokenInvalid as exc:
        raise InvitationUnavailable(
            "expired" if isinstance(exc.__cause__, SignatureExpired) else "tampered") from None
    return _opened(session, session.get(Invitation, invitation_id), via="link", ip=ip)


def normalise_short_code(code: str) -> str:
    """What people type, made comparable: case, spaces and dashes do not matter."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def open_by_short_code(session: Session, code: str, *, ip: str | None = None) -> Invitation:
    """The invitation a typed short code names, stamped as opened; raises InvitationUnavailable."""
    code = normalise_short_code(code)
    if len(code) != SHORT_CODE_LENGTH or set(code) - set(SHORT_CODE_ALPHABET):
        raise InvitationUnavailable("unknown")
    invitation = session.exec(select(Invitation).where(Invitation.short_code == code)).first()
    return _opened(session, invitation, via="short_code", ip=ip)


def _delete_discussion_only(session: Session, invitation: Invitation) -> int:
    """Delete the invitation's discussion-only assessments and their answers; return how many."""
    ids = list(session.exec(select(Assessment.id).where(
        Assessment.invitation_id == invitation.id,
        Assessment.storage == Storage.DISCUSSION_ONLY.value,
    )))
    if ids:
        session.exec(delete(Answer).where(Answer.assessment_id.in_(ids)))
        session.exec(delete(Assessment).where(Assessment.id.in_(ids)))
    return len(ids)


def _end(session: Session, invitation: Invitation, *, action: str, staff_id: int | None) -> None:
    """What revoking and closing share: answers not to be kept go, and it is audited. The
    calling use case commits."""
    deleted = _delete_discussion_only(session, invitation)
    session.add(invitation)
    audit.record(session, action=action, staff_id=staff_id, object_type="invitation",
                 object_id=invitation.id, details={"discussion_only_deleted": deleted})


def _revoke(session: Session, invitation: Invitation, staff_id: int | None) -> None:
    if not invitation.revoked:
        invitation.revoked, invitation.revoked_at = True, utcnow()
        _end(session, invitation, action="invitation.revoked", staff_id=staff_id)


def _close(session: Session, invitation: Invitation, staff_id: int | None) -> None:
    if invitation.closed_at is None:
        invitation.closed_at = utcnow()
        _end(session, invitation, action="invitation.closed", staff_id=staff_id)


def revoke(session: Session, *, invitation: Invitation, staff_id: int | None = None) -> Invitation:
    """Stop the link and code working now; discussion-only answers go with it."""
    _revoke(session, invitation, staff_id)
    session.commit()
    return invitation


def reissue(session: Session, *, invitation: Invitation, staff_id: int | None = None,
            valid_days: int = 14, environment: str = "production") -> Invitation:
    """A fresh invitation (new token and short code) for the same participant, occasion,
    instruments and mode, and the old one revoked, in one transaction: if the new one
    cannot be issued, the old one still works. Stored answers stay with the occasion, so
    the participant resumes where they were."""
    participant = session.get(Participant, invitation.participant_id)
    occasion = session.get(Occasion, invitation.occasion_id)
    fresh = add_invitation(session, participant=participant, occasion_kind=occasion.kind,
                           instrument_keys=invitation.instrument_keys, created_by_id=staff_id,
                           mode=invitation.mode, valid_days=valid_days, environment=environment)
    _revoke(session, invitation, staff_id)
    audit.record(session, action="invitation.reissued", staff_id=staff_id,
                 object_type="invitation", object_id=fresh.id,
                 details={"replaces": invitation.id})
    session.commit()
    return fresh


def close(session: Session, *, invitation: Invitation, staff_id: int | None = None) -> Invitation:
    """End the invitation for good and delete its discussion-only assessments and answers."""
    _close(session, invitation, staff_id)
    session.commit()
    return invitation


def close_expired(session: Session, *, now: datetime | None = None,
                  batch: int = CLOSE_BATCH) -> int:
    """Close every expired invitation that is still open (run daily from cron), one
    transaction per batch of `batch` invitations; return how many were closed."""
    now = now or utcnow()
    closed = 0
    while True:
        expired = list(session.exec(select(Invitation).where(
            Invitation.closed_at.is_(None), Invitation.expires_at <= now)
            .order_by(Invitation.id).limit(batch)))
        if not expired:
            return closed
        for invitation in expired:
            _close(session, invitation, None)
        session.commit()
        closed += len(expired)


def choose_language(session: Session, *, invitation: Invitation, language: str | None = None,
                    bilingual: bool | None = None) -> Invitation:
    """Remember the participant's language (and the easy-Swedish toggle) on the invitation, so
    every device they open it on speaks it."""
    if language is not None:
        invitation.language = language
    if bilingual is not None:
        invitation.bilingual = bilingual
    session.add(invitation)
    session.commit()
    return invitation
