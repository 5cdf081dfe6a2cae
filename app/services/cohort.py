"""Read side of the evaluator dashboard: paired intake/exit scores of a filtered cohort.

One SQL statement per instrument pivots the answers of completed, stored intake and exit
assessments into one row per participant (conditional aggregates, no per-person queries);
numpy scores the columns with the instrument's own rules and `app.statistics` does the rest.
Discussion-only assessments never count: their answers are deleted when the conversation
closes, and the filter `storage = 'stored'` keeps half-closed ones out too.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
from sqlalchemy import Float, case, extract, func, or_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement
from sqlmodel import Session, select

from .. import instruments
from ..instruments import Instrument
from ..instruments.change import RCI_THRESHOLD, standard_error_of_difference
from ..models import (
    Answer,
    Assessment,
    Occasion,
    OccasionKind,
    Organisation,
    Participant,
    ProgrammeGoal,
    Storage,
    Unit,
)
from ..statistics import birth_years_for, score_columns
from ..statistics.cohort import (
    CohortScores,
    area_table,
    funnel_table,
    goal_result,
    level_table,
    visible_groups,
    year_table,
)
from ..statistics.vectorised import MEAN_OF_ITEMS, TOTAL

DEFAULT_INSTRUMENT = "work_wheel"


class day_number(FunctionElement):
    """A timestamp as a fractional day count, so differences are days on either database."""

    type = Float()
    inherit_cache = True


@compiles(day_number)
def _day_number_sqlite(element, compiler, **kw):
    return f"julianday({compiler.process(element.clauses, **kw)})"


@compiles(day_number, "postgresql")
def _day_number_postgresql(element, compiler, **kw):
    return f"(extract(epoch from {compiler.process(element.clauses, **kw)}) / 86400.0)"


@dataclass(frozen=True)
class CohortFilter:
    """Who is in the cohort. `organisation_id` is the evaluator's scope and always set."""

    organisation_id: int
    unit_id: int | None = None
    intake_year: int | None = None
    gender: str | None = None
    age_band: str | None = None
    exit_reason: str | None = None
    instrument_key: str | None = None

    def as_details(self) -> dict:
        """The filter as audit details: only the criteria that were set."""
        return {k: v for k, v in asdict(self).items() if v is not None}


def intake_year_of(column=Participant.intake_date):
    return extract("year", column)


def participant_conditions(cohort: CohortFilter) -> list:
    """SQL conditions on Participant (joined to Unit) for every criterion of the filter."""
    conditions = [Unit.organisation_id == cohort.organisation_id]
    if cohort.unit_id is not None:
        conditions.append(Participant.unit_id == cohort.unit_id)
    if cohort.intake_year is not None:
        conditions.append(intake_year_of() == cohort.intake_year)
    if cohort.gender is not None:
        conditions.append(Participant.gender == cohort.gender)
    if cohort.age_band is not None:
        conditions.append(birth_years_for(cohort.age_band, intake_year_of(), Participant.birth_year))
    if cohort.exit_reason is not None:
        conditions.append(Participant.exit_reason == cohort.exit_reason)
    return conditions


def counted_assessment() -> list:
    """What counts: completed and stored (never discussion-only)."""
    return [Assessment.completed_at.is_not(None), Assessment.storage == Storage.STORED.value]


def current_instruments() -> list[Instrument]:
    """The newest version of every instrument, by key."""
    return [instruments.latest(key) for key in instruments.registry().keys()]  # noqa: SIM118


def comparable_versions(instrument: Instrument) -> list[int]:
    """Versions whose scores may be pooled with `instrument`'s (declared comparable)."""
    return [other.version for other in instruments.all_instruments()
            if instruments.comparable(instrument, other)]


def cohort_members(cohort: CohortFilter):
    """The ids of the cohort's participants, as a subquery to restrict assessments early."""
    return (select(Participant.id).join(Unit, Unit.id == Participant.unit_id)
            .where(*participant_conditions(cohort)))


