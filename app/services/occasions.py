"""A participant's occasions: moving planned dates, and reading the results made at them.

`results_of` is the read side of the participant page and the printed report: every
assessment with its answers and scores, by instrument, in occasion order. It honours two
rules that decide what a coach may see: an instrument declared `statistics_only` yields no
individual results, and discussion-only answers show only while their invitation is open.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, select

from .. import instruments
from ..instruments import Instrument
from ..instruments.scoring import Scores, score
from ..models import OCCASION_ORDER, Answer, Assessment, Invitation, Occasion, Participant, Storage
from . import audit, invitations
from .invitations import InvitationStatus

# A discussion-only assessment is visible to the coach while its invitation is in one of these.
OPEN_STATUSES = frozenset({InvitationStatus.NOT_OPENED, InvitationStatus.IN_PROGRESS,
                           InvitationStatus.COMPLETED})


class InvalidOccasionDate(ValueError):
    """A planned date before the participant's intake."""


def occasions_of(session: Session, participant: Participant) -> list[Occasion]:
    """The participant's occasions in programme order."""
    rows = session.exec(select(Occasion).where(Occasion.participant_id == participant.id))
    return sorted(rows, key=lambda o: OCCASION_ORDER.index(o.kind))


def move(session: Session, *, participant: Participant, planned: dict[str, date | None],
         staff_id: int | None = None, ip: str | None = None) -> list[Occasion]:
    """Set the planned date of each occasion named in `planned` (this participant only); the
    audit event names the occasions moved, not their dates."""
    for kind, day in planned.items():
        if day is not None and day < participant.intake_date and kind != "intake":
            raise InvalidOccasionDate(kind)
    occasions = occasions_of(session, participant)
    moved = []
    for occasion in occasions:
        if occasion.kind in planned and planned[occasion.kind] != occasion.planned_date:
            occasion.planned_date = planned[occasion.kind]
            session.add(occasion)
            moved.append(occasion.kind)
    audit.record(session, action="participant.occasions_moved", staff_id=staff_id, ip=ip,
                 object_type="participant", object_id=participant.id, details={"moved": moved})
    session.commit()
    return occasions


@dataclass(frozen=True)
class OccasionResult:
    """One instrument's result at one occasion, as far as the coach may see it."""

    kind: str
    planned_date: date | None
    completed_at: datetime | None
    instrument: Instrument
    answers: dict
    scores: Scores
    not_saved: bool  # discussion-only: shown while the invitation is open, then deleted


def results_of(session: Session, participant: Participant, *, now: datetime | None = None
               ) -> dict[str, list[OccasionResult]]:
    """Completed assessments by instrument key, in occasion order (three queries in all).

    Instruments whose definition keeps individual results from coaches are left out.
    """
    rows = session.exec(
        select(Assessment, Occasion.kind, Occasion.planned_date)
        .join(Occasion, Occasion.id == Assessment.occasion_id)
        .where(Assessment.participant_id == participant.id, Assessment.completed_at.is_not(None))
    ).all()
    visible = []
    for assessment, kind, planned in rows:
        instrument = instruments.get(assessment.instrument_key, assessment.instrument_version)
        if not instrument.shows_individual_results_to("coach"):
            continue
        visible.append((assessment, kind, planned, instrument))
    open_invitations = _open_invitation_ids(session, [a for a, *_ in visible], now=now)
    answers = _answers(session, [a.id for a, *_ in visible])
    results: dict[str, list[OccasionResult]] = defaultdict(list)
    for assessment, kind, planned, instrument in visible:
        not_saved = assessment.storage == Storage.DISCUSSION_ONLY
        if not_saved and assessment.invitation_id not in open_invitations:
            continue
        given = answers.get(assessment.id, {})
        results[instrument.key].append(OccasionResult(
            kind, planned, assessment.completed_at, instrument, given,
            score(instrument, given), not_saved))
    for series in results.values():
        series.sort(key=lambda r: OCCASION_ORDER.index(r.kind))
    return dict(results)


def _answers(session: Session, assessment_ids: list[int]) -> dict[int, dict]:
    if not assessment_ids:
        return {}
    given: dict[int, dict] = defaultdict(dict)
    for answer in session.exec(select(Answer).where(Answer.assessment_id.in_(assessment_ids))):
        given[answer.assessment_id][answer.item_key] = (
            None if answer.skipped else (answer.text if answer.value is None else answer.value))
    return given


def _open_invitation_ids(session: Session, assessments: list[Assessment], *, now=None) -> set[int]:
    ids = {a.invitation_id for a in assessments
           if a.storage == Storage.DISCUSSION_ONLY and a.invitation_id is not None}
    if not ids:
        return set()
    rows = session.exec(select(Invitation).where(Invitation.id.in_(ids)))
    return {inv.id for inv in rows if invitations.status(inv, now=now) in OPEN_STATUSES}
