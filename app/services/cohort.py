"""Read side of the evaluator dashboard: paired intake/exit scores of a filtered cohort.

Disclosure control first (`app.services.disclosure`): filters and breakdowns are the
organisation's k-anonymous groups, and every part of a cohort a figure is computed from
(pairs, answers at one occasion, stages of the funnel) is taken atom by atom, leaving out
any atom whose part holds 1 to k − 1 people.

Scores are stored per completed, stored assessment when it is completed
(`app.services.scores`, with the instrument's own scoring), so discussion-only assessments
never count. Per instrument, the database pairs each participant's intake and exit scores
and aggregates them into counts per gender and (intake score, exit score) for every ref,
with days summed, plus pairs per intake year × gender: a few hundred rows reach Python, not
one per participant, and `app.statistics` does the rest. A 100,000-participant cohort
answers in well under a second on PostgreSQL (bench/README.md).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

import numpy as np
from sqlalchemy import Float, String, and_, case, func, literal, null, or_, text, union_all
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
from ..statistics.disclosure import unsafe_atoms
from ..statistics.refs import TOTAL
from .disclosure import (
    QUASI_IDENTIFIERS,
    EvaluatorView,
    atom_expression,
    conditions,
    label_expression,
    view_of,
)

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
    """Who is in the cohort. `organisation_id` is the evaluator's scope and always set; the
    other criteria are labels of the organisation's k-anonymous groups (`EvaluatorView`)."""

    organisation_id: int
    unit: str | None = None
    period: str | None = None
    gender: str | None = None
    age_band: str | None = None
    exit_reason: str | None = None
    instrument_key: str | None = None

    def chosen(self) -> dict[str, str | None]:
        """The criterion of every quasi-identifier (None: all)."""
        return {name: getattr(self, name) for name in QUASI_IDENTIFIERS}

    def narrows_people(self) -> bool:
        """Whether a criterion on participants is set beyond the organisation."""
        return any(v is not None for v in self.chosen().values())

    def as_details(self) -> dict:
        """The filter as audit details: only the criteria that were set."""
        return {k: v for k, v in asdict(self).items() if v is not None}


def participant_conditions(view: EvaluatorView, cohort: CohortFilter) -> list:
    """SQL conditions on Participant (joined to Unit) for the cohort, people left out by
    disclosure control excluded."""
    return conditions(view, cohort.chosen())


def cohort_size(session: Session, view: EvaluatorView, cohort: CohortFilter) -> int:
    """How many participants the cohort holds (a union of atoms: 0 or at least k)."""
    return session.exec(select(func.count(Participant.id))
                        .join(Unit, Unit.id == Participant.unit_id)
                        .where(*participant_conditions(view, cohort))).one()


def safe_sum(parts: Mapping, k: int) -> int:
    """A count over atoms, leaving out every atom whose part has 1 to k − 1 people."""
    unsafe = unsafe_atoms(parts, k)
    return sum(int(n) for atom, n in parts.items() if atom not in unsafe)


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


def not_comparable_count(session: Session, view: EvaluatorView, cohort: CohortFilter,
                         instrument: Instrument) -> int:
    """Assessments in the cohort answered with a version that may not be pooled with
    `instrument`: left out of every figure, and the page says how many (atom-safe, like
    every count). Stored versions are always loaded definitions, so with none of them
    incomparable there is nothing to count."""
    others = [other.version for other in instruments.all_instruments()
              if other.key == instrument.key and not instruments.comparable(instrument, other)]
    if not others:
        return 0
    atom = atom_expression(view)
    parts = dict(session.exec(
        select(atom, func.count())
        .select_from(AssessmentScore)
        .join(Participant, Participant.id == AssessmentScore.participant_id)
        .join(Unit, Unit.id == Participant.unit_id)
        .where(AssessmentScore.instrument_key == instrument.key,
               AssessmentScore.instrument_version.in_(others),
               *participant_conditions(view, cohort))
        .group_by(atom)
    ).all())
    return safe_sum(parts, view.k)


