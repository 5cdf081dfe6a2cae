"""Programme goals of an organisation ("90 % experience increased KASAM")."""
from __future__ import annotations

from sqlmodel import Session

from .. import instruments
from ..models import ProgrammeGoal
from .audit import record
from .cohort import reliable_change_sd, reported_refs

MEASURES = ("any_increase", "reliable_improvement")


class InvalidGoal(ValueError):
    """A goal that cannot be measured (e.g. reliable improvement of a wheel)."""


def create_goal(session: Session, *, organisation_id: int, title: str, instrument_key: str,
                measure: str, target: str | None, target_percent: float,
                staff_id: int | None = None) -> ProgrammeGoal:
    """Record a goal after checking that its instrument can measure it."""
    try:
        instrument = instruments.latest(instrument_key)
    except instruments.UnknownInstrument:
        raise InvalidGoal("unknown instrument") from None
    if measure not in MEASURES:
        raise InvalidGoal("unknown measure")
    if target and target not in reported_refs(instrument):
        raise InvalidGoal("the score is not part of this instrument")
    ref = target or instrument.method.headline_ref  # as the cohort page measures it
    if measure == "reliable_improvement" and ref not in reliable_change_sd(instrument):
        raise InvalidGoal("reliable improvement is only defined for a total with known reliability")
    if not 0 <= target_percent <= 100:
        raise InvalidGoal("the target must be between 0 and 100 %")
    goal = ProgrammeGoal(organisation_id=organisation_id, title=title.strip(),
                         instrument_key=instrument_key, measure=measure, target=target or None,
                         target_percent=float(target_percent))
    session.add(goal)
    session.flush()
    record(session, action="goal_created", staff_id=staff_id, object_type="programme_goal",
           object_id=goal.id)
    session.commit()
    return goal


def delete_goal(session: Session, *, organisation_id: int, goal_id: int,
                staff_id: int | None = None) -> bool:
    """Remove a goal of this organisation; False when there is no such goal here."""
    goal = session.get(ProgrammeGoal, goal_id)
    if goal is None or goal.organisation_id != organisation_id:
        return False
    session.delete(goal)
    record(session, action="goal_deleted", staff_id=staff_id, object_type="programme_goal",
           object_id=goal_id)
    session.commit()
    return True
