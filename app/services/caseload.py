"""Read side of the coach workspace: the caseload, what is due, and response rates.

One query fetches every participant of the coach's units with their occasions, the
instruments each occasion's latest invitation asked for and the assessments made at them;
everything else (status per occasion, next due occasion, filters, sorting, rates) is pure
Python over those rows, so the number of queries stays the same at 5 participants and at 2,000.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from sqlmodel import Session, select

from ..models import (
    OCCASION_ORDER,
    Assessment,
    Invitation,
    Occasion,
    OccasionKind,
    Participant,
    Unit,
)
from . import audit

DUE_WINDOW_DAYS = 14
PAGE_SIZE = 100


class OccasionState(StrEnum):
    """How far an occasion has got, for the caseload's status cells."""

    DONE = "done"
    STARTED = "started"
    NOT_STARTED = "not_started"


class CaseloadFilter(StrEnum):
    """The status filter above the caseload table."""

    ALL = "all"
    DUE = "due"
    OVERDUE = "overdue"
    ACTIVE = "active"
    EXITED = "exited"


class CaseloadSort(StrEnum):
    DUE = "due"
    CODE = "code"
    INTAKE = "intake"
    UNIT = "unit"


@dataclass(frozen=True)
class OccasionStatus:
    """One occasion of one participant with the instruments completed or started at it."""

    occasion_id: int
    kind: str
    planned_date: date | None
    completed: tuple[str, ...] = ()
    started: tuple[str, ...] = ()  # started but not completed
    invited: tuple[str, ...] = ()  # what the occasion's latest invitation asked for, if any

    @property
    def state(self) -> OccasionState:
        """Done once something was completed and nothing is left half-way."""
        if self.completed and not self.started:
            return OccasionState.DONE
        if self.completed or self.started:
            return OccasionState.STARTED
        return OccasionState.NOT_STARTED

    def missing(self, expected: Iterable[str]) -> list[str]:
        """Instruments asked for and not yet begun at this occasion: those of its latest
        invitation, or `expected` (the unit's) when nobody was invited to it. A coach who
        invited to two instruments sees "1 of 2 done", not one of the unit's four."""
        begun = set(self.completed) | set(self.started)
        return [key for key in (self.invited or expected) if key not in begun]


@dataclass(frozen=True)
class CaseloadRow:
    """A participant as the caseload table shows them."""

    participant_id: int
    code: str
    display_name: str | None
    unit_id: int
    unit_name: str
    default_instruments: tuple[str, ...]
    preferred_language: str
    intake_date: date
    exit_date: date | None
    occasions: tuple[OccasionStatus, ...] = field(default_factory=tuple)

    def occasion(self, kind: str) -> OccasionStatus | None:
        return next((o for o in self.occasions if o.kind == kind), None)

    @property
    def next_due(self) -> OccasionStatus | None:
        return next_due(self.occasions, exited=self.exit_date is not None)

    def days_in_programme(self, today: date) -> int:
        return ((self.exit_date or today) - self.intake_date).days

    def is_overdue(self, today: date) -> bool:
        due = self.next_due
        return bool(due and due.planned_date and due.planned_date < today)

    def is_due(self, today: date, window_days: int = DUE_WINDOW_DAYS) -> bool:
        """Overdue, or due within `window_days`."""
        due = self.next_due
        return bool(due and due.planned_date and due.planned_date <= today + timedelta(days=window_days))


def next_due(occasions: Sequence[OccasionStatus], *, exited: bool) -> OccasionStatus | None:
    """The first occasion still to be done after the last one that was done.

    An occasion left out before a later one was done is missed, not due: nobody fills in an
    intake after the midway. Follow-up waits for a recorded exit, and once a participant has
    left, the midway is no longer asked for.
    """
    ordered = sorted(occasions, key=lambda o: OCCASION_ORDER.index(o.kind))
    last_done = max((i for i, o in enumerate(ordered) if o.state is OccasionState.DONE), default=-1)
    for occasion in ordered[last_done + 1:]:
        if occasion.state is OccasionState.DONE or occasion.planned_date is None:
            continue
        if occasion.kind == OccasionKind.FOLLOW_UP and not exited:
            continue
        if occasion.kind == OccasionKind.MIDWAY and exited:
            continue
        return occasion
    return None


