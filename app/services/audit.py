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


def record_changes(session: Session, target: Any, values: dict[str, Any], *, action: str,
                   object_type: str, staff_id: int | None = None, ip: str | None = None,
                   details: dict[str, Any] | None = None) -> set[str]:
    """Set on `target` the `values` that differ from what it holds, and audit them with their
    values before and after (how settings are audited; never pass a secret or a password).
    Returns the names changed; when none did, nothing is set or recorded. The caller commits."""
    before = {name: getattr(target, name) for name in values}
    changed = {name for name, value in values.items() if before[name] != value}
    if not changed:
        return changed
    for name in changed:
        setattr(target, name, values[name])
    session.add(target)
    record(session, action=action, staff_id=staff_id, ip=ip, object_type=object_type,
           object_id=target.id, details={
               **(details or {}), "before": {name: before[name] for name in sorted(changed)},
               "after": {name: values[name] for name in sorted(changed)}})
    return changed
