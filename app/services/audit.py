"""The one place audit events are written."""
from __future__ import annotations

from typing import Any

from sqlmodel import Session

from ..models import AuditEvent


def record(
    session: Session,
    *,
    action: str,
    staff_id: int | None = None,
    invitation_id: int | None = None,
    object_type: str | None = None,
    object_id: int | None = None,
    ip: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit event to the session; the caller's use case commits it with its own work."""
    event = AuditEvent(
        action=action,
        actor_staff_id=staff_id,
        actor_invitation_id=invitation_id,
        object_type=object_type,
        object_id=object_id,
        ip=ip,
        details=details,
    )
    session.add(event)
    return event


def record_view(
    session: Session,
    *,
    action: str,
    staff_id: int | None,
    object_type: str | None = None,
    object_id: int | None = None,
    ip: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """A read of personal data (a participant's page, a printed report, a list of people) is a
    use case of its own: the event is recorded and committed before the page is shown. A list
    has no one object; its details hold counts, never who was on it or what was searched."""
    event = record(session, action=action, staff_id=staff_id, object_type=object_type,
                   object_id=object_id, ip=ip, details=details)
    session.commit()
    return event