def caseload(session: Session, *, unit_ids: Sequence[int], search: str | None = None,
             participant_id: int | None = None) -> list[CaseloadRow]:
    """Every participant of `unit_ids` (optionally matching `search` in code or name, or just
    one participant), in one query. Purged participants are left out: only their anonymised
    answers remain, for statistics, and no coach works with them any more."""
    if not unit_ids:
        return []
    invited = (select(Invitation.instruments).where(Invitation.occasion_id == Occasion.id)
               .order_by(Invitation.created_at.desc(), Invitation.id.desc()).limit(1)
               .correlate(Occasion).scalar_subquery())
    stmt = (
        select(Participant.id, Participant.code, Participant.display_name, Participant.unit_id,
               Unit.name, Unit.default_instruments, Participant.preferred_language,
               Participant.intake_date, Participant.exit_date, Occasion.id, Occasion.kind,
               Occasion.planned_date, invited, Assessment.instrument_key, Assessment.completed_at)
        .join(Unit, Unit.id == Participant.unit_id)
        .outerjoin(Occasion, Occasion.participant_id == Participant.id)
        .outerjoin(Assessment, Assessment.occasion_id == Occasion.id)
        .where(Participant.unit_id.in_(list(unit_ids)), Participant.purged_at.is_(None))
        .order_by(Participant.id, Occasion.id)
    )
    if participant_id is not None:
        stmt = stmt.where(Participant.id == participant_id)
    term = (search or "").strip()
    if term:
        stmt = stmt.where(Participant.code.icontains(term, autoescape=True)
                          | Participant.display_name.icontains(term, autoescape=True))
    return _rows(session.exec(stmt))


def _rows(result) -> list[CaseloadRow]:
    people: dict[int, tuple] = {}
    occasions: dict[int, dict[int, list]] = {}
    for (pid, code, name, unit_id, unit_name, defaults, language, intake, exit_date,
         occasion_id, kind, planned, invited, instrument, completed_at) in result:
        people.setdefault(pid, (code, name, unit_id, unit_name, defaults, language, intake, exit_date))
        if occasion_id is None:
            continue
        entry = occasions.setdefault(pid, {}).setdefault(
            occasion_id, [kind, planned, [], [], _keys(invited)])
        if instrument is not None:
            entry[2 if completed_at else 3].append(instrument)
    rows = []
    for pid, (code, name, unit_id, unit_name, defaults, language, intake, exit_date) in people.items():
        statuses = tuple(
            OccasionStatus(occasion_id, kind, planned, tuple(done), tuple(begun), invited)
            for occasion_id, (kind, planned, done, begun, invited) in occasions.get(pid, {}).items()
        )
        rows.append(CaseloadRow(
            pid, code, name, unit_id, unit_name, _keys(defaults), language, intake, exit_date,
            tuple(sorted(statuses, key=lambda o: OCCASION_ORDER.index(o.kind))),
        ))
    return rows


def _keys(stored: str | None) -> tuple[str, ...]:
    """Instrument keys from a comma-separated column (a unit's defaults, an invitation's)."""
    return tuple(key for key in (stored or "").split(",") if key)


def select_rows(rows: Iterable[CaseloadRow], *, today: date, unit_id: int | None = None,
                status: CaseloadFilter = CaseloadFilter.ALL,
                sort: CaseloadSort = CaseloadSort.DUE) -> list[CaseloadRow]:
    """Filter by unit and status, then sort; the table's controls map onto these arguments."""
    keep = {
        CaseloadFilter.ALL: lambda r: True,
        CaseloadFilter.DUE: lambda r: r.is_due(today),
        CaseloadFilter.OVERDUE: lambda r: r.is_overdue(today),
        CaseloadFilter.ACTIVE: lambda r: r.exit_date is None,
        CaseloadFilter.EXITED: lambda r: r.exit_date is not None,
    }[status]
    chosen = [r for r in rows if (unit_id is None or r.unit_id == unit_id) and keep(r)]
    key = {
        CaseloadSort.DUE: lambda r: (r.next_due is None, (r.next_due.planned_date if r.next_due else date.max), r.code),
        CaseloadSort.CODE: lambda r: r.code,
        CaseloadSort.INTAKE: lambda r: (r.intake_date, r.code),
        CaseloadSort.UNIT: lambda r: (r.unit_name, r.code),
    }[sort]
    return sorted(chosen, key=key)


