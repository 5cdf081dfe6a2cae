"""Read side of the audit trail, for the people who answer for it in an organisation.

Who sees which event (the scope), decided once here:
- An event belongs to an organisation when its actor is one of the organisation's staff, or
  when it is about one of the organisation's participants: its object is the participant or
  one of their occasions, invitations, assessments or consents, or one of their invitations
  acted (the participant answering). Events about the organisation's own records (goals,
  projects, licences, staff accounts) are seen through their actor.
- An admin sees every event of their organisation.
- A unit admin sees the events about participants of their units and the events whose actor
  works in one of their units (or whose object is such a staff account).
- Events with neither (a failed sign-in with an unknown email, a purge run by the system with
  nobody left to point at) belong to no organisation and are not shown here.

Erased people's events keep no link to them (see `services.privacy`), so they are seen only
through the staff member who acted.

Reading the trail is not audited, except where it becomes a read about one person: the trail
narrowed to a participant, and every download of the trail as a file (`trail_csv`).
"""
from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, or_
from sqlmodel import Session, select

from ..exports.csvformat import COMMA, ENCODING
from ..models import (
    Assessment,
    AuditEvent,
    Consent,
    Invitation,
    Occasion,
    Participant,
    Role,
    StaffUnit,
    StaffUser,
    Unit,
)
from . import audit
from .privacy import belongings_of, find_by_code
from .staff import unit_ids_of

PAGE_SIZE = 50
CSV_BATCH = 1000  # events read from the database at a time while a download streams


@dataclass(frozen=True)
class TrailScope:
    """The organisation, and the units when the viewer is a unit admin (None: all of them)."""

    organisation_id: int
    unit_ids: tuple[int, ...] | None


def scope_of(session: Session, staff: StaffUser) -> TrailScope:
    """What `staff` may see of the trail: admins their organisation, others their units."""
    if staff.role == Role.ADMIN:
        return TrailScope(staff.organisation_id, None)
    return TrailScope(staff.organisation_id, tuple(unit_ids_of(session, staff)))


def _staff_ids(scope: TrailScope):
    if scope.unit_ids is None:
        return select(StaffUser.id).where(StaffUser.organisation_id == scope.organisation_id)
    return (select(StaffUnit.staff_user_id).join(StaffUser, StaffUser.id == StaffUnit.staff_user_id)
            .where(StaffUnit.unit_id.in_(scope.unit_ids),
                   StaffUser.organisation_id == scope.organisation_id))


def _participant_ids(scope: TrailScope):
    stmt = (select(Participant.id).join(Unit, Unit.id == Participant.unit_id)
            .where(Unit.organisation_id == scope.organisation_id))
    return stmt if scope.unit_ids is None else stmt.where(Participant.unit_id.in_(scope.unit_ids))


def _in_scope(scope: TrailScope):
    """The condition selecting the events `scope` may see (see the module's docstring)."""
    people = _participant_ids(scope)
    staff = _staff_ids(scope)
    invitations = select(Invitation.id).where(Invitation.participant_id.in_(people))
    owned = {
        "participant": people,
        "occasion": select(Occasion.id).where(Occasion.participant_id.in_(people)),
        "invitation": invitations,
        "assessment": select(Assessment.id).where(Assessment.participant_id.in_(people)),
        "consent": select(Consent.id).where(Consent.participant_id.in_(people)),
        "staff_user": staff,
    }
    return or_(AuditEvent.actor_staff_id.in_(staff),
               AuditEvent.actor_invitation_id.in_(invitations),
               *[(AuditEvent.object_type == kind) & AuditEvent.object_id.in_(ids)
                 for kind, ids in owned.items()])


@dataclass(frozen=True)
class TrailFilter:
    """What the viewer narrowed the trail to; None means any."""

    action: str | None = None
    actor_staff_id: int | None = None
    since: date | None = None
    until: date | None = None  # inclusive; days are UTC days, as the page says
    object_type: str | None = None
    object_id: int | None = None
    participant_id: int | None = None  # events about this person (see privacy.Belongings)

    def as_details(self) -> dict:
        """The filters chosen, for the audit event of a download (no person: an object)."""
        return {name: str(value) for name, value in asdict(self).items()
                if value is not None and name != "participant_id"}


def participant_in_scope(session: Session, scope: TrailScope, code: str) -> Participant | None:
    """The participant with `code` if `scope` may see them, else None (unknown and not yours
    look the same). A code with a control character is nobody's (PostgreSQL refuses NUL)."""
    person = find_by_code(session, code) if code.isprintable() else None
    if person is None:
        return None
    allowed = session.exec(_participant_ids(scope).where(Participant.id == person.id)).first()
    return person if allowed is not None else None


@dataclass(frozen=True)
class TrailPage:
    events: list[AuditEvent]
    actors: dict[int, str]  # staff id → email, for the events shown
    total: int
    pages: int
    number: int


