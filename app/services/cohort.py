"""Read side of the evaluator dashboard: paired scores of a filtered cohort between two
occasions (intake → exit by default; intake → midway and exit → follow-up too).

Disclosure control first (`app.services.disclosure`): filters and breakdowns are the
organisation's k-anonymous groups, and every part of a cohort a figure is computed from
(pairs, answers at one occasion, stages of the funnel) is taken atom by atom, leaving out
any atom whose part holds 1 to k − 1 people.

Scores are stored per completed, stored assessment when it is completed
(`app.services.scores`, with the instrument's own scoring), so discussion-only assessments
never count. Per instrument, the database pairs each participant's scores at the two
occasions compared and aggregates them into counts per gender, intake period, "longest in
the programme" and (earlier score, later score) for every ref, with days summed, plus pairs
per intake period × gender: a few thousand rows reach Python, not one per participant, and
`app.statistics` does the rest. A wheel's mean is paired in that same aggregate: per
participant, the mean over the areas answered at both occasions, when there are at least
the definition's minimum of them (`ScoringMethod.paired_areas`).

Health Wheel answers are pooled across people only for organisations that chose it
(`Organisation.aggregate_health_wheel`): MAP2020 used its Hälsohjulet as discussion material
only. Without that choice nothing here reads them. A 100,000-participant cohort
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
    Role,
    Storage,
    Unit,
)
from ..statistics.attrition import Attrition, Moments, compare_moments
from ..statistics.cohort import (
    CohortScores,
    PairCounts,
    YearCounts,
    area_table,
    funnel_table,
    goal_result,
    level_table,
    map2020_columns,
    split_safe_share,
    visible_groups,
    year_table,
)
from ..statistics.disclosure import unsafe_atoms
from ..statistics.map2020 import LONGEST_DAYS
from ..statistics.paired import COMPARISONS
from ..statistics.refs import TOTAL
from .disclosure import (
    QUASI_IDENTIFIERS,
    EvaluatorView,
    atom_expression,
    conditions,
    label_expression,
    view_of,
)
from .errors import N_, DomainError

DEFAULT_INSTRUMENT = "work_wheel"
HEALTH_WHEEL = "health_wheel"
# The comparisons an evaluator can choose, by the key the filter form uses.
COMPARISON_KEYS = {f"{before}-{after}": (before, after) for before, after in COMPARISONS}
DEFAULT_COMPARISON = "intake-exit"
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
    instrument_version: int | None = None  # None: the latest (and versions comparable with it)
    comparison: str | None = None  # a key of COMPARISON_KEYS; None: intake → exit

    @property
    def occasions(self) -> tuple[str, str]:
        """The earlier and the later occasion kind compared."""
        return COMPARISON_KEYS[self.comparison or DEFAULT_COMPARISON]

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


class HealthStatisticsNotChosen(DomainError):
    """Health Wheel statistics were asked for where the organisation has not chosen them."""

    message = N_("This organisation has not chosen to pool Health Wheel answers in statistics.")


def pools_health_wheel(session: Session, organisation_id: int) -> bool:
    """Whether the organisation chose to aggregate Health Wheel answers across people."""
    organisation = session.get(Organisation, organisation_id)
    return bool(organisation and organisation.aggregate_health_wheel)


def statistics_instruments(session: Session, organisation_id: int) -> list[Instrument]:
    """The instruments the organisation's cohort statistics cover: every current one, and
    every older version that cannot be pooled with it (its cohort is chosen on its own);
    the Health Wheel only when the organisation opted in."""
    pooled = pools_health_wheel(session, organisation_id)
    found = []
    for current in current_instruments():
        if current.key == HEALTH_WHEEL and not pooled:
            continue
        found.append(current)
        found += [older for older in instruments.all_instruments()
                  if older.key == current.key and older.version < current.version
                  and not instruments.comparable(current, older)]
    return found


def chosen_instrument(cohort: CohortFilter) -> Instrument:
    """The instrument (and version) the evaluator chose; the latest version when they chose
    none, the Work Wheel when they chose no instrument."""
    key = cohort.instrument_key or DEFAULT_INSTRUMENT
    if cohort.instrument_version:
        return instruments.get(key, cohort.instrument_version)
    return instruments.latest(key)


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


def _paired_headline(instrument: Instrument, earlier, later):
    """The headline at both occasions compared like with like, as SQL (None when the
    method's headline stands alone at each occasion): per participant, the mean over the
    areas answered at both, NULL at both when fewer than the minimum are."""
    rule = instrument.method.paired_areas(instrument)
    if rule is None:
        return None
    areas, minimum = rule
    both = [and_(earlier.c.scores[a].as_float().is_not(None),
                 later.c.scores[a].as_float().is_not(None)) for a in areas]
    count = sum(case((b, 1), else_=0) for b in both)

    def mean(side):
        total = sum(case((b, side.c.scores[a].as_float()), else_=literal(0.0, Float))
                    for a, b in zip(areas, both, strict=True))
        return case((count >= minimum, total / func.nullif(count, 0)))

    return mean(earlier), mean(later)


def _either(view: EvaluatorView, cohort: CohortFilter, instrument: Instrument, refs: list[str]):
    """One row per participant of the cohort with an assessment at either occasion compared:
    gender and intake period (recoded), atom, days between the two (NULL unless both) and
    each reported score at both occasions (earlier scores only for pairs, except for level
    instruments, whose distributions at each occasion take everyone). A wheel's mean is the
    paired mean (`_paired_headline`)."""
    first_kind, later_kind = cohort.occasions
    earlier = occasion_scores(instrument, first_kind)
    later = occasion_scores(instrument, later_kind)
    everyone = instrument.method.counts_levels
    paired = later.c.participant_id.is_not(None)
    headline = _paired_headline(instrument, earlier, later)

    def score(side, ref: str):
        if headline is not None and ref == instrument.method.headline_ref:
            return headline[0] if side is earlier else headline[1]
        value = side.c.scores[ref].as_float()
        return value if everyone or side is later else case((paired, value))

    return (
        select(label_expression(view, "gender").label("gender"),
               label_expression(view, "period").label("year"),
               atom_expression(view).label("atom"),
               (later.c.day - earlier.c.day).label("days"),
               *[score(earlier, ref).label(f"before_{n}") for n, ref in enumerate(refs)],
               *[score(later, ref).label(f"after_{n}") for n, ref in enumerate(refs)])
        .join(Unit, Unit.id == Participant.unit_id)
        .outerjoin(earlier, earlier.c.participant_id == Participant.id)
        # A later answer dated before the earlier one is never paired (nor counted): the
        # record is wrong, whichever of the two is.
        .outerjoin(later, and_(later.c.participant_id == Participant.id,
                               or_(earlier.c.day.is_(None), later.c.day >= earlier.c.day)))
        .where(*participant_conditions(view, cohort),
               or_(earlier.c.participant_id.is_not(None), later.c.participant_id.is_not(None)))
        .cte("either")
    )


# Per ref, the figures besides the ref itself whose atom parts are checked: for level
# instruments the answers at each occasion, and "longest in the programme" with its rest.
LONG = "long"


def _unsafe_by_figure(either, refs: list[str], k: int, everyone: bool) -> dict:
    """Per figure, a subquery of the atoms whose part of the cohort holds 1 to k − 1 people:
    pairs per ref (and, for level instruments, answers at the earlier and at the later
    occasion), pairs with days for the years table, and everyone for the count. Keyed by ref
    index, YEARS, PARTICIPANTS, and (ref index, LONG) for the atoms that may not enter the
    "longest in the programme" column: those whose long pairs or other pairs are 1 to k − 1
    (otherwise all − longest would give the small rest away). One grouping of `either` by
    atom, in the same statement as the figures."""
    def both(n: int, *extra):
        return func.count(case((and_(either.c[f"before_{n}"].is_not(None),
                                     either.c[f"after_{n}"].is_not(None), *extra), 1)))

    long = either.c.days >= LONGEST_DAYS
    parts: dict = {PARTICIPANTS: [func.count()], YEARS: [func.count(either.c.days)]}
    for n in range(len(refs)):
        parts[n] = [both(n)] + ([func.count(either.c[f"before_{n}"]),
                                 func.count(either.c[f"after_{n}"])] if everyone else [])
        parts[(n, LONG)] = [both(n), both(n, long), both(n, ~long)]
    names = {figure: [f"part_{index}_{i}" for i in range(len(columns))]
             for index, (figure, columns) in enumerate(parts.items())}
    sizes = (select(either.c.atom, *[column.label(name) for figure, columns in parts.items()
                                     for column, name in zip(columns, names[figure], strict=True)])
             .group_by(either.c.atom).cte("atom_sizes"))
    return {figure: select(sizes.c.atom).where(or_(*[sizes.c[name].between(1, k - 1)
                                                     for name in names[figure]]))
            for figure in parts}


def _outside(either, unsafe) -> list:
    return [either.c.atom.not_in(unsafe)]


def fetch_scores(session: Session, view: EvaluatorView, cohort: CohortFilter,
                 instrument: Instrument) -> CohortScores:
    """The cohort's scores at the two occasions compared, aggregated by the database.

    From `_either`: per ref, how many participants of each (recoded) gender and intake
    period, longest in the programme or not, had each (earlier, later) combination, with
    their days summed; per intake period × gender, how many had both assessments, with
    their days summed; and how many participants there are. Each figure leaves out the
    atoms whose part of it is smaller than k (`_unsafe_by_figure`, in the same statement);
    an atom whose long or other pairs are too few counts as not long.
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

    def ref_rows(n: int):
        """The ref's figure rows with the long flag as a column (grouped by it outside, so
        both databases see one expression)."""
        long = case((and_(either.c.days >= LONGEST_DAYS, *_outside(either, unsafe[(n, LONG)])),
                     1), else_=0)
        return (select(either.c.gender, either.c.year, long.label("long"),
                       either.c[f"before_{n}"].label("before"),
                       either.c[f"after_{n}"].label("after"), either.c.days)
                .where(*counted, *_outside(either, unsafe[n])).subquery(f"ref_{n}"))

    branches = []
    for n in range(len(refs)):
        part = ref_rows(n)
        keys = (part.c.gender, part.c.year, part.c.long, part.c.before, part.c.after)
        branches.append(select(literal(n), *keys, func.count(), func.sum(part.c.days))
                        .group_by(*keys))
    branches.append(
        select(literal(YEARS), either.c.gender, either.c.year, literal(0), nothing, nothing,
               func.count(either.c.days), func.sum(either.c.days))
        .where(*_outside(either, unsafe[YEARS]))
        .group_by(either.c.gender, either.c.year))
    branches.append(select(literal(PARTICIPANTS), null(), no_period, literal(0), nothing,
                           nothing, func.count(), nothing)
                    .select_from(either).where(*_outside(either, unsafe[PARTICIPANTS])))
    rows = session.exec(union_all(*branches)).all()
    return _cohort_scores(rows, refs)


def _cohort_scores(rows, refs: list[str]) -> CohortScores:
    """The aggregate rows (ref index, YEARS or PARTICIPANTS; gender, period, long, earlier
    score, later score, participants, days summed) as CohortScores."""
    def floats(values) -> np.ndarray:
        return np.array([np.nan if v is None else float(v) for v in values], dtype=float)

    by_ref: dict[int, list] = {}
    for row in rows:
        by_ref.setdefault(int(row[0]), []).append(row)
    pairs = {
        ref: PairCounts(gender=np.array([r[1] for r in found], dtype=object),
                        before=floats(r[4] for r in found), after=floats(r[5] for r in found),
                        n=np.array([int(r[6]) for r in found], dtype=int),
                        days=floats(r[7] for r in found),
                        period=np.array([str(r[2]) for r in found], dtype=object),
                        long=np.array([bool(r[3]) for r in found], dtype=bool))
        for n, ref in enumerate(refs) for found in [by_ref.get(n, [])]
    }
    years = [r for r in by_ref.get(YEARS, []) if r[6]]
    return CohortScores(
        participants=sum(int(r[6]) for r in by_ref.get(PARTICIPANTS, [])),
        pairs=pairs,
        years=YearCounts(year=np.array([str(r[2]) for r in years], dtype=object),
                         gender=np.array([r[1] for r in years], dtype=object),
                         n=np.array([int(r[6]) for r in years], dtype=int),
                         days=floats(r[7] for r in years)),
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


ATTRITION_KINDS = (OccasionKind.INTAKE, OccasionKind.MIDWAY, OccasionKind.EXIT,
                   OccasionKind.FOLLOW_UP)


def attrition_of(session: Session, view: EvaluatorView, cohort: CohortFilter,
                 instrument: Instrument) -> Attrition:
    """Who could answer `instrument`, who did, and whether leavers who answered at exit
    started where those who did not started (the intake headline: a wheel's mean, KASAM's
    total; not for level instruments, whose levels are never averaged).

    One query grouped by atom and by which occasions a participant answered, with the
    intake headline's count, sum and sum of squares: every share takes an atom only when
    both its part and the rest of the atom's denominator hold 0 or at least k people, and
    the two intake groups take an atom only when both hold 0 or at least k.
    """
    headline = instrument.method.headline_ref
    answered = (
        select(AssessmentScore.participant_id,
               *[func.max(case((AssessmentScore.occasion_kind == kind.value, 1), else_=0))
                 .label(kind.value) for kind in ATTRITION_KINDS],
               func.max(case((AssessmentScore.occasion_kind == OccasionKind.INTAKE.value,
                              AssessmentScore.scores[headline].as_float()))).label("score"))
        .where(AssessmentScore.instrument_key == instrument.key,
               AssessmentScore.instrument_version.in_(comparable_versions(instrument)))
        .group_by(AssessmentScore.participant_id)
        .subquery("answered")
    )
    atom = atom_expression(view)
    left = case((Participant.exit_reason.is_not(None), 1), else_=0)
    flags = [func.coalesce(answered.c[kind.value], 0) for kind in ATTRITION_KINDS]
    score = answered.c.score
    rows = session.exec(
        select(atom, left, *flags, func.count(), func.count(score), func.sum(score),
               func.sum(score * score))
        .join(Unit, Unit.id == Participant.unit_id)
        .outerjoin(answered, answered.c.participant_id == Participant.id)
        .where(*participant_conditions(view, cohort))
        .group_by(atom, left, *flags)
    ).all()
    return _attrition(rows, view.k, moments=not instrument.method.counts_levels)


def _attrition(rows, k: int, *, moments: bool) -> Attrition:
    """The attrition table from rows (atom, left, intake, midway, exit, follow-up, people,
    people with an intake score, their sum, their sum of squares), atom by atom."""
    def parts(numerator, denominator) -> dict:
        found: dict = {}
        for atom, is_left, intake, midway, exit_, follow_up, n, *_ in rows:
            facts = {"left": is_left, "intake": intake, "midway": midway, "exit": exit_,
                     "follow_up": follow_up}
            if denominator(facts):
                k_n = found.setdefault(atom, [0, 0])
                k_n[1] += int(n)
                k_n[0] += int(n) if numerator(facts) else 0
        return found

    def everyone(_facts):
        return True

    def leavers(facts):
        return facts["left"]

    def exit_answerers(facts):
        return facts["left"] and facts["exit"]

    registered = parts(everyone, everyone)
    groups: dict = {}
    for atom, is_left, _intake, _midway, exit_, _follow, _n, scored, total, squares in rows:
        if is_left and scored:
            pair = groups.setdefault(atom, [Moments(0, 0.0, 0.0), Moments(0, 0.0, 0.0)])
            pair[0 if exit_ else 1] += Moments(int(scored), float(total), float(squares))
    unsafe = unsafe_atoms({a: p[0].n for a, p in groups.items()}, k) | unsafe_atoms(
        {a: p[1].n for a, p in groups.items()}, k)
    kept = [p for a, p in groups.items() if a not in unsafe]
    answered_moments = sum((p[0] for p in kept), Moments(0, 0.0, 0.0))
    silent_moments = sum((p[1] for p in kept), Moments(0, 0.0, 0.0))
    left = split_safe_share(parts(leavers, everyone), k)
    return Attrition(
        registered=safe_sum({a: n for a, (_, n) in registered.items()}, k),
        left=left.k,
        intake_answered=split_safe_share(parts(lambda f: f["intake"], everyone), k),
        midway_answered=split_safe_share(parts(lambda f: f["midway"], everyone), k),
        exit_answered=split_safe_share(parts(lambda f: f["exit"], leavers), k),
        follow_up_of_exit=split_safe_share(parts(lambda f: f["follow_up"], exit_answerers), k),
        follow_up_of_left=split_safe_share(parts(lambda f: f["follow_up"], leavers), k),
        intake=compare_moments(answered_moments, silent_moments) if moments else None,
    )


@dataclass
class GoalReport:
    goal: ProgrammeGoal
    cells: dict


@dataclass
class Dashboard:
    """Everything the cohort page shows, already suppressed."""

    instrument: Instrument
    view: EvaluatorView
    occasions: tuple[str, str]
    participants: int
    refs: list[str]
    rows: list
    groups: list[str]
    years: object
    levels: list | None
    map2020: object | None  # intake → exit of instruments with means only
    attrition: Attrition
    funnel: object
    goals: list[GoalReport] = field(default_factory=list)
    not_comparable: int = 0  # assessments of versions that cannot be pooled: left out
    health_offered: bool = False  # whether the organisation pools Health Wheel answers

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
    offered = {i.key for i in statistics_instruments(session, cohort.organisation_id)}
    for goal in goals_of(session, cohort.organisation_id):
        if goal.instrument_key not in offered:
            continue  # unknown, or Health Wheel statistics the organisation did not choose
        instrument = instruments.latest(goal.instrument_key)
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
    """Fetch and compute the whole cohort page for one instrument and one comparison.
    Refuses Health Wheel statistics unless the organisation chose them."""
    instrument = chosen_instrument(cohort)
    health_offered = pools_health_wheel(session, cohort.organisation_id)
    if instrument.key == HEALTH_WHEEL and not health_offered:
        raise HealthStatisticsNotChosen()
    view = view or view_of(session, cohort.organisation_id, threshold)
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
    levels = map2020 = None
    if instrument.method.counts_levels:
        levels = level_table(scores, refs, threshold, groups)
    elif cohort.occasions == COMPARISONS[0]:
        map2020 = map2020_columns(scores, refs, threshold, visible_groups(rows, groups)[:-1])
    return Dashboard(
        instrument=instrument,
        view=view,
        occasions=cohort.occasions,
        participants=len(scores),
        refs=refs,
        rows=rows,
        groups=visible_groups(rows, groups),
        years=year_table(scores.years, threshold, groups),
        levels=levels,
        map2020=map2020,
        attrition=attrition_of(session, view, cohort, instrument),
        funnel=funnel_table(funnel_counts(session, view, cohort), threshold),
        goals=goal_reports(session, cohort, threshold, scores_of, groups),
        not_comparable=not_comparable_count(session, view, cohort, instrument),
        health_offered=health_offered,
    )


def organisations_for(session: Session, *, role: str, organisation_id: int) -> list[Organisation]:
    """The organisations a staff user may look at: admins all, evaluators their own."""
    query = select(Organisation).order_by(Organisation.name)
    if not Role(role).access.whole_installation:
        query = query.where(Organisation.id == organisation_id)
    return list(session.exec(query).all())