def _either(view: EvaluatorView, cohort: CohortFilter, instrument: Instrument, refs: list[str]):
    """One row per participant of the cohort with an intake or exit assessment: gender and
    intake period (recoded), atom, days between the two (NULL unless both) and each reported
    score at both occasions (intake scores only for pairs, except for level instruments,
    whose distributions at each occasion take everyone)."""
    intake = occasion_scores(instrument, OccasionKind.INTAKE.value)
    exit_ = occasion_scores(instrument, OccasionKind.EXIT.value)
    everyone = instrument.method.counts_levels
    paired = exit_.c.participant_id.is_not(None)

    def at_intake(ref: str):
        value = intake.c.scores[ref].as_float()
        return value if everyone else case((paired, value))

    return (
        select(label_expression(view, "gender").label("gender"),
               label_expression(view, "period").label("year"),
               atom_expression(view).label("atom"),
               (exit_.c.day - intake.c.day).label("days"),
               *[at_intake(ref).label(f"before_{n}") for n, ref in enumerate(refs)],
               *[exit_.c.scores[ref].as_float().label(f"after_{n}") for n, ref in enumerate(refs)])
        .join(Unit, Unit.id == Participant.unit_id)
        .outerjoin(intake, intake.c.participant_id == Participant.id)
        .outerjoin(exit_, exit_.c.participant_id == Participant.id)
        .where(*participant_conditions(view, cohort),
               or_(intake.c.participant_id.is_not(None), exit_.c.participant_id.is_not(None)))
        .cte("either")
    )


def _unsafe_by_figure(either, refs: list[str], k: int, everyone: bool) -> dict[int, object]:
    """Per figure (ref index, YEARS, PARTICIPANTS), a subquery of the atoms whose part of the
    cohort holds 1 to k − 1 people: pairs per ref (and, for level instruments, answers at
    intake and at exit), pairs with days for the years table, and everyone for the count.
    Computed in the same statement as the figures, from one grouping of `either` by atom."""
    def both(n: int):
        return func.count(case((and_(either.c[f"before_{n}"].is_not(None),
                                     either.c[f"after_{n}"].is_not(None)), 1)))

    columns = {PARTICIPANTS: [func.count()], YEARS: [func.count(either.c.days)]}
    for n in range(len(refs)):
        columns[n] = [both(n)] + ([func.count(either.c[f"before_{n}"]),
                                   func.count(either.c[f"after_{n}"])] if everyone else [])
    labelled = [column.label(f"c{figure}_{i}".replace("-", "m"))
                for figure, found in columns.items() for i, column in enumerate(found)]
    sizes = select(either.c.atom, *labelled).group_by(either.c.atom).cte("atom_sizes")
    unsafe = {}
    for figure, found in columns.items():
        small = or_(*[sizes.c[f"c{figure}_{i}".replace("-", "m")].between(1, k - 1)
                      for i in range(len(found))])
        unsafe[figure] = select(sizes.c.atom).where(small)
    return unsafe


def _outside(either, unsafe) -> list:
    return [either.c.atom.not_in(unsafe)]


def fetch_scores(session: Session, view: EvaluatorView, cohort: CohortFilter,
                 instrument: Instrument) -> CohortScores:
    """The cohort's intake and exit scores, aggregated by the database in one statement.

    From `_either`: per ref, how many participants of each (recoded) gender had each
    (intake, exit) combination, with their days summed; per intake period × gender, how
    many had both assessments, with their days summed; and how many participants there are.
    Each figure leaves out the atoms whose part of it is smaller than k (`_unsafe_by_figure`).
    """
    if session.get_bind().dialect.name == "postgresql":
        # Compiling this short query to machine code costs more than it saves.
        session.exec(text("SET LOCAL jit = off"))
    refs = reported_refs(instrument)
    everyone = instrument.method.counts_levels
    either = _either(view, cohort, instrument, refs)
    unsafe = _unsafe_by_figure(either, refs, view.k, everyone)
    nothing, no_period = null().cast(Float), null().cast(String)
    counted = [] if everyone else [either.c.days.is_not(None)]
    branches = [
        select(literal(n), either.c.gender, no_period, either.c[f"before_{n}"], either.c[f"after_{n}"],
               func.count(), func.sum(either.c.days))
        .where(*counted, *_outside(either, unsafe[n]))
        .group_by(either.c.gender, either.c[f"before_{n}"], either.c[f"after_{n}"])
        for n in range(len(refs))
    ]
    branches.append(
        select(literal(YEARS), either.c.gender, either.c.year, nothing, nothing,
               func.count(either.c.days), func.sum(either.c.days))
        .where(*_outside(either, unsafe[YEARS]))
        .group_by(either.c.gender, either.c.year))
    branches.append(select(literal(PARTICIPANTS), null(), no_period, nothing, nothing, func.count(), nothing)
                    .select_from(either).where(*_outside(either, unsafe[PARTICIPANTS])))
    rows = session.exec(union_all(*branches)).all()
    return _cohort_scores(rows, refs)


