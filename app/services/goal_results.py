"""Programme goals measured, each over its own unit and period, by gender, for evaluators.

Who counts for a goal: participants of its organisation (of its unit, when it names one)
with stored scores of its questionnaire at intake and at exit (comparable versions pooled,
as on the cohort page), whose exit assessment was completed within the goal's period
(dates in UTC). The change measured is intake → exit, the programme's own change.

Disclosure control, as everywhere evaluators look (`services.disclosure`): people are taken
atom by atom (the k-anonymous groups of unit, intake period, gender, age band and exit
reason), and the people left out by the organisation's recoding are left out here too. A
goal's unit and period cut atoms into parts, and two goals whose periods differ by a week
would otherwise give away the few people of that week. So, per questionnaire and score, the
pairs of each atom are split into regions by which of the organisation's goals on that
questionnaire they count for (none, the first, the first and the second, …); an atom enters
any goal's figure only if every one of its regions holds no one or at least k pairs. Every
goal's figure, and every difference between two goals, or between a goal and the cohort
page, is then a union of parts of at least k people. Within a goal, gender groups are
suppressed as a line with the total (`statistics.cohort.goal_result`).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

import numpy as np
from sqlalchemy import and_, case, func, true
from sqlmodel import Session, select

from .. import instruments
from ..instruments import Instrument
from ..instruments.change import RCI_THRESHOLD
from ..models import ProgrammeGoal, Unit
from ..statistics.cohort import GoalCell, PairCounts, goal_result
from ..statistics.disclosure import unsafe_atoms
from .cohort import (
    CohortFilter,
    reliable_change_sd,
    scores_at_either,
    statistics_instruments,
)
from .disclosure import EvaluatorView, view_of
from .goals import Measure, goals_of


@dataclass(frozen=True)
class GoalResult:
    """One goal and its result per gender group and "all" (None: suppressed). `measured` is
    False when the organisation's statistics do not cover the questionnaire (Health Wheel
    answers it has not chosen to pool)."""

    goal: ProgrammeGoal
    unit_name: str | None
    measured: bool
    cells: dict[str, GoalCell | None]


@dataclass(frozen=True)
class GoalResults:
    """The organisation's goals measured, with the gender groups shown and the recoding."""

    view: EvaluatorView
    groups: list[str]
    results: list[GoalResult]


def goal_results(session: Session, organisation_id: int, threshold: int) -> GoalResults:
    """Every goal of the organisation measured (see the module's docstring)."""
    view = view_of(session, organisation_id, threshold)
    groups = view.labels("gender")
    offered = {i.key for i in statistics_instruments(session, organisation_id)}
    units = dict(session.exec(select(Unit.id, Unit.name)
                              .where(Unit.organisation_id == organisation_id)).all())
    goals = goals_of(session, organisation_id)
    by_instrument: dict[str, list[ProgrammeGoal]] = defaultdict(list)
    for goal in goals:
        by_instrument[goal.instrument_key].append(goal)
    cells: dict[int, dict] = {}
    for key, theirs in by_instrument.items():
        if key in offered:
            cells |= _measure(session, view, instruments.latest(key), theirs, groups)
    return GoalResults(view, groups, [
        GoalResult(goal, units.get(goal.unit_id), goal.id in cells, cells.get(goal.id, {}))
        for goal in goals])


def _measure(session: Session, view: EvaluatorView, instrument: Instrument,
             goals: list[ProgrammeGoal], groups: list[str]) -> dict[int, dict]:
    """Each goal's cells, for goals on one questionnaire: one query per score measured."""
    found = {}
    refs = sorted({goal.score_ref or instrument.method.headline_ref for goal in goals})
    either = scores_at_either(view, CohortFilter(organisation_id=view.organisation_id),
                              instrument, refs)
    flags = [case((_counts_for(either, goal), 1), else_=0) for goal in goals]
    for n, ref in enumerate(refs):
        before, after = either.c[f"before_{n}"], either.c[f"after_{n}"]
        rows = session.exec(
            select(either.c.atom, either.c.gender, *flags, before, after, func.count())
            .where(before.is_not(None), after.is_not(None))
            .group_by(either.c.atom, either.c.gender, *flags, before, after)).all()
        safe = _safe_rows(rows, len(goals), view.k)
        for index, goal in enumerate(goals):
            if (goal.score_ref or instrument.method.headline_ref) != ref:
                continue
            hit = _hit(Measure(goal.measure), instrument, ref)
            if hit is not False:  # False: the definition no longer gives this measure
                found[goal.id] = goal_result(
                    _pairs([row for row in safe if row[2 + index]]), groups,
                    target=goal.target_value, threshold=view.k, hit=hit)
    return found


def _counts_for(either, goal: ProgrammeGoal):
    """SQL: whether a pair counts for `goal` (its unit; exit completed in its period)."""
    conditions = [either.c.unit_id == goal.unit_id] if goal.unit_id is not None else []
    if goal.period_start is not None:
        conditions.append(either.c.later_at >= datetime.combine(goal.period_start, time(), UTC))
    if goal.period_end is not None:
        end = datetime.combine(goal.period_end + timedelta(days=1), time(), UTC)
        conditions.append(either.c.later_at < end)
    return and_(*conditions) if conditions else true()


def _safe_rows(rows, goal_count: int, k: int) -> list:
    """The rows of atoms whose every region (which goals a pair counts for) holds no one or
    at least k pairs."""
    regions: dict = defaultdict(int)
    for row in rows:
        regions[(row[0], tuple(row[2:2 + goal_count]))] += int(row[-1])
    unsafe = {atom for atom, _flags in unsafe_atoms(regions, k)}
    return [row for row in rows if row[0] not in unsafe]


def _pairs(rows) -> PairCounts:
    """Rows (atom, gender, flags…, earlier, later, count) as PairCounts."""
    return PairCounts(gender=np.array([row[1] for row in rows], dtype=object),
                      before=np.array([float(row[-3]) for row in rows], dtype=float),
                      after=np.array([float(row[-2]) for row in rows], dtype=float),
                      n=np.array([int(row[-1]) for row in rows], dtype=int),
                      days=np.full(len(rows), np.nan))


def _hit(measure: Measure, instrument: Instrument, ref: str):
    """Which changes a share measure counts (None for the mean change; False when the
    instrument's definition gives no reliable change for the score any more)."""
    if measure == Measure.MEAN_CHANGE:
        return None
    if measure == Measure.RELIABLE_IMPROVEMENT:
        s_diff = reliable_change_sd(instrument).get(ref)
        return False if s_diff is None else (lambda diff: diff / s_diff > RCI_THRESHOLD)
    if measure == Measure.LEVEL_UP:
        return lambda diff: diff >= 1
    return lambda diff: diff > 0
