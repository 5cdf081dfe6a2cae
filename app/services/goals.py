"""Programme goals ("90 % experience increased KASAM"), for an organisation or one of its
units, over a period: set, changed and removed by the organisation's administrators.

Goals are the programme's commitments (an ESF application states them), so the people who
run the programme keep them, audited; evaluators measure against them
(`services.goal_results`) and cannot move the target they report on. A goal also defines
whose results are counted (a unit, a period), which is why it is no evaluator's choice:
disclosure control holds against what evaluators can select.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from datetime import date
from enum import StrEnum

from sqlmodel import Session, select

from .. import instruments
from ..instruments import Instrument
from ..models import Organisation, ProgrammeGoal, StaffUser, Unit
from ..statistics.refs import score_range
from . import administration, audit
from .cohort import reliable_change_sd, reported_refs
from .errors import N_, DomainError

TITLE_LENGTH = 300  # the column's length


class Measure(StrEnum):
    """What a goal counts over the pairs (intake and exit) in its period."""

    ANY_INCREASE = "any_increase"  # share whose score rose
    RELIABLE_IMPROVEMENT = "reliable_improvement"  # share beyond the reliable change index
    LEVEL_UP = "level_up"  # share up at least one level (CEFR)
    MEAN_CHANGE = "mean_change"  # mean change in score points

    @property
    def is_share(self) -> bool:
        """Whether the target is a percentage (otherwise score points)."""
        return self != Measure.MEAN_CHANGE


class InvalidGoal(DomainError):
    """A goal that cannot be measured as it is written."""

    message = N_("The goal cannot be measured as it is written.")


@dataclass(frozen=True)
class GoalSpec:
    """A goal as its administrator writes it (the columns of ProgrammeGoal)."""

    organisation_id: int
    unit_id: int | None
    title: str
    instrument_key: str
    measure: str
    score_ref: str | None
    target_value: float
    period_start: date | None
    period_end: date | None


def check_goal(session: Session, spec: GoalSpec) -> None:
    """Refuse a goal that could not be measured, naming what is wrong."""
    if not spec.title.strip() or len(spec.title.strip()) > TITLE_LENGTH:
        raise InvalidGoal(N_("Give the goal a name of at most %(length)d characters."),
                          length=TITLE_LENGTH)
    if spec.unit_id is not None:
        unit = session.get(Unit, spec.unit_id)
        if unit is None or unit.organisation_id != spec.organisation_id:
            raise InvalidGoal(N_("Choose a unit of the goal's organisation."))
    try:
        instrument = instruments.latest(spec.instrument_key)
    except instruments.UnknownInstrument:
        raise InvalidGoal(N_("Unknown questionnaire %(key)s."), key=spec.instrument_key) from None
    if spec.score_ref and spec.score_ref not in reported_refs(instrument):
        raise InvalidGoal(N_("That score is not one of the questionnaire's scores."))
    _check_measure(instrument, spec)
    _check_target(instrument, spec)
    if spec.period_start is None or spec.period_end is None:
        raise InvalidGoal(N_("Give the period the goal is measured over."))
    if spec.period_end < spec.period_start:
        raise InvalidGoal(N_("The period cannot end before it starts."))


def _check_measure(instrument: Instrument, spec: GoalSpec) -> None:
    """Whether the instrument can give the measure: levels are counted, never averaged."""
    if spec.measure not in set(Measure):
        raise InvalidGoal(N_("Unknown measure %(measure)s."), measure=spec.measure)
    levels = instrument.method.counts_levels
    if spec.measure == Measure.LEVEL_UP and not levels:
        raise InvalidGoal(N_("Moving up a level can only be measured for a questionnaire "
                             "with levels, such as the language self-assessment (CEFR)."))
    if spec.measure in (Measure.ANY_INCREASE, Measure.MEAN_CHANGE) and levels:
        raise InvalidGoal(N_("Levels are counted, not scored: choose the share moving up at "
                             "least one level."))
    ref = spec.score_ref or instrument.method.headline_ref
    if spec.measure == Measure.RELIABLE_IMPROVEMENT and ref not in reliable_change_sd(instrument):
        raise InvalidGoal(N_("Reliable improvement can only be measured for a total whose "
                             "reliability is known, such as the KASAM total."))


def _check_target(instrument: Instrument, spec: GoalSpec) -> None:
    """A share between 0 and 100 %; a mean change no larger than the score's whole range."""
    value = spec.target_value
    if Measure(spec.measure).is_share:
        if not (math.isfinite(value) and 0 <= value <= 100):
            raise InvalidGoal(N_("A share must be between 0 and 100 %."))
        return
    low, high = score_range(instrument, spec.score_ref or instrument.method.headline_ref)
    if not (math.isfinite(value) and -(high - low) <= value <= high - low):
        raise InvalidGoal(N_("A mean change on this score must be between %(low)s and "
                             "%(high)s points."), low=f"{low - high:g}", high=f"{high - low:g}")


