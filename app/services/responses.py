"""Read side of the evaluator's response table: per occasion, how many people's date has come,
how many of them answered, and how many got reminders (and how many reminders were sent), so
a programme sees whether its reminders lift the second round.

Disclosure control like every other evaluator figure: one query grouped by atom and occasion
kind; a count takes an atom only when its part holds 0 or at least k people, the response
rate only when both those who answered and those who did not do (`split_safe_share`), and
the number of reminders only from atoms whose reminded people are counted.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, literal, or_
from sqlmodel import Session, select

from ..models import (
    OCCASION_ORDER,
    AssessmentScore,
    MessagePurpose,
    MessageStatus,
    Occasion,
    OccasionKind,
    OutboxMessage,
    Participant,
    Unit,
)
from ..statistics.cohort import split_safe_share
from ..statistics.disclosure import unsafe_atoms
from ..statistics.paired import Share
from .disclosure import EvaluatorView, atom_expression, conditions


@dataclass(frozen=True)
class OccasionResponse:
    """One occasion kind: people whose date has come, the share who answered, the people
    reminded and the reminders sent to them (all after disclosure control)."""

    kind: str
    eligible: int
    answered: Share
    reminded: int
    reminders: int


def _safe(parts: dict, k: int) -> int:
    unsafe = unsafe_atoms(parts, k)
    return sum(n for atom, n in parts.items() if atom not in unsafe)


def occasion_responses(session: Session, view: EvaluatorView, chosen: dict,
                       today: date | None = None) -> list[OccasionResponse]:
    """Per occasion kind, in programme order (see the module docstring). Follow-up counts
    only people who have left, as on the coach's due list."""
    today = today or date.today()
    answered = (select(AssessmentScore.participant_id, AssessmentScore.occasion_kind,
                       literal(1).label("done"))
                .group_by(AssessmentScore.participant_id, AssessmentScore.occasion_kind)
                .subquery("answered"))
    reminded = (select(OutboxMessage.participant_id, OutboxMessage.occasion_kind,
                       func.count().label("sent"))
                .where(OutboxMessage.purpose == MessagePurpose.REMINDER.value,
                       OutboxMessage.status == MessageStatus.SENT.value)
                .group_by(OutboxMessage.participant_id, OutboxMessage.occasion_kind)
                .subquery("reminded"))
    atom = atom_expression(view)
    query = (
        select(Occasion.kind, atom, func.count(Participant.id),
               func.coalesce(func.sum(answered.c.done), 0),
               func.count(reminded.c.sent), func.coalesce(func.sum(reminded.c.sent), 0))
        .join(Occasion, Occasion.participant_id == Participant.id)
        .join(Unit, Unit.id == Participant.unit_id)
        .outerjoin(answered, and_(answered.c.participant_id == Participant.id,
                                  answered.c.occasion_kind == Occasion.kind))
        .outerjoin(reminded, and_(reminded.c.participant_id == Participant.id,
                                  reminded.c.occasion_kind == Occasion.kind))
        .where(*conditions(view, chosen), Occasion.planned_date <= today,
               or_(Occasion.kind != OccasionKind.FOLLOW_UP.value,
                   Participant.exit_date.is_not(None)))
        .group_by(Occasion.kind, atom))
    by_kind: dict[str, dict[str, dict]] = {}
    for kind, atom_key, eligible, done, people, sent in session.exec(query).all():
        parts = by_kind.setdefault(kind, {"rate": {}, "eligible": {}, "reminded": {}, "sent": {}})
        parts["rate"][atom_key] = (int(done), int(eligible))
        parts["eligible"][atom_key] = int(eligible)
        parts["reminded"][atom_key] = int(people)
        parts["sent"][atom_key] = int(sent)
    return [_response(kind, by_kind.get(kind), view.k) for kind in OCCASION_ORDER]


def _response(kind: str, parts: dict | None, k: int) -> OccasionResponse:
    if parts is None:
        return OccasionResponse(kind, 0, split_safe_share({}, k), 0, 0)
    unsafe = unsafe_atoms(parts["reminded"], k)
    sent = sum(n for atom, n in parts["sent"].items() if atom not in unsafe)
    return OccasionResponse(kind, _safe(parts["eligible"], k), split_safe_share(parts["rate"], k),
                            _safe(parts["reminded"], k), sent)