def _filtered(session: Session, stmt, chosen: TrailFilter):
    if chosen.participant_id is not None:
        stmt = stmt.where(belongings_of(session, chosen.participant_id).audit_events())
    if chosen.action:
        stmt = stmt.where(AuditEvent.action == chosen.action)
    if chosen.actor_staff_id is not None:
        stmt = stmt.where(AuditEvent.actor_staff_id == chosen.actor_staff_id)
    if chosen.since is not None:
        stmt = stmt.where(AuditEvent.at >= datetime.combine(chosen.since, time.min, UTC))
    if chosen.until is not None and chosen.until < date.max:
        stmt = stmt.where(AuditEvent.at < datetime.combine(chosen.until + timedelta(days=1), time.min, UTC))
    if chosen.object_type:
        stmt = stmt.where(AuditEvent.object_type == chosen.object_type)
    if chosen.object_id is not None:
        stmt = stmt.where(AuditEvent.object_id == chosen.object_id)
    return stmt


def trail(session: Session, *, scope: TrailScope, chosen: TrailFilter = TrailFilter(),
          page: int = 1, size: int = PAGE_SIZE, staff_id: int | None = None,
          ip: str | None = None) -> TrailPage:
    """One page of the events `scope` may see, newest first, narrowed by `chosen`. Reading the
    trail shows staff actions and record ids, never a person, so it is not audited; narrowed
    to one participant it is a read about them, recorded before the page is shown."""
    where = _events(session, scope, chosen)
    if chosen.participant_id is not None:
        audit.record_view(session, action="audit_trail.participant_viewed", staff_id=staff_id,
                          ip=ip, object_type="participant", object_id=chosen.participant_id)
    total = session.exec(select(func.count()).select_from(where.subquery())).one()
    pages = max(1, -(-total // size))
    number = min(max(page, 1), pages)
    events = list(session.exec(where.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
                               .offset((number - 1) * size).limit(size)).all())
    return TrailPage(events, _emails(session, {e.actor_staff_id for e in events}), total, pages, number)


def _events(session: Session, scope: TrailScope, chosen: TrailFilter):
    """The statement selecting the events `scope` may see, narrowed by `chosen`."""
    return _filtered(session, select(AuditEvent).where(_in_scope(scope)), chosen)


def _emails(session: Session, staff_ids: set[int | None]) -> dict[int, str]:
    ids = [i for i in staff_ids if i is not None]
    if not ids:
        return {}
    return dict(session.exec(select(StaffUser.id, StaffUser.email).where(StaffUser.id.in_(ids))).all())


def choices(session: Session, *, scope: TrailScope) -> tuple[list[str], list[tuple[int, str]],
                                                            list[str]]:
    """The actions, actors (id, email) and object types found in the scope, for the filters."""
    events = select(AuditEvent).where(_in_scope(scope)).subquery()
    actions = session.exec(select(events.c.action).distinct().order_by(events.c.action)).all()
    kinds = session.exec(select(events.c.object_type).where(events.c.object_type.is_not(None))
                         .distinct().order_by(events.c.object_type)).all()
    actors = session.exec(select(StaffUser.id, StaffUser.email)
                          .where(StaffUser.id.in_(_staff_ids(scope))).order_by(StaffUser.email)).all()
    return list(actions), [tuple(a) for a in actors], list(kinds)


CSV_COLUMNS = ("at_utc", "action", "actor_staff_id", "actor_email", "actor_invitation_id",
               "object_type", "object_id", "details", "ip")


def trail_csv(session: Session, *, scope: TrailScope, chosen: TrailFilter = TrailFilter(),
              staff_id: int | None = None, ip: str | None = None) -> Iterator[bytes]:
    """Every event the page shows for `chosen`, newest first, as CSV in chunks (UTF-8 with a
    byte order mark, formulas neutralised as in the evaluator's export). The download is
    audited, with the filters and the count, and committed before the first line is made;
    the chunks read `session` as they are made (a web response gives it one of its own)."""
    where = _events(session, scope, chosen)
    total = session.exec(select(func.count()).select_from(where.subquery())).one()
    emails = dict(session.exec(select(StaffUser.id, StaffUser.email)).all())
    download = audit.record(session, action="audit_trail.exported", staff_id=staff_id, ip=ip,
                            object_type="participant" if chosen.participant_id else None,
                            object_id=chosen.participant_id,
                            details={"filters": chosen.as_details(), "events": total})
    session.commit()  # from here the session holds no connection until the file is read
    rows = where.where(AuditEvent.id != download.id)  # the trail as it was asked for
    return _csv_chunks(session, rows.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()), emails)


def _csv_chunks(session: Session, statement, emails: dict[int, str]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=COMMA.delimiter, lineterminator="\r\n")
    encoder = codecs.getincrementalencoder(ENCODING)()  # the byte order mark comes first, once

    def taken() -> bytes:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return encoder.encode(text)

    writer.writerow(CSV_COLUMNS)
    for event in session.exec(statement.execution_options(yield_per=CSV_BATCH)):
        details = json.dumps(event.details, ensure_ascii=False, sort_keys=True) \
            if event.details else None
        writer.writerow([COMMA.cell(value) for value in (
            event.at.strftime("%Y-%m-%d %H:%M:%S"), event.action, event.actor_staff_id,
            emails.get(event.actor_staff_id), event.actor_invitation_id, event.object_type,
            event.object_id, details, event.ip)])
        if buffer.tell() > 64_000:
            yield taken()
    yield taken()
