"""The action plan service, without a request: steps are added, corrected, ticked and removed,
each change audited in its own transaction without the step's words."""
from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from app.models import ActionStep, AuditEvent
from app.models.action_plans import STEP_TEXT_MAX
from app.services import action_plans

from . import factories

WORDS = "Ringa Anna på Hemliga Bilskolan om uppkörningen"


def _events(session, participant):
    return session.exec(select(AuditEvent).where(
        AuditEvent.object_type == "participant", AuditEvent.object_id == participant.id,
        AuditEvent.action.startswith("action_plan.")).order_by(AuditEvent.id)).all()


def test_a_step_is_added_with_who_and_when_and_audited_without_its_words(session):
    person = factories.make_participant(session)
    staff = factories.make_staff(session)
    step = action_plans.add_step(session, participant=person, text=f"  {WORDS}  ",
                                 owner="coach", due_date=date(2026, 3, 1), staff_id=staff.id,
                                 ip="192.0.2.7")
    stored = session.get(ActionStep, step.id)
    assert (stored.text, stored.owner, stored.due_date, stored.done_at) == (
        WORDS, "coach", date(2026, 3, 1), None)
    assert stored.created_by_id == staff.id
    [event] = _events(session, person)
    assert event.action == "action_plan.step_added" and event.actor_staff_id == staff.id
    assert event.details == {"step": step.id} and event.ip == "192.0.2.7"


@pytest.mark.parametrize(("text", "owner", "refused"), [
    ("   ", "participant", action_plans.EmptyStep),
    ("x" * (STEP_TEXT_MAX + 1), "participant", action_plans.StepTooLong),
    ("Söka tre jobb", "the neighbour", action_plans.UnknownOwner),
])
def test_a_step_that_cannot_be_stored_is_refused_and_nothing_is_saved(session, text, owner, refused):
    person = factories.make_participant(session)
    with pytest.raises(refused) as caught:
        action_plans.add_step(session, participant=person, text=text, owner=owner)
    assert caught.value.message  # a msgid the web translates
    assert session.exec(select(ActionStep)).all() == [] and _events(session, person) == []


def test_the_longest_step_allowed_is_stored(session):
    person = factories.make_participant(session)
    step = action_plans.add_step(session, participant=person, text="x" * STEP_TEXT_MAX,
                                 owner="participant")
    assert len(step.text) == STEP_TEXT_MAX


def test_a_correction_names_the_changed_fields_never_their_values(session):
    person = factories.make_participant(session)
    step = action_plans.add_step(session, participant=person, text="Söka tre jobb",
                                 owner="participant")
    action_plans.change_step(session, step=step, text=WORDS, owner="participant",
                             due_date=date(2026, 4, 1), done=True)
    stored = session.get(ActionStep, step.id)
    assert stored.text == WORDS and stored.due_date == date(2026, 4, 1) and stored.done_at
    changed = _events(session, person)[-1]
    assert changed.action == "action_plan.step_changed"
    assert changed.details == {"step": step.id, "changed": ["due_date", "text", "done"]}
    assert WORDS not in json.dumps([e.details for e in _events(session, person)])


def test_saving_an_unchanged_step_records_nothing(session):
    person = factories.make_participant(session)
    step = action_plans.add_step(session, participant=person, text=WORDS, owner="together")
    action_plans.change_step(session, step=step, text=WORDS, owner="together", due_date=None,
                             done=False)
    assert [e.action for e in _events(session, person)] == ["action_plan.step_added"]


def test_ticking_done_twice_changes_nothing_the_second_time(session):
    person = factories.make_participant(session)
    step = action_plans.add_step(session, participant=person, text=WORDS, owner="participant")
    moment = datetime(2026, 2, 3, 10, 0, tzinfo=UTC)
    action_plans.mark_step(session, step=step, done=True, now=moment)
    action_plans.mark_step(session, step=step, done=True, now=datetime(2026, 2, 9, tzinfo=UTC))
    assert session.get(ActionStep, step.id).done_at == moment
    action_plans.mark_step(session, step=step, done=False)
    assert session.get(ActionStep, step.id).done_at is None
    assert [e.action for e in _events(session, person)] == [
        "action_plan.step_added", "action_plan.step_done", "action_plan.step_reopened"]


def test_a_removed_step_is_gone_and_the_removal_audited(session):
    person = factories.make_participant(session)
    step = action_plans.add_step(session, participant=person, text=WORDS, owner="participant")
    step_id = step.id
    action_plans.delete_step(session, step=step, staff_id=None)
    assert session.get(ActionStep, step_id) is None
    assert _events(session, person)[-1].details == {"step": step_id}


def test_the_plan_reads_open_steps_by_date_then_the_steps_done(session):
    person = factories.make_participant(session)

    def add(text, due=None):
        return action_plans.add_step(session, participant=person, text=text,
                                     owner="participant", due_date=due)

    undated, late, soon = add("undated"), add("late", date(2026, 5, 1)), add("soon", date(2026, 2, 1))
    first_done, last_done = add("done first"), add("done last")
    action_plans.mark_step(session, step=first_done, done=True,
                           now=datetime(2026, 1, 20, tzinfo=UTC))
    action_plans.mark_step(session, step=last_done, done=True,
                           now=datetime(2026, 1, 25, tzinfo=UTC))
    assert [s.text for s in action_plans.plan_of(session, person)] == [
        soon.text, late.text, undated.text, "done last", "done first"]


def test_a_step_belongs_to_one_plan_only(session):
    unit = factories.make_unit(session)
    one, other = (factories.make_participant(session, unit=unit) for _ in range(2))
    step = action_plans.add_step(session, participant=one, text=WORDS, owner="participant")
    assert action_plans.step_of(session, one, step.id).id == step.id
    assert action_plans.step_of(session, other, step.id) is None
    assert action_plans.step_of(session, one, step.id + 1000) is None
    assert action_plans.plan_of(session, other) == []