def pivoted_answers(instrument: Instrument, kind: str, cohort: CohortFilter):
    """One row per completed, stored assessment of `instrument` at `kind` in the cohort:
    participant, day, and the raw value of every scored item as a column (conditional
    aggregates; the cohort restriction lets a small cohort skip everyone else's answers)."""
    items = [
        func.max(case((Answer.item_key == item.key, Answer.value))).label(item.key)
        for item in instrument.scored_items
    ]
    return (
        select(Assessment.participant_id, day_number(Assessment.completed_at).label("day"), *items)
        .join(Occasion, Occasion.id == Assessment.occasion_id)
        .join(Answer, Answer.assessment_id == Assessment.id)
        .where(
            Occasion.kind == kind,
            Assessment.instrument_key == instrument.key,
            Assessment.instrument_version.in_(comparable_versions(instrument)),
            Assessment.participant_id.in_(cohort_members(cohort)),
            *counted_assessment(),
        )
        .group_by(Assessment.id, Assessment.participant_id, Assessment.completed_at)
        .subquery(f"{kind}_answers")
    )


def fetch_scores(session: Session, cohort: CohortFilter, instrument: Instrument) -> CohortScores:
    """Scores at intake and exit for everyone in the cohort with either assessment."""
    intake = pivoted_answers(instrument, OccasionKind.INTAKE.value, cohort)
    exit_ = pivoted_answers(instrument, OccasionKind.EXIT.value, cohort)
    keys = [item.key for item in instrument.scored_items]
    query = (
        select(
            Participant.gender, intake_year_of(), intake.c.day, exit_.c.day,
            *[intake.c[k] for k in keys], *[exit_.c[k] for k in keys],
        )
        .join(Unit, Unit.id == Participant.unit_id)
        .outerjoin(intake, intake.c.participant_id == Participant.id)
        .outerjoin(exit_, exit_.c.participant_id == Participant.id)
        .where(*participant_conditions(cohort),
               or_(intake.c.participant_id.is_not(None), exit_.c.participant_id.is_not(None)))
    )
    rows = session.exec(query).all()
    # One conversion for all numeric columns: numpy turns SQL NULL (None) into NaN.
    numbers = np.array([row[2:] for row in rows], dtype=float).reshape(len(rows), 2 + 2 * len(keys))
    width = len(keys)
    return CohortScores(
        gender=np.array([row[0] for row in rows], dtype=object),
        intake_year=np.array([int(row[1]) for row in rows], dtype=int),
        days=numbers[:, 1] - numbers[:, 0],
        intake=score_columns(instrument, {k: numbers[:, 2 + i] for i, k in enumerate(keys)}),
        exit=score_columns(instrument, {k: numbers[:, 2 + width + i] for i, k in enumerate(keys)}),
    )


def reported_refs(instrument: Instrument) -> list[str]:
    """The rows of the table: areas (+ their mean) for wheels, subscales + total for KASAM,
    skills + overall level for CEFR."""
    method = instrument.scoring.method
    if method == "subscale_sum":
        return [s.key for s in instrument.subscales] + [TOTAL]
    items = [item.key for item in instrument.scored_items]
    return items + ([TOTAL] if method == "level_median" else [MEAN_OF_ITEMS])


def reliable_change_sd(instrument: Instrument) -> dict[str, float]:
    """Refs that get a Jacobson–Truax reliable change share (the KASAM total)."""
    if instrument.scoring.method == "subscale_sum" and instrument.reliability and instrument.reference_sd:
        return {TOTAL: standard_error_of_difference(instrument.reliability, instrument.reference_sd)}
    return {}


def funnel_counts(session: Session, cohort: CohortFilter) -> dict[str, list[int]]:
    """Per unit: registered, and with any completed stored assessment at intake, exit and
    follow-up, in one grouped query."""
    kinds = (OccasionKind.INTAKE, OccasionKind.EXIT, OccasionKind.FOLLOW_UP)
    done = (
        select(Assessment.participant_id,
               *[func.max(case((Occasion.kind == kind.value, 1), else_=0)).label(kind.value)
                 for kind in kinds])
        .join(Occasion, Occasion.id == Assessment.occasion_id)
        .where(Assessment.participant_id.in_(cohort_members(cohort)), *counted_assessment())
        .group_by(Assessment.participant_id)
        .subquery("done")
    )
    query = (
        select(Unit.name, func.count(Participant.id),
               *[func.coalesce(func.sum(done.c[kind.value]), 0) for kind in kinds])
        .join(Unit, Unit.id == Participant.unit_id)
        .outerjoin(done, done.c.participant_id == Participant.id)
        .where(*participant_conditions(cohort))
        .group_by(Unit.name)
        .order_by(Unit.name)
    )
    return {row[0]: [int(v) for v in row[1:]] for row in session.exec(query).all()}