def due_list(rows: Iterable[CaseloadRow], *, today: date,
             window_days: int = DUE_WINDOW_DAYS) -> list[CaseloadRow]:
    """Participants whose next occasion is overdue or due within `window_days`, soonest first."""
    return select_rows([r for r in rows if r.is_due(today, window_days)], today=today)


@dataclass(frozen=True)
class ResponseRate:
    """Of the occasions whose date has come, how many were done."""

    kind: str
    eligible: int
    done: int

    @property
    def percent(self) -> float | None:
        return None if self.eligible == 0 else 100 * self.done / self.eligible


def response_rates(rows: Iterable[CaseloadRow], *, today: date) -> list[ResponseRate]:
    """Per occasion kind: done / occasions planned on or before today.

    Follow-up counts only for participants who have left (it is planned from the exit).
    """
    eligible = dict.fromkeys(OCCASION_ORDER, 0)
    done = dict.fromkeys(OCCASION_ORDER, 0)
    for row in rows:
        for occasion in row.occasions:
            if occasion.planned_date is None or occasion.planned_date > today:
                continue
            if occasion.kind == OccasionKind.FOLLOW_UP and row.exit_date is None:
                continue
            eligible[occasion.kind] += 1
            done[occasion.kind] += occasion.state is OccasionState.DONE
    return [ResponseRate(kind, eligible[kind], done[kind]) for kind in OCCASION_ORDER]


def page_of(rows: Sequence[CaseloadRow], page: int,
            size: int = PAGE_SIZE) -> tuple[list[CaseloadRow], int, int]:
    """One page of rows, the number of pages (at least 1) and the page number actually shown."""
    pages = max(1, -(-len(rows) // size))
    page = min(max(page, 1), pages)
    return list(rows[(page - 1) * size: page * size]), pages, page


def row_of(session: Session, participant: Participant) -> CaseloadRow:
    """One participant's caseload row (their occasions with status and what is due next)."""
    return caseload(session, unit_ids=[participant.unit_id], participant_id=participant.id)[0]


@dataclass(frozen=True)
class CaseloadPage:
    """One page of a list of participants, as a coach is shown it."""

    rows: list[CaseloadRow]
    total: int
    pages: int
    number: int
    rates: list[ResponseRate] = field(default_factory=list)


def show_caseload(session: Session, *, unit_ids: Sequence[int], today: date,
                  search: str | None = None, unit_id: int | None = None,
                  status: CaseloadFilter = CaseloadFilter.ALL,
                  sort: CaseloadSort = CaseloadSort.DUE, page: int = 1,
                  staff_id: int | None = None, ip: str | None = None) -> CaseloadPage:
    """The caseload as the coach asked for it, audited as a view of personal data. A search
    term is itself personal data (a name, a code): the event says that a search happened and
    how many people it found, never the term."""
    chosen = select_rows(caseload(session, unit_ids=unit_ids, search=search), today=today,
                         unit_id=unit_id, status=status, sort=sort)
    rows, pages, number = page_of(chosen, page)
    searched = bool((search or "").strip())
    audit.record_view(session, action="caseload.searched" if searched else "caseload.viewed",
                      staff_id=staff_id, ip=ip,
                      details={"results": len(chosen), "page": number, "status": str(status)})
    return CaseloadPage(rows, len(chosen), pages, number)


def show_due(session: Session, *, unit_ids: Sequence[int], today: date, page: int = 1,
             staff_id: int | None = None, ip: str | None = None) -> CaseloadPage:
    """Who is due, with the response rates of all the coach's participants; audited."""
    everyone = caseload(session, unit_ids=unit_ids)
    due = due_list(everyone, today=today)
    rows, pages, number = page_of(due, page)
    audit.record_view(session, action="caseload.due_viewed", staff_id=staff_id, ip=ip,
                      details={"results": len(due), "page": number})
    return CaseloadPage(rows, len(due), pages, number, response_rates(everyone, today=today))
