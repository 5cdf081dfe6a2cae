"""Export rows from one streamed query: anonymised on the way out, never held all at once.

The query returns one row per stored answer of a completed assessment, ordered by
participant and occasion; the long layout writes them as they come, the wide layout folds
each participant × occasion into one row. What leaves: a pseudonym instead of the id, days
since intake instead of dates, an age band instead of the birth year, a merged unit for
small units, and for free text only whether some was given.
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
from ..statistics.age import age_band
from .columns import NOT_ASKED, NOT_COMPUTABLE, OTHER_UNIT, SKIPPED

STREAM_BATCH = 5000


def pseudonym(secret: str, participant_id: int) -> str:
    """HMAC-SHA256 of the participant id under the evaluation's secret (64 bits shown):
    stable across this evaluation's exports, unlinkable to any other evaluation's."""
    digest = hmac.new(secret.encode(), str(participant_id).encode(), hashlib.sha256).hexdigest()
    return digest[:16]


def unit_labels(session: Session, cohort: CohortFilter, threshold: int) -> dict[int, str]:
    """Unit id → the name exported; units with fewer participants than the threshold → 'other'."""
    query = (select(Unit.id, Unit.name, func.count(Participant.id))
             .join(Participant, Participant.unit_id == Unit.id)
             .where(*participant_conditions(cohort)).group_by(Unit.id, Unit.name))
    return {uid: (name if n >= threshold else OTHER_UNIT) for uid, name, n in session.exec(query).all()}


def answer_rows(session: Session, cohort: CohortFilter, instrument_keys: list[str]):
    """The streamed query: one row per answer, in participant → occasion → instrument order."""
    occasion_order = case({kind.value: i for i, kind in enumerate(OCCASION_ORDER)}, value=Occasion.kind)
    query = (
        select(Participant.id, Participant.unit_id, Participant.gender, Participant.birth_year,
               Participant.intake_date, Participant.exit_reason, Occasion.kind,
               Assessment.instrument_key, Assessment.instrument_version, Assessment.completed_at,
               Answer.item_key, Answer.value, Answer.text.is_not(None), Answer.skipped)
        .join(Unit, Unit.id == Participant.unit_id)
        .join(Occasion, Occasion.participant_id == Participant.id)
        .join(Assessment, Assessment.occasion_id == Occasion.id)
        .join(Answer, Answer.assessment_id == Assessment.id)
        .where(*participant_conditions(cohort), *counted_assessment(),
               Assessment.instrument_key.in_(instrument_keys))
        .order_by(Participant.id, occasion_order, Assessment.instrument_key, Answer.item_key)
        .execution_options(yield_per=STREAM_BATCH)
    )
    return session.execute(query)


def _background(row, secret: str, units: dict[int, str]) -> dict:
    (pid, unit_id, gender, birth_year, intake_date, exit_reason, kind, *_rest) = row
    completed = row[9]
    return {
        "pseudonym": pseudonym(secret, pid),
        "unit": units.get(unit_id, OTHER_UNIT),
        "gender": gender,
        "age_band": age_band(birth_year, intake_date.year),
        "exit_reason": exit_reason,
        "occasion": kind,
        "days_since_intake": max(0, (completed.date() - intake_date).days),
    }


def long_rows(rows: Iterable, secret: str, units: dict[int, str]) -> Iterator[dict]:
    """One output row per answer. Free text becomes `text_given`; its words never leave."""
    for row in rows:
        record = _background(row, secret, units)
        _, _, _, _, _, _, _, key, version, _, item, value, has_text, skipped = row
        record.update(instrument=key, instrument_version=version, item=item,
                      value=None if has_text else value, skipped=bool(skipped),
                      text_given=bool(has_text))
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


def wide_rows(rows: Iterable, secret: str, units: dict[int, str], columns: list[str]) -> Iterator[dict]:
    """One output row per participant × occasion; instruments not done there are 'not asked'."""
    for _, occasion_rows in groupby(rows, key=lambda r: (r[0], r[6])):
        occasion_rows = list(occasion_rows)
        record = dict.fromkeys(columns, NOT_ASKED)
        record.update(_background(occasion_rows[0], secret, units))
        record["days_since_intake"] = min(
            max(0, (r[9].date() - r[4]).days) for r in occasion_rows)
        for (key, version), answers in groupby(occasion_rows, key=lambda r: (r[7], r[8])):
            instrument = _instrument(key, version)
            if instrument is None:
                continue
            answers = list(answers)
            record.update(_assessment_columns(
                instrument, {r[10]: r[11] for r in answers if not r[12]},
                {r[10]: r[12] for r in answers}))
        yield record
