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

from flask import current_app, has_app_context
from itsdangerous import SignatureExpired
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from .. import instruments
from ..instruments.licences import may_send
from ..models import (
    Answer,
    Assessment,
    AssessmentMode,
    Invitation,
    Occasion,
    OccasionKind,
    Participant,
    Storage,
    utcnow,
)
from ..models.invitations import SHORT_CODE_ALPHABET, SHORT_CODE_LENGTH, new_short_code
from ..tokens import TokenInvalid, invitation_id_from, invitation_token
from . import audit


class InvitationStatus(StrEnum):
    """Where an invitation stands, as the coach's caseload shows it."""

    NOT_OPENED = "not_opened"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    EXPIRED = "expired"
    REVOKED = "revoked"
    CLOSED = "closed"


class CannotInvite(ValueError):
    """The invitation cannot be issued as asked; the message says why (for staff)."""


class InvitationUnavailable(Exception):
    """A link or code that cannot be used. `reason` is one of unknown, tampered, expired,
    revoked, closed; participants only ever see a friendly page, never the reason's details."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _as_aware(moment: datetime) -> datetime:
    """SQLite hands back naive UTC; compare everything as aware UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _environment() -> str:
    # Outside an app (scripts, pure tests) be strict: treat it as production.
    return current_app.config.get("STEGVIS_ENV", "production") if has_app_context() else "production"


def _occasion(session: Session, participant: Participant, kind: str) -> Occasion:
    if kind not in set(OccasionKind):
        raise CannotInvite(f"unknown occasion {kind!r}; use one of {', '.join(OccasionKind)}")
    occasion = session.exec(
        select(Occasion).where(Occasion.participant_id == participant.id, Occasion.kind == kind)
    ).first()
    if occasion is None:
        raise CannotInvite(f"{participant.code} has no {kind} occasion")
    return occasion


def check_instruments(session: Session, instrument_keys: Sequence[str], *,
                      environment: str | None = None) -> list[str]:
    """The keys, checked: known, not repeated, and allowed to go out (licences)."""
    keys = [key.strip() for key in instrument_keys if key and key.strip()]
    if not keys:
        raise CannotInvite("choose at least one instrument")
    if len(set(keys)) != len(keys):
        raise CannotInvite("an instrument is listed twice")
    for key in keys:
        try:
            instrument = instruments.latest(key)
        except instruments.UnknownInstrument:
            raise CannotInvite(f"unknown instrument {key!r}") from None
        allowed = may_send(session, instrument, environment=environment or _environment())
        if not allowed.allowed:
            raise CannotInvite(allowed.reason)
    return keys


def issue(
    session: Session,
    *,
    participant: Participant,
    occasion_kind: str,
    instrument_keys: Sequence[str],
    created_by_id: int | None = None,
    mode: str = AssessmentMode.OWN_DEVICE,
    valid_days: int = 14,
    environment: str | None = None,
) -> Invitation:
    """A new invitation for one occasion of one participant; raises CannotInvite."""
    if mode not in set(AssessmentMode):
        raise CannotInvite(f"unknown mode {mode!r}")
    if not 1 <= valid_days <= 90:
        raise CannotInvite("an invitation is valid for 1 to 90 days")
    occasion = _occasion(session, participant, occasion_kind)
    keys = check_instruments(session, instrument_keys, environment=environment)
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
            with session.begin_nested():
                session.add(invitation)
                session.flush()
        except IntegrityError:
            continue  # short code collision: draw another
        audit.record(session, action="invitation.issued", staff_id=created_by_id,
                     object_type="invitation", object_id=invitation.id,
                     details={"occasion": occasion.kind, "instruments": keys, "mode": str(mode)})
        session.commit()
        return invitation
    raise RuntimeError("could not draw a free short code in five attempts")


def link_for(invitation: Invitation, *, base_url: str) -> str:
    """The participant's link: `<base_url>/i/<signed token>`."""
    return f"{base_url.rstrip('/')}/i/{invitation_token(invitation.id)}"


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


def open_by_token(session: Session, token: str, *, max_age_seconds: int,
                  ip: str | None = None) -> Invitation:
    """The invitation a link names, stamped as opened; raises InvitationUnavailable."""
    try:
        invitation_id = invitation_id_from(token, max_age_seconds=max_age_seconds)
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
    """What revoking and closing share: answers not to be kept go, and it is audited."""
    deleted = _delete_discussion_only(session, invitation)
    session.add(invitation)
    audit.record(session, action=action, staff_id=staff_id, object_type="invitation",
                 object_id=invitation.id, details={"discussion_only_deleted": deleted})
    session.commit()


def revoke(session: Session, *, invitation: Invitation, staff_id: int | None = None) -> Invitation:
    """Stop the link and code working now; discussion-only answers go with it."""
    if not invitation.revoked:
        invitation.revoked, invitation.revoked_at = True, utcnow()
        _end(session, invitation, action="invitation.revoked", staff_id=staff_id)
    return invitation


def reissue(session: Session, *, invitation: Invitation, staff_id: int | None = None,
            valid_days: int = 14) -> Invitation:
    """Revoke `invitation` and issue a fresh one (new token and short code) for the same
    participant, occasion, instruments and mode. Stored answers stay with the occasion, so the
    participant resumes where they were."""
    revoke(session, invitation=invitation, staff_id=staff_id)
    participant = session.get(Participant, invitation.participant_id)
    occasion = session.get(Occasion, invitation.occasion_id)
    fresh = issue(session, participant=participant, occasion_kind=occasion.kind,
                  instrument_keys=invitation.instrument_keys, created_by_id=staff_id,
                  mode=invitation.mode, valid_days=valid_days)
    audit.record(session, action="invitation.reissued", staff_id=staff_id,
                 object_type="invitation", object_id=fresh.id,
                 details={"replaces": invitation.id})
    session.commit()
    return fresh


def close(session: Session, *, invitation: Invitation, staff_id: int | None = None) -> Invitation:
    """End the invitation for good and delete its discussion-only assessments and answers."""
    if invitation.closed_at is None:
        invitation.closed_at = utcnow()
        _end(session, invitation, action="invitation.closed", staff_id=staff_id)
    return invitation


def close_expired(session: Session, *, now: datetime | None = None) -> int:
    """Close every expired invitation that is still open (run daily from cron); return how many."""
    now = now or utcnow()
    expired = list(session.exec(select(Invitation).where(
        Invitation.closed_at.is_(None), Invitation.expires_at <= now)))
    for invitation in expired:
        close(session, invitation=invitation)
    return len(expired)


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
