"""Read side of the evaluator dashboard: paired intake/exit scores of a filtered cohort.

Scores are stored per completed, stored assessment when it is completed
(`app.services.scores`, with the instrument's own scoring), so discussion-only assessments
never count. Per instrument, the database pairs each participant's intake and exit scores
and aggregates them into counts per gender and (intake score, exit score) for every ref,
with days summed, plus pairs per intake year × gender: a few hundred rows reach Python, not
one per participant, and `app.statistics` does the rest. A 100,000-participant cohort
answers in well under a second on PostgreSQL (bench/README.md).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
from sqlalchemy import Float, case, extract, func, literal, null, or_, text, union_all
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement
from sqlmodel import Session, select

from .. import instruments
from ..instruments import Instrument
from ..instruments.change import RCI_THRESHOLD, standard_error_of_difference
from ..models import (
    Assessment,
    AssessmentScore,
    OccasionKind,
    Organisation,
    Participant,
    ProgrammeGoal,
    Storage,
    Unit,
)
from ..statistics import birth_years_for
from ..statistics.cohort import (
    CohortScores,
    PairCounts,
    YearCounts,
    area_table,
    funnel_table,
    goal_result,
    level_table,
    visible_groups,
    year_table,
)
from ..statistics.refs import TOTAL

DEFAULT_INSTRUMENT = "work_wheel"
# Which aggregate a row of the cohort statement belongs to, besides the refs (0, 1, …).
YEARS, PARTICIPANTS = -1, -2


class DayNumber(FunctionElement):
    """A timestamp as a fractional day count, so differences are days on either database."""

    type = Float()
    inherit_cache = True


@compiles(DayNumber)
def _day_number_sqlite(element, compiler, **kw):
    return f"julianday({compiler.process(element.clauses, **kw)})"


@compiles(DayNumber, "postgresql")
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

    def narrows_people(self) -> bool:
        """Whether a criterion on participants is set beyond the organisation."""
        return any(v is not None for v in (self.unit_id, self.intake_year, self.gender,
                                           self.age_band, self.exit_reason))

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


def occasion_scores(instrument: Instrument, kind: str):
    """Stored scores of `instrument` (or a comparable version) at `kind`: participant, day
    completed and the scores, one row per assessment."""
    return (
        select(AssessmentScore.participant_id,
               DayNumber(AssessmentScore.completed_at).label("day"), AssessmentScore.scores)
        .where(AssessmentScore.instrument_key == instrument.key,
               AssessmentScore.instrument_version.in_(comparable_versions(instrument)),
               AssessmentScore.occasion_kind == kind)
        .subquery(f"{kind}_scores")
    )


def not_comparable_count(session: Session, cohort: CohortFilter, instrument: Instrument) -> int:
    """Assessments in the cohort answered with a version that may not be pooled with
    `instrument`: left out of every figure, and the page says how many. Stored versions are
    always loaded definitions, so with none of them incomparable there is nothing to count."""
    others = [other.version for other in instruments.all_instruments()
              if other.key == instrument.key and not instruments.comparable(instrument, other)]
    if not others:
        return 0
    return session.exec(
        select(func.count())
        .select_from(AssessmentScore)
        .join(Participant, Participant.id == AssessmentScore.participant_id)
        .join(Unit, Unit.id == Participant.unit_id)
        .where(AssessmentScore.instrument_key == instrument.key,
               AssessmentScore.instrument_version.in_(others), *participant_conditions(cohort))
    ).one()


def fetch_scores(session: Session, cohort: CohortFilter, instrument: Instrument) -> CohortScores:
    """The cohort's intake and exit scores, aggregated by the database in one statement.

    `either` holds one row per participant with an intake or exit assessment: gender, intake
    year, days between the two (NULL unless both) and each reported score at both occasions.
    From it, per ref: how many participants of each gender had each (intake, exit)
    combination, with their days summed; per intake year × gender: how many had both
    assessments, with their days summed; and how many participants there are. Only pairs
    are aggregated (and intake scores read only for them), except for level instruments,
    whose level distributions at each occasion take everyone.
    """
    if session.get_bind().dialect.name == "postgresql":
        # Compiling this short query to machine code costs more than it saves.
        session.exec(text("SET LOCAL jit = off"))
    intake = occasion_scores(instrument, OccasionKind.INTAKE.value)
    exit_ = occasion_scores(instrument, OccasionKind.EXIT.value)
    refs = reported_refs(instrument)
    everyone = instrument.method.counts_levels
    paired = exit_.c.participant_id.is_not(None)

    def at_intake(ref: str):
        value = intake.c.scores[ref].as_float()
        return value if everyone else case((paired, value))

    either = (
        select(Participant.gender.label("gender"), intake_year_of().label("year"),
               (exit_.c.day - intake.c.day).label("days"),
               *[at_intake(ref).label(f"before_{n}") for n, ref in enumerate(refs)],
               *[exit_.c.scores[ref].as_float().label(f"after_{n}") for n, ref in enumerate(refs)])
        .join(Unit, Unit.id == Participant.unit_id)
        .outerjoin(intake, intake.c.participant_id == Participant.id)
        .outerjoin(exit_, exit_.c.participant_id == Participant.id)
        .where(*participant_conditions(cohort),
               or_(intake.c.participant_id.is_not(None), exit_.c.participant_id.is_not(None)))
        .cte("either")
    )
    nothing = null().cast(Float)
    counted = [] if everyone else [either.c.days.is_not(None)]
    branches = [
        select(literal(n), either.c.gender, nothing, either.c[f"before_{n}"], either.c[f"after_{n}"],
               func.count(), func.sum(either.c.days))
        .where(*counted)
        .group_by(either.c.gender, either.c[f"before_{n}"], either.c[f"after_{n}"])
        for n in range(len(refs))
    ]
    branches.append(
        select(literal(YEARS), either.c.gender, either.c.year, nothing, nothing,
               func.count(either.c.days), func.sum(either.c.days))
        .group_by(either.c.gender, either.c.year))
    branches.append(select(literal(PARTICIPANTS), null(), nothing, nothing, nothing, func.count(), nothing)
                    .select_from(either))
    rows = session.exec(union_all(*branches)).all()
    return _cohort_scores(rows, refs)


def _cohort_scores(rows, refs: list[str]) -> CohortScores:
    """The aggregate rows (ref index, YEARS or PARTICIPANTS; gender, year, intake score, exit
    score, participants, days summed) as CohortScores."""
    def floats(values) -> np.ndarray:
        return np.array([np.nan if v is None else float(v) for v in values], dtype=float)

    by_ref: dict[int, list] = {}
    for row in rows:
        by_ref.setdefault(int(row[0]), []).append(row)
    pairs = {
        ref: PairCounts(gender=np.array([r[1] for r in found], dtype=object),
                        before=floats(r[3] for r in found), after=floats(r[4] for r in found),
                        n=np.array([int(r[5]) for r in found], dtype=int),
                        days=floats(r[6] for r in found))
        for n, ref in enumerate(refs) for found in [by_ref.get(n, [])]
    }
    years = [r for r in by_ref.get(YEARS, []) if r[5]]
    return CohortScores(
        participants=sum(int(r[5]) for r in by_ref.get(PARTICIPANTS, [])),
        pairs=pairs,
        years=YearCounts(year=np.array([int(r[2]) for r in years], dtype=int),
                         gender=np.array([r[1] for r in years], dtype=object),
                         n=np.array([int(r[5]) for r in years], dtype=int),
                         days=floats(r[6] for r in years)),
    )


def reported_refs(instrument: Instrument) -> list[str]:
    """The rows of the table: areas (+ their mean) for wheels, subscales + total for KASAM,
    skills + overall level for CEFR, as the scoring method says."""
    return instrument.method.reported_refs(instrument)


def reliable_change_sd(instrument: Instrument) -> dict[str, float]:
    """Refs that get a Jacobson–Truax reliable change share (the KASAM total)."""
    if instrument.method.reliable_change and instrument.reliability and instrument.reference_sd:
        return {TOTAL: standard_error_of_difference(instrument.reliability, instrument.reference_sd)}
    return {}


def funnel_counts(session: Session, cohort: CohortFilter) -> dict[str, list[int]]:
    """Per unit: registered, and with any completed stored assessment (a stored score) at
    intake, exit and follow-up, in one grouped query over the (participant, occasion kind)
    index of the stored scores."""
    kinds = (OccasionKind.INTAKE, OccasionKind.EXIT, OccasionKind.FOLLOW_UP)
    # A narrowed cohort reads only its own people's scores; a whole organisation is cheaper
    # read in one pass than through that restriction.
    members = ([AssessmentScore.participant_id.in_(
        select(Participant.id).join(Unit, Unit.id == Participant.unit_id)
        .where(*participant_conditions(cohort)))] if cohort.narrows_people() else [])
    done = (
        select(AssessmentScore.participant_id,
               *[func.max(case((AssessmentScore.occasion_kind == kind.value, 1), else_=0)).label(kind.value)
                 for kind in kinds])
        .where(*members)
        .group_by(AssessmentScore.participant_id)
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
    not_comparable: int = 0  # assessments of versions that cannot be pooled: left out

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
        ref = goal.target or instrument.method.headline_ref
        if ref not in scores.pairs:
            continue
        s_diff = reliable_change_sd(instrument).get(ref) if goal.measure == "reliable_improvement" else None
        cells = goal_result(scores.pairs[ref], target_percent=goal.target_percent,
                            threshold=threshold, s_diff=s_diff, rci_threshold=RCI_THRESHOLD)
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
    if instrument.method.counts_levels:
        scale = instrument.scale_of(instrument.scored_items[0])
        levels = level_table(scores, refs, scale.min, scale.max, threshold)
    return Dashboard(
        instrument=instrument,
        participants=len(scores),
        refs=refs,
        rows=rows,
        groups=visible_groups(rows),
        years=year_table(scores.years, threshold),
        levels=levels,
        funnel=funnel_table(funnel_counts(session, cohort), threshold),
        goals=goal_reports(session, cohort, threshold, scores_of),
        not_comparable=not_comparable_count(session, cohort, instrument),
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
