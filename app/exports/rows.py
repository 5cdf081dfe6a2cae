"""Export rows from one streamed query: pseudonymised on the way out, never held all at once.

The query returns one row per stored answer of a completed assessment, ordered by
participant and occasion; the long layout writes them as they come, the wide layout folds
each participant × occasion into one row. What leaves: a pseudonym instead of the id, days
since intake instead of dates, the quasi-identifiers (unit, intake period, gender, age band,
exit reason) as disclosure control recoded them, and for free text only whether some was
given. Every combination of those five covers at least k participants of the file: the
organisation's recoding makes every atom hold 0 or ≥ k people, and atoms of which fewer
than k people have answers in the file are left out of it (`export_population`).

The rows stay row-level data about people, only pseudonymised: whoever holds the
evaluation's secret can tell who a pseudonym is.
"""
from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import groupby

from sqlalchemy import case, func, or_
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
from ..statistics.rounding import MEAN_DECIMALS, round_half_up
from .columns import NOT_ASKED, NOT_COMPUTABLE, SKIPPED, target_language_column

STREAM_BATCH = 5000


def pseudonym(secret: str, participant_id: int) -> str:
    """HMAC-SHA256 of the participant id under the evaluation's secret (64 bits shown):
    stable across this evaluation's exports, unlinkable to any other evaluation's."""
    digest = hmac.new(secret.encode(), str(participant_id).encode(), hashlib.sha256).hexdigest()
    return digest[:16]


@dataclass(frozen=True)
class FileScope:
    """Whose answers a file holds: the cohort as the evaluator's view shows it, the
    instruments in the file, and which of them (the sensitive ones) leave only when the
    participant consented to their answers being stored."""

    view: EvaluatorView
    cohort: CohortFilter
    instrument_keys: tuple[str, ...]
    consent_required: frozenset[str] = frozenset()
    versions: tuple[int, ...] = ()  # when set: only these versions (comparable with the chosen)

    def conditions(self) -> list:
        """SQL conditions on Participant (joined to Unit) and Assessment."""
        found = [*participant_conditions(self.view, self.cohort), *counted_assessment(),
                 Assessment.instrument_key.in_(self.instrument_keys)]
        if self.versions:
            found.append(Assessment.instrument_version.in_(self.versions))
        if self.consent_required:
            found.append(or_(Assessment.instrument_key.not_in(sorted(self.consent_required)),
                             Assessment.consent_id.is_not(None)))
        return found


def export_population(session: Session, scope: FileScope) -> dict[str, int]:
    """Atoms of which 1 to k − 1 people have an exported assessment in the file, with how
    many: left out, so that every combination of quasi-identifiers in the file covers at
    least k people."""
    atom = atom_expression(scope.view)
    query = (select(atom, func.count(func.distinct(Participant.id)))
             .join(Unit, Unit.id == Participant.unit_id)
             .join(Assessment, Assessment.participant_id == Participant.id)
             .where(*scope.conditions())
             .group_by(atom))
    parts = dict(session.exec(query).all())
    return {atom: parts[atom] for atom in sorted(unsafe_atoms(parts, scope.view.k))}


def answer_rows(session: Session, scope: FileScope, left_out: Iterable[str]):
    """The streamed query: one row per answer, in participant → occasion → instrument order,
    with the recoded quasi-identifiers; the atoms `left_out` are not in it."""
    occasion_order = case({kind.value: i for i, kind in enumerate(OCCASION_ORDER)}, value=Occasion.kind)
    left_out = list(left_out)
    query = (
        select(Participant.id.label("pid"),
               *[label_expression(scope.view, name).label(name) for name in QUASI_IDENTIFIERS],
               Participant.intake_date.label("intake"), Occasion.kind.label("kind"),
               Assessment.instrument_key.label("key"), Assessment.instrument_version.label("version"),
               Assessment.completed_at.label("completed"), Assessment.target_language.label("language"),
               Answer.item_key.label("item"), Answer.value.label("value"),
               Answer.text.is_not(None).label("has_text"), Answer.skipped.label("skipped"))
        .join(Unit, Unit.id == Participant.unit_id)
        .join(Occasion, Occasion.participant_id == Participant.id)
        .join(Assessment, Assessment.occasion_id == Occasion.id)
        .join(Answer, Answer.assessment_id == Assessment.id)
        .where(*scope.conditions(),
               *([atom_expression(scope.view).not_in(left_out)] if left_out else []))
        .order_by(Participant.id, occasion_order, Assessment.instrument_key, Answer.item_key)
        .execution_options(yield_per=STREAM_BATCH)
    )
    return session.execute(query)


def _days(row) -> int:
    return max(0, (row.completed.date() - row.intake).days)


def _background(row, secret: str) -> dict:
    return {
        "pseudonym": pseudonym(secret, row.pid),
        "unit": row.unit,
        "intake_period": row.period,
        "gender": row.gender,
        "age_band": row.age_band,
        "exit_reason": row.exit_reason,
        "occasion": row.kind,
        "days_since_intake": _days(row),
    }


def long_rows(rows: Iterable, secret: str, language_keys: Iterable[str] = ()) -> Iterator[dict]:
    """One output row per answer. Free text becomes `text_given`; its words never leave.
    Instruments about a chosen language (`language_keys`) fill their target-language column
    on their own rows."""
    language_keys = frozenset(language_keys)
    for row in rows:
        record = _background(row, secret)
        record.update(instrument=row.key, instrument_version=row.version, item=row.item,
                      value=None if row.has_text else row.value,
                      skipped=bool(row.skipped), text_given=bool(row.has_text))
        if row.key in language_keys:
            record[target_language_column(row.key)] = row.language
        yield record


def _instrument(key: str, version: int) -> Instrument | None:
    try:
        return get_instrument(key, version)
    except (UnknownInstrument, InstrumentDefinitionError):
        return None


def rounded_score(value: float | None) -> int | float | None:
    """A computed subscale or total as the data supports it: a whole number stays whole
    (a sum, a CEFR level); a fraction (a sum with a missing item replaced by the mean of
    the others) gets the decimals of a mean (`app.statistics.rounding`)."""
    if value is None or isinstance(value, int):
        return value
    return int(value) if float(value).is_integer() else round_half_up(value, MEAN_DECIMALS)


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
        got = None if scores is None else rounded_score(scores.subscales.get(subscale.key))
        values[f"{key}_{subscale.key}"] = NOT_COMPUTABLE if got is None else got
    if instrument.method.has_total:
        got = None if scores is None else rounded_score(scores.total)
        values[f"{key}_total"] = NOT_COMPUTABLE if got is None else got
    return values


def wide_rows(rows: Iterable, secret: str, columns: list[str],
              language_keys: Iterable[str] = ()) -> Iterator[dict]:
    """One output row per participant × occasion; instruments not done there are 'not asked'."""
    language_keys = frozenset(language_keys)
    for _, occasion_rows in groupby(rows, key=lambda r: (r.pid, r.kind)):
        occasion_rows = list(occasion_rows)
        record = dict.fromkeys(columns, NOT_ASKED)
        record.update(_background(occasion_rows[0], secret))
        record["days_since_intake"] = min(_days(r) for r in occasion_rows)
        for (key, version), answers in groupby(occasion_rows, key=lambda r: (r.key, r.version)):
            instrument = _instrument(key, version)
            if instrument is None:
                continue
            answers = list(answers)
            record.update(_assessment_columns(
                instrument, {r.item: r.value for r in answers if not r.has_text},
                {r.item: r.has_text for r in answers}))
            if key in language_keys:
                record[target_language_column(key)] = answers[0].language
        yield record
