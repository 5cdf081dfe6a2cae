"""A unit's plan: which questionnaires it invites to and in which order, and when the
occasions after intake fall due.

Changing the plan moves only dates still ahead: an occasion already answered (any
assessment started there) or whose date has passed keeps its date, because that date is
the record of when things happened or were due. A date a coach moved by hand for one
participant (`occasions.move`) differs from what the old plan gave, and is kept too.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from sqlalchemy import exists
from sqlmodel import Session, select

from .. import instruments
from ..models import Assessment, Occasion, OccasionKind, Participant, StaffUser, Unit
from . import administration, audit
from .errors import N_, DomainError
from .participants import planned_dates

# Bounds that keep every planned date a real date and a plan a programme could have.
MAX_MONTHS = 120
MAX_FOLLOW_UP_DAYS = 1095


class InvalidUnitPlan(DomainError, ValueError):
    """A plan with an unknown questionnaire or impossible intervals."""

    message = N_("The unit's plan is not valid.")


@dataclass(frozen=True)
class UnitPlan:
    """The plan's settings; the names are the Unit's columns (`planned_dates` reads either)."""

    instrument_keys: tuple[str, ...]
    midway_after_months: int
    exit_after_months: int
    follow_up_after_days: int

    @classmethod
    def of(cls, unit: Unit) -> UnitPlan:
        """The plan a unit has now."""
        return cls(tuple(unit.default_instrument_keys), unit.midway_after_months,
                   unit.exit_after_months, unit.follow_up_after_days)

    def settings(self) -> dict:
        """The plan as audit details (lists, not tuples, so they read the same as JSON)."""
        found = asdict(self)
        found["instrument_keys"] = list(self.instrument_keys)
        return found


def check_plan(plan: UnitPlan) -> None:
    """Refuse a plan that could not be followed, naming what is wrong."""
    if not plan.instrument_keys:
        raise InvalidUnitPlan(N_("Choose at least one questionnaire."))
    if len(set(plan.instrument_keys)) != len(plan.instrument_keys):
        raise InvalidUnitPlan(N_("A questionnaire is chosen twice."))
    known = set(instruments.registry().keys())
    for key in plan.instrument_keys:
        if key not in known:
            raise InvalidUnitPlan(N_("Unknown questionnaire %(key)s."), key=key)
    if not 1 <= plan.midway_after_months < plan.exit_after_months:
        raise InvalidUnitPlan(N_("Midway must come at least one month after intake and "
                                 "before exit."))
    if plan.exit_after_months > MAX_MONTHS:
        raise InvalidUnitPlan(N_("Exit can be at most %(months)d months after intake."),
                              months=MAX_MONTHS)
    if not 0 <= plan.follow_up_after_days <= MAX_FOLLOW_UP_DAYS:
        raise InvalidUnitPlan(N_("Follow-up must come 0 to %(days)d days after exit."),
                              days=MAX_FOLLOW_UP_DAYS)


@dataclass(frozen=True)
class PlanChange:
    """What a change of plan did: the settings that changed, and how many occasions moved."""

    changed: tuple[str, ...]
    occasions_moved: int


def change_plan(session: Session, *, actor: StaffUser, unit: Unit, plan: UnitPlan, today: date,
                ip: str | None = None) -> PlanChange:
    """Give `unit` a new plan and move the due dates still ahead (see the module's
    docstring); audited with each changed setting before and after."""
    administration.require(actor, unit.organisation_id)
    check_plan(plan)
    before = UnitPlan.of(unit)
    old, new = before.settings(), plan.settings()
    changed = {name: {"before": old[name], "after": new[name]}
               for name in new if new[name] != old[name]}
    if not changed:
        return PlanChange((), 0)
    moved = _move_due_dates(session, unit=unit, old=before, new=plan, today=today)
    unit.default_instruments = ",".join(plan.instrument_keys)
    unit.midway_after_months = plan.midway_after_months
    unit.exit_after_months = plan.exit_after_months
    unit.follow_up_after_days = plan.follow_up_after_days
    session.add(unit)
    audit.record(session, action="unit.plan_changed", staff_id=actor.id, ip=ip,
                 object_type="unit", object_id=unit.id,
                 details={**changed, "occasions_moved": moved})
    session.commit()
    return PlanChange(tuple(changed), moved)


def _move_due_dates(session: Session, *, unit: Unit, old: UnitPlan, new: UnitPlan,
                    today: date) -> int:
    """Move the unit's occasions after `today` that nobody has answered and whose date is
    still the old plan's; returns how many moved."""
    answered = exists().where(Assessment.occasion_id == Occasion.id)
    rows = session.exec(
        select(Occasion, Participant.intake_date, Participant.exit_date)
        .join(Participant, Participant.id == Occasion.participant_id)
        .where(Participant.unit_id == unit.id, Participant.purged_at.is_(None),
               Occasion.kind != OccasionKind.INTAKE.value, Occasion.planned_date > today,
               ~answered)
    ).all()
    moved = 0
    for occasion, intake, exit_date in rows:
        was = planned_dates(old, intake, exit_date)[occasion.kind]
        will_be = planned_dates(new, intake, exit_date)[occasion.kind]
        if occasion.planned_date == was and will_be != was:
            occasion.planned_date = will_be
            session.add(occasion)
            moved += 1
    return moved
