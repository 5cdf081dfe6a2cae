"""Export rows from one streamed query: anonymised on the way out, never held all at once.

The query returns one row per stored answer of a completed assessment, ordered by
participant and occasion; the long layout writes them as they come, the wide layout folds
each participant × occasion into one row. What leaves: a pseudonym instead of the id, days
since intake instead of dates, the quasi-identifiers (unit, intake period, gender, age band,
exit reason) as disclosure control recoded them, and for free text only whether some was
given. Every combination of those five covers at least k participants of the file: the
organisation's recoding makes every atom hold 0 or ≥ k people, and atoms of which fewer
than k people have answers in the file are left out of it (`export_population`).
"""
from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Iterator
from itertools import groupby

from sqlalchemy import case, func
from sqlmodel import Session, select

from ..instruments import Instrument, InstrumentDefinitionError, UnknownInstrument
from ..instruments import get as get_instrument
from ..instruments.scoring import InvalidAnswer, score
from ..models import OCCASION_ORDER, Answer, Assessment, Occasion, Participant, Unit
from ..services.cohort import CohortFilter, counted_assessment, participant_conditions
from ..services.disclosure import (
    QUASI_IDENTIFIERS,
    EvaluatorView,
    atom_expression,
    label_expression,
)
from ..statistics.disclosure import unsafe_atoms
from .columns import NOT_ASKED, NOT_COMPUTABLE, SKIPPED

STREAM_BATCH = 5000


def pseudonym(secret: str, participant_id: int) -> str:
    """HMAC-SHA256 of the participant id under the evaluation's secret (64 bits shown):
    stable across this evaluation's exports, unlinkable to any other evaluation's."""
    digest = hmac.new(secret.encode(), str(participant_id).encode(), hashlib.sha256).hexdigest()
    return digest[:16]


def export_population(session: Session, view: EvaluatorView, cohort: CohortFilter,
                      instrument_keys: list[str]) -> list[str]:
    """Atoms of which 1 to k − 1 people have a counted assessment in the file: left out, so
    that every combination of quasi-identifiers in the file covers at least k people."""
    atom = atom_expression(view)
    query = (select(atom, func.count(func.distinct(Participant.id)))
             .join(Unit, Unit.id == Participant.unit_id)
             .join(Assessment, Assessment.participant_id == Participant.id)
             .where(*participant_conditions(view, cohort), *counted_assessment(),
                    Assessment.instrument_key.in_(instrument_keys))
             .group_by(atom))
    return sorted(unsafe_atoms(dict(session.exec(query).all()), view.k))


def answer_rows(session: Session, view: EvaluatorView, cohort: CohortFilter,
                instrument_keys: list[str]):
    """The streamed query: one row per answer, in participant → occasion → instrument order,
    with the recoded quasi-identifiers."""
    occasion_order = case({kind.value: i for i, kind in enumerate(OCCASION_ORDER)}, value=Occasion.kind)
    left_out = export_population(session, view, cohort, instrument_keys)
    query = (
        select(Participant.id, *[label_expression(view, name) for name in QUASI_IDENTIFIERS],
               Participant.intake_date, Occasion.kind,
               Assessment.instrument_key, Assessment.instrument_version, Assessment.completed_at,
               Answer.item_key, Answer.value, Answer.text.is_not(None), Answer.skipped)
        .join(Unit, Unit.id == Participant.unit_id)
        .join(Occasion, Occasion.participant_id == Participant.id)
        .join(Assessment, Assessment.occasion_id == Occasion.id)
        .join(Answer, Answer.assessment_id == Assessment.id)
        .where(*participant_conditions(view, cohort), *counted_assessment(),
               Assessment.instrument_key.in_(instrument_keys),
               *([atom_expression(view).not_in(left_out)] if left_out else []))
        .order_by(Participant.id, occasion_order, Assessment.instrument_key, Answer.item_key)
        .execution_options(yield_per=STREAM_BATCH)
    )
    return session.execute(query)


# Positions in an answer row.
PID, INTAKE, KIND, KEY, VERSION, COMPLETED, ITEM, VALUE, HAS_TEXT, SKIPPED_FLAG = (
    0, 6, 7, 8, 9, 10, 11, 12, 13, 14)


def _background(row, secret: str) -> dict:
    unit, period, gender, band, reason = row[1:6]
    return {
        "pseudonym": pseudonym(secret, row[PID]),
        "unit": unit,
        "intake_period": period,
        "gender": gender,
        "age_band": band,
        "exit_reason": reason,
        "occasion": row[KIND],
        "days_since_intake": max(0, (row[COMPLETED].date() - row[INTAKE]).days),
    }


def long_rows(rows: Iterable, secret: str) -> Iterator[dict]:
    """One output row per answer. Free text becomes `text_given`; its words never leave."""
    for row in rows:
        record = _background(row, secret)
        record.update(instrument=row[KEY], instrument_version=row[VERSION], item=row[ITEM],
                      value=None if row[HAS_TEXT] else row[VALUE],
                      skipped=bool(row[SKIPPED_FLAG]), text_given=bool(row[HAS_TEXT]))
        yield record


def _instrument(key: str, version: int) -> Instrument | None:
    try:
        return get_instrument(key, version)
    except (UnknownInstrument, InstrumentDefinitionError):
        return None


def _assessment_columns(instrument: Instrument, answers: dict, flags: dict) -> dict:
    """Raw answers, text-given flags, subscales and total of one assessment, with SPSS codes
    for what is missing (negative; the CSV writes them as empty)."""
    key = instrument.key
    values: dict = {f"{key}_version": instrument.version}
    text_items = {i.key for i in instrument.items} - {i.key for i in instrument.scored_items}
    for item in instrument.items:
        if item.key in text_items:
            values[f"{key}_{item.key}_given"] = bool(flags.get(item.key))
        else:
            raw = answers.get(item.key)
            values[f"{key}_{item.key}"] = SKIPPED if raw is None else raw
    try:
        scores = score(instrument, {k: v for k, v in answers.items() if k not in text_items})
    except InvalidAnswer:
        scores = None
    for subscale in instrument.subscales:
        got = None if scores is None else scores.subscales.get(subscale.key)
        values[f"{key}_{subscale.key}"] = NOT_COMPUTABLE if got is None else got
    if instrument.method.has_total:
        values[f"{key}_total"] = NOT_COMPUTABLE if scores is None or scores.total is None else scores.total
    return values


def wide_rows(rows: Iterable, secret: str, columns: list[str]) -> Iterator[dict]:
    """One output row per participant × occasion; instruments not done there are 'not asked'."""
    for _, occasion_rows in groupby(rows, key=lambda r: (r[PID], r[KIND])):
        occasion_rows = list(occasion_rows)
        record = dict.fromkeys(columns, NOT_ASKED)
        record.update(_background(occasion_rows[0], secret))
        record["days_since_intake"] = min(
            max(0, (r[COMPLETED].date() - r[INTAKE]).days) for r in occasion_rows)
        for (key, version), answers in groupby(occasion_rows, key=lambda r: (r[KEY], r[VERSION])):
            instrument = _instrument(key, version)
            if instrument is None:
                continue
            answers = list(answers)
            record.update(_assessment_columns(
                instrument, {r[ITEM]: r[VALUE] for r in answers if not r[HAS_TEXT]},
                {r[ITEM]: r[HAS_TEXT] for r in answers}))
        yield record
