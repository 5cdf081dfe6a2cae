"""Stored scores: one row per completed, stored assessment, written when it is completed.

Why: the cohort dashboard pairs intake and exit scores of up to 100,000 participants per
request, and pivoting every answer row for that took seconds. Scoring once, at completion,
with the instrument's own `scoring.score` (the single source of truth, reversal and mean
substitution included) leaves the read side one narrow row per assessment to aggregate.
Discussion-only assessments are never scored: their answers are not kept either.

After a change to an instrument's definition (or for data loaded without the participant
flow), `flask scores rebuild` recomputes every row from the stored answers.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import delete, insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from .. import instruments
from ..instruments import Instrument
from ..instruments.scoring import Answer as AnswerValue
from ..instruments.scoring import InvalidAnswer, score
from ..models import Answer, Assessment, AssessmentScore, Occasion, Storage

REBUILD_BATCH = 5000
UPSERT_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def scores_by_ref(instrument: Instrument, answers: Mapping[str, AnswerValue]) -> dict[str, float | None]:
    """Every score of one assessment by ref: items after reversal, subscales, "total" where
    the instrument has one, and for per-item instruments (the wheels) "mean", the mean of
    the answered areas. None where a score cannot be computed. Invalid answers raise."""
    scored = score(instrument, answers)
    method = instrument.method
    return {**scored.items, **scored.subscales, method.headline_ref: method.headline(scored)}


def counts(assessment: Assessment) -> bool:
    """Only completed, stored assessments are scored (never discussion-only ones)."""
    return assessment.completed_at is not None and assessment.storage == Storage.STORED.value


def _row(assessment: Assessment, occasion_kind: str,
         answers: Mapping[str, AnswerValue]) -> dict | None:
    try:
        instrument = instruments.get(assessment.instrument_key, assessment.instrument_version)
        refs = scores_by_ref(instrument, answers)
    except (instruments.UnknownInstrument, InvalidAnswer):
        return None  # cannot be scored: it does not count, as in the exports
    return {"assessment_id": assessment.id, "participant_id": assessment.participant_id,
            "instrument_key": assessment.instrument_key,
            "instrument_version": assessment.instrument_version,
            "occasion_kind": occasion_kind, "completed_at": assessment.completed_at, "scores": refs}


def answers_of(rows: Iterable) -> dict[str, AnswerValue]:
    """Stored answer rows (item_key, value, text) as the scoring engine takes them."""
    return {item_key: text if text is not None else value for item_key, value, text in rows}


def record(session: Session, assessment: Assessment) -> AssessmentScore | None:
    """(Re)write the stored scores of one assessment; the caller commits. Returns None (and
    removes any old row) when the assessment does not count or cannot be scored.

    One upsert statement, not delete-then-insert: two requests rescoring the same assessment
    at once (a double tap on the last question, or on a changed answer) must both succeed,
    and the later one's scores stand.
    """
    row = None
    if counts(assessment):
        kind = session.get(Occasion, assessment.occasion_id).kind
        answers = answers_of(session.exec(select(Answer.item_key, Answer.value, Answer.text).where(
            Answer.assessment_id == assessment.id)).all())
        row = _row(assessment, kind, answers)
    if row is None:
        forget(session, [assessment.id])
        return None
    return session.scalars(_upsert(session, row).returning(AssessmentScore),
                           execution_options={"populate_existing": True}).one()


def forget(session: Session, assessment_ids: Iterable[int]) -> int:
    """Delete the stored scores of these assessments (consent withdrawn, a person erased); the
    caller commits. Returns how many rows went: from now on no figure counts them."""
    ids = list(assessment_ids)
    if not ids:
        return 0
    return session.execute(delete(AssessmentScore)
                           .where(AssessmentScore.assessment_id.in_(ids))).rowcount


def _upsert(session: Session, row: dict):
    """INSERT … ON CONFLICT (assessment_id) DO UPDATE, in the session's database's dialect."""
    dialect = session.get_bind().dialect.name
    if dialect not in UPSERT_INSERTS:
        # Stegvis supports SQLite and PostgreSQL only (both have ON CONFLICT).
        raise RuntimeError(f"unsupported database {dialect!r}: use SQLite or PostgreSQL")
    statement = UPSERT_INSERTS[dialect](AssessmentScore).values(**row)
    return statement.on_conflict_do_update(
        index_elements=[AssessmentScore.assessment_id],
        set_={name: statement.excluded[name] for name in row if name != "assessment_id"})


def rebuild(session: Session, batch: int = REBUILD_BATCH) -> int:
    """Recompute the stored scores of every completed, stored assessment, in batches of
    `batch` assessments with bulk inserts; commits and returns how many rows were written."""
    session.connection().execute(delete(AssessmentScore))
    written, last_id = 0, 0
    while True:
        found = session.exec(
            select(Assessment, Occasion.kind).join(Occasion, Occasion.id == Assessment.occasion_id)
            .where(Assessment.id > last_id, Assessment.completed_at.is_not(None),
                   Assessment.storage == Storage.STORED.value)
            .order_by(Assessment.id).limit(batch)).all()
        if not found:
            break
        last_id = found[-1][0].id
        answers: dict[int, list] = {}
        for assessment_id, *row in session.exec(
                select(Answer.assessment_id, Answer.item_key, Answer.value, Answer.text)
                .where(Answer.assessment_id.between(found[0][0].id, last_id))).all():
            answers.setdefault(assessment_id, []).append(row)
        rows = [r for assessment, kind in found
                if (r := _row(assessment, kind, answers_of(answers.get(assessment.id, [])))) is not None]
        if rows:
            session.connection().execute(insert(AssessmentScore), rows)
        written += len(rows)
        session.expunge_all()
    session.commit()
    return written