@dataclass
class GoalReport:
    goal: ProgrammeGoal
    cells: dict


@dataclass
class Dashboard:
    """Everything the cohort page shows, already suppressed."""

    instrument: Instrument
    participants: int
    refs: list[str]
    rows: list
    groups: list[str]
    years: object
    levels: list | None
    funnel: object
    goals: list[GoalReport] = field(default_factory=list)

    @property
    def reliable(self) -> bool:
        """Whether a reliable-change share is shown (instruments with reliability: KASAM)."""
        return bool(reliable_change_sd(self.instrument))


def goals_of(session: Session, organisation_id: int) -> list[ProgrammeGoal]:
    """The organisation's programme goals in the order they were recorded."""
    return list(session.exec(select(ProgrammeGoal).where(
        ProgrammeGoal.organisation_id == organisation_id).order_by(ProgrammeGoal.id)).all())


def goal_reports(session: Session, cohort: CohortFilter, threshold: int,
                 scores_of) -> list[GoalReport]:
    """Each programme goal of the organisation against the cohort's result, by gender."""
    reports = []
    for goal in goals_of(session, cohort.organisation_id):
        try:
            instrument = instruments.latest(goal.instrument_key)
        except instruments.UnknownInstrument:
            continue
        scores = scores_of(instrument)
        ref = goal.target or (TOTAL if instrument.scoring.method != "per_item" else MEAN_OF_ITEMS)
        if ref not in scores.intake:
            continue
        s_diff = reliable_change_sd(instrument).get(ref) if goal.measure == "reliable_improvement" else None
        cells = goal_result(scores.intake[ref], scores.exit[ref], scores.gender,
                            target_percent=goal.target_percent, threshold=threshold,
                            s_diff=s_diff, rci_threshold=RCI_THRESHOLD)
        reports.append(GoalReport(goal, cells))
    return reports


def dashboard(session: Session, cohort: CohortFilter, threshold: int) -> Dashboard:
    """Fetch and compute the whole cohort page for one instrument."""
    instrument = instruments.latest(cohort.instrument_key or DEFAULT_INSTRUMENT)
    cache: dict[str, CohortScores] = {}

    def scores_of(which: Instrument) -> CohortScores:
        if which.key not in cache:
            cache[which.key] = fetch_scores(session, cohort, which)
        return cache[which.key]

    scores = scores_of(instrument)
    refs = reported_refs(instrument)
    rows = area_table(scores, refs, threshold, reliable_change_sd(instrument), RCI_THRESHOLD)
    levels = None
    if instrument.scoring.method == "level_median":
        scale = instrument.scale_of(instrument.scored_items[0])
        levels = level_table(scores, refs, scale.min, scale.max, threshold)
    return Dashboard(
        instrument=instrument,
        participants=len(scores),
        refs=refs,
        rows=rows,
        groups=visible_groups(rows),
        years=year_table(scores, threshold),
        levels=levels,
        funnel=funnel_table(funnel_counts(session, cohort), threshold),
        goals=goal_reports(session, cohort, threshold, scores_of),
    )


def organisations_for(session: Session, *, role: str, organisation_id: int) -> list[Organisation]:
    """The organisations a staff user may look at: admins all, evaluators their own."""
    query = select(Organisation).order_by(Organisation.name)
    if role != "admin":
        query = query.where(Organisation.id == organisation_id)
    return list(session.exec(query).all())


def units_of(session: Session, organisation_id: int) -> list[Unit]:
    return list(session.exec(select(Unit).where(Unit.organisation_id == organisation_id)
                             .order_by(Unit.name)).all())


def intake_years(session: Session, organisation_id: int) -> list[int]:
    """Intake years that occur in the organisation, newest first, for the filter."""
    query = (select(intake_year_of()).distinct().join(Unit, Unit.id == Participant.unit_id)
             .where(Unit.organisation_id == organisation_id))
    return sorted((int(y) for y in session.exec(query).all() if y is not None), reverse=True)