def _cohort_scores(rows, refs: list[str]) -> CohortScores:
    """The aggregate rows (ref index, YEARS or PARTICIPANTS; gender, period, intake score,
    exit score, participants, days summed) as CohortScores."""
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
        years=YearCounts(year=np.array([str(r[2]) for r in years], dtype=object),
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


def funnel_counts(session: Session, view: EvaluatorView,
                  cohort: CohortFilter) -> dict[str, list[int]]:
    """Per (recoded) unit: registered, and with any completed stored assessment (a stored
    score) at intake, exit and follow-up. Grouped by unit and atom in one query over the
    (participant, occasion kind) index of the stored scores; each stage is summed over the
    atoms whose part of it holds 0 or at least k people."""
    kinds = (OccasionKind.INTAKE, OccasionKind.EXIT, OccasionKind.FOLLOW_UP)
    # A narrowed cohort reads only its own people's scores; a whole organisation is cheaper
    # read in one pass than through that restriction.
    members = ([AssessmentScore.participant_id.in_(
        select(Participant.id).join(Unit, Unit.id == Participant.unit_id)
        .where(*participant_conditions(view, cohort)))] if cohort.narrows_people() else [])
    done = (
        select(AssessmentScore.participant_id,
               *[func.max(case((AssessmentScore.occasion_kind == kind.value, 1), else_=0)).label(kind.value)
                 for kind in kinds])
        .where(*members)
        .group_by(AssessmentScore.participant_id)
        .subquery("done")
    )
    unit, atom = label_expression(view, "unit"), atom_expression(view)
    query = (
        select(unit, atom, func.count(Participant.id),
               *[func.coalesce(func.sum(done.c[kind.value]), 0) for kind in kinds])
        .join(Unit, Unit.id == Participant.unit_id)
        .outerjoin(done, done.c.participant_id == Participant.id)
        .where(*participant_conditions(view, cohort))
        .group_by(unit, atom)
    )
    stages: dict[str, list[dict]] = {}
    for name, atom_key, *counts in session.exec(query).all():
        parts = stages.setdefault(name, [{} for _ in range(1 + len(kinds))])
        for stage, n in zip(parts, counts, strict=True):
            stage[atom_key] = int(n)
    return {name: [safe_sum(stage, view.k) for stage in stages[name]]
            for name in sorted(stages)}


@dataclass
class GoalReport:
    goal: ProgrammeGoal
    cells: dict


@dataclass
class Dashboard:
    """Everything the cohort page shows, already suppressed."""

    instrument: Instrument
    view: EvaluatorView
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


def goal_reports(session: Session, cohort: CohortFilter, threshold: int, scores_of,
                 groups: list[str]) -> list[GoalReport]:
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
        cells = goal_result(scores.pairs[ref], groups, target_percent=goal.target_percent,
                            threshold=threshold, s_diff=s_diff, rci_threshold=RCI_THRESHOLD)
        reports.append(GoalReport(goal, cells))
    return reports


def dashboard(session: Session, cohort: CohortFilter, threshold: int,
              view: EvaluatorView | None = None) -> Dashboard:
    """Fetch and compute the whole cohort page for one instrument."""
    view = view or view_of(session, cohort.organisation_id, threshold)
    instrument = instruments.latest(cohort.instrument_key or DEFAULT_INSTRUMENT)
    groups = view.labels("gender")
    cache: dict[str, CohortScores] = {}

    def scores_of(which: Instrument) -> CohortScores:
        if which.key not in cache:
            cache[which.key] = fetch_scores(session, view, cohort, which)
        return cache[which.key]

    scores = scores_of(instrument)
    refs = reported_refs(instrument)
    rows = area_table(scores, refs, threshold, groups, reliable_change_sd(instrument),
                      RCI_THRESHOLD)
    levels = None
    if instrument.method.counts_levels:
        scale = instrument.scale_of(instrument.scored_items[0])
        levels = level_table(scores, refs, scale.min, scale.max, threshold, groups)
    return Dashboard(
        instrument=instrument,
        view=view,
        participants=len(scores),
        refs=refs,
        rows=rows,
        groups=visible_groups(rows, groups),
        years=year_table(scores.years, threshold, groups),
        levels=levels,
        funnel=funnel_table(funnel_counts(session, view, cohort), threshold),
        goals=goal_reports(session, cohort, threshold, scores_of, groups),
        not_comparable=not_comparable_count(session, view, cohort, instrument),
    )


def organisations_for(session: Session, *, role: str, organisation_id: int) -> list[Organisation]:
    """The organisations a staff user may look at: admins all, evaluators their own."""
    query = select(Organisation).order_by(Organisation.name)
    if role != "admin":
        query = query.where(Organisation.id == organisation_id)
    return list(session.exec(query).all())
