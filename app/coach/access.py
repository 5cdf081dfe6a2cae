"""Scope checks: a coach reaches only participants of their own units; anything else is 404.

Every route that takes a participant or invitation id goes through these helpers, so the
rule is written once. 404 rather than 403, so ids of other units' participants reveal
nothing, not even that they exist.
"""
from __future__ import annotations

from flask import abort
from sqlmodel import Session

from ..models import Invitation, Participant, StaffUser, Unit
from ..security import request_actor
from ..services import audit
from ..services.staff import unit_ids_of


def participant_for(session: Session, staff: StaffUser, participant_id: int) -> Participant:
    """The participant if they belong to one of `staff`'s units and are not purged (a purged
    record is statistics only, no longer a person anyone works with); otherwise 404."""
    participant = session.get(Participant, participant_id)
    if (participant is None or participant.purged_at is not None
            or participant.unit_id not in unit_ids_of(session, staff)):
        abort(404)
    return participant


def invitation_for(session: Session, staff: StaffUser, invitation_id: int) -> Invitation:
    """The invitation if its participant is in one of `staff`'s units; otherwise 404."""
    invitation = session.get(Invitation, invitation_id)
    if invitation is None:
        abort(404)
    participant_for(session, staff, invitation.participant_id)
    return invitation


def units_of(session: Session, staff: StaffUser, *, active_only: bool = False) -> list[Unit]:
    """The units `staff` works in, by name; `active_only` for choosing where someone new goes
    (an inactive unit takes no new participants)."""
    units = [session.get(Unit, unit_id) for unit_id in unit_ids_of(session, staff)]
    return sorted((u for u in units if u.active or not active_only), key=lambda unit: unit.name)


def audit_view(session: Session, subject: Participant | Invitation, action: str, **details) -> None:
    """Record that the signed-in staff user was shown `subject` (a participant, or an
    invitation whose link, QR and short code open a person's answers), before it is shown."""
    kind = "invitation" if isinstance(subject, Invitation) else "participant"
    audit.record_view(session, action=action, object_type=kind, object_id=subject.id,
                      details=details or None, **request_actor())
