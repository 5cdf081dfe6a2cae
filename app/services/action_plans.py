"""A participant's action plan: the steps they and their coach agree in a conversation.

Each change is one use case with its audit event in the same transaction. The events point at
the participant (so the audit trail's scope and erasure treat them like every other event
about the person) and name the step and the fields that changed, never the step's words:
free text can say anything about anyone.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session, select

from ..models import ActionStep, Participant, StepOwner, utcnow
from ..models.action_plans import STEP_TEXT_MAX
from . import audit
from .errors import N_, DomainError


class InvalidStep(DomainError):
    """A step that cannot be stored as given: nothing was saved."""


class EmptyStep(InvalidStep):
    message = N_("Write what the step is.")


class StepTooLong(InvalidStep):
    message = N_("Write the step in at most %(max)d characters.")


class UnknownOwner(InvalidStep):
    message = N_("Choose who takes the step.")


def _checked(text: str | None, owner: str) -> tuple[str, str]:
    """The step's words without surrounding spaces and its owner, or the reason they are refused."""
    words = (text or "").strip()
    if not words:
        raise EmptyStep()
    if len(words) > STEP_TEXT_MAX:
        raise StepTooLong(max=STEP_TEXT_MAX)
    if owner not in set(StepOwner):
        raise UnknownOwner()
    return words, str(owner)


def plan_of(session: Session, participant: Participant) -> list[ActionStep]:
    """The participant's steps as a plan reads: open steps by date (undated last), then the
    steps done, most recently done first."""
    steps = session.exec(select(ActionStep).where(ActionStep.participant_id == participant.id)
                         .order_by(ActionStep.id)).all()
    still_open = sorted((s for s in steps if s.done_at is None),
                        key=lambda s: (s.due_date is None, s.due_date or date.max))
    done = sorted((s for s in steps if s.done_at is not None), key=lambda s: s.done_at,
                  reverse=True)
    return still_open + done


def step_of(session: Session, participant: Participant, step_id: int) -> ActionStep | None:
    """Step `step_id` if it is in this participant's plan."""
    step = session.get(ActionStep, step_id)
    return step if step is not None and step.participant_id == participant.id else None


def _record(session: Session, action: str, step: ActionStep, *, staff_id: int | None,
            ip: str | None, **details) -> None:
    audit.record(session, action=f"action_plan.{action}", staff_id=staff_id, ip=ip,
                 object_type="participant", object_id=step.participant_id,
                 details={"step": step.id, **details})


def add_step(session: Session, *, participant: Participant, text: str, owner: str,
             due_date: date | None = None, staff_id: int | None = None,
             ip: str | None = None) -> ActionStep:
    """Add a step to the participant's plan."""
    words, owner = _checked(text, owner)
    step = ActionStep(participant_id=participant.id, text=words, owner=owner, due_date=due_date,
                      created_by_id=staff_id)
    session.add(step)
    session.flush()
    _record(session, "step_added", step, staff_id=staff_id, ip=ip)
    session.commit()
    return step


def change_step(session: Session, *, step: ActionStep, text: str, owner: str,
                due_date: date | None, done: bool, staff_id: int | None = None,
                ip: str | None = None, now: datetime | None = None) -> ActionStep:
    """Store a corrected step; the audit event names the fields that changed, not their values.
    Saving an unchanged step changes and records nothing."""
    words, owner = _checked(text, owner)
    done_at = (step.done_at or now or utcnow()) if done else None
    wanted = {"text": words, "owner": owner, "due_date": due_date}
    changed = sorted(name for name, value in wanted.items() if getattr(step, name) != value)
    if (step.done_at is None) == done:
        changed.append("done")
    if not changed:
        return step
    for name, value in wanted.items():
        setattr(step, name, value)
    step.done_at = done_at
    step.updated_at = now or utcnow()
    session.add(step)
    _record(session, "step_changed", step, staff_id=staff_id, ip=ip, changed=changed)
    session.commit()
    return step


def mark_step(session: Session, *, step: ActionStep, done: bool, staff_id: int | None = None,
              ip: str | None = None, now: datetime | None = None) -> ActionStep:
    """Tick a step as done, or open it again. Asking twice changes nothing the second time."""
    if (step.done_at is not None) == done:
        return step
    step.done_at = (now or utcnow()) if done else None
    step.updated_at = now or utcnow()
    session.add(step)
    _record(session, "step_done" if done else "step_reopened", step, staff_id=staff_id, ip=ip)
    session.commit()
    return step


def delete_step(session: Session, *, step: ActionStep, staff_id: int | None = None,
                ip: str | None = None) -> None:
    """Remove a step from the plan (a step agreed by mistake, or no longer wanted)."""
    _record(session, "step_deleted", step, staff_id=staff_id, ip=ip)
    session.delete(step)
    session.commit()