def _settings(goal: ProgrammeGoal) -> dict:
    """The goal's settings as audit details (dates as ISO text)."""
    return {name: value.isoformat() if isinstance(value, date) else value
            for name, value in asdict(_spec_of(goal)).items()}


def _spec_of(goal: ProgrammeGoal) -> GoalSpec:
    return GoalSpec(**{name: getattr(goal, name) for name in GoalSpec.__dataclass_fields__})


def create_goal(session: Session, *, actor: StaffUser, spec: GoalSpec,
                ip: str | None = None) -> ProgrammeGoal:
    """Record a goal after checking that it can be measured; audited with its settings."""
    administration.require(actor, spec.organisation_id)
    check_goal(session, spec)
    goal = ProgrammeGoal(**{**asdict(spec), "title": spec.title.strip(),
                            "score_ref": spec.score_ref or None,
                            "target_value": float(spec.target_value)})
    session.add(goal)
    session.flush()
    audit.record(session, action="goal.created", staff_id=actor.id, ip=ip,
                 object_type="programme_goal", object_id=goal.id, details=_settings(goal))
    session.commit()
    return goal


def update_goal(session: Session, *, actor: StaffUser, goal: ProgrammeGoal, spec: GoalSpec,
                ip: str | None = None) -> ProgrammeGoal:
    """Change a goal (it may move to another unit of the same organisation, never to another
    organisation); audited with each changed setting before and after."""
    administration.require(actor, goal.organisation_id)
    if spec.organisation_id != goal.organisation_id:
        raise InvalidGoal(N_("Choose a unit of the goal's organisation."))
    check_goal(session, spec)
    before = _settings(goal)
    for name, value in asdict(spec).items():
        setattr(goal, name, value)
    goal.title, goal.score_ref = spec.title.strip(), spec.score_ref or None
    goal.target_value = float(spec.target_value)
    after = _settings(goal)
    changed = {name: {"before": before[name], "after": after[name]}
               for name in after if after[name] != before[name]}
    if changed:
        session.add(goal)
        audit.record(session, action="goal.updated", staff_id=actor.id, ip=ip,
                     object_type="programme_goal", object_id=goal.id, details=changed)
    session.commit()
    return goal


def delete_goal(session: Session, *, actor: StaffUser, goal: ProgrammeGoal,
                ip: str | None = None) -> None:
    """Remove a goal; the audit keeps what it was."""
    administration.require(actor, goal.organisation_id)
    details = _settings(goal)
    session.delete(goal)
    audit.record(session, action="goal.deleted", staff_id=actor.id, ip=ip,
                 object_type="programme_goal", object_id=goal.id, details=details)
    session.commit()


def goal_of(session: Session, actor: StaffUser, goal_id: int) -> ProgrammeGoal | None:
    """The goal if `actor` administers its organisation, else None."""
    goal = session.get(ProgrammeGoal, goal_id)
    return goal if goal is not None and administration.administers(
        actor, goal.organisation_id) else None


def goals_administered(session: Session, actor: StaffUser) -> list[tuple[ProgrammeGoal, str,
                                                                          str | None]]:
    """The goals `actor` administers with their organisation's and unit's names, by
    organisation, then in the order they were recorded."""
    rows = session.exec(
        select(ProgrammeGoal, Organisation.name, Unit.name)
        .join(Organisation, Organisation.id == ProgrammeGoal.organisation_id)
        .outerjoin(Unit, Unit.id == ProgrammeGoal.unit_id)
        .order_by(Organisation.name, ProgrammeGoal.id)).all()
    return [(goal, organisation, unit) for goal, organisation, unit in rows
            if administration.administers(actor, goal.organisation_id)]


def goal_scopes(session: Session, actor: StaffUser) -> list[tuple[Organisation, list[Unit]]]:
    """Whom `actor` may set goals for: each organisation they administer, with its units by
    name."""
    found = []
    for organisation in administration.organisations(session, actor):
        units = session.exec(select(Unit).where(Unit.organisation_id == organisation.id)
                             .order_by(Unit.name)).all()
        found.append((organisation, list(units)))
    return found


def goals_of(session: Session, organisation_id: int) -> list[ProgrammeGoal]:
    """The organisation's programme goals in the order they were recorded."""
    return list(session.exec(select(ProgrammeGoal).where(
        ProgrammeGoal.organisation_id == organisation_id).order_by(ProgrammeGoal.id)).all())
