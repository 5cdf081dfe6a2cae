"""Programme goals kept by administrators: checked so they can be measured, audited, and
reachable only within the organisations one administers."""
from __future__ import annotations

import html
import math
from dataclasses import replace
from datetime import date

import pytest
from sqlmodel import select

from app.models import AuditEvent, Organisation, ProgrammeGoal
from app.services import administration, goals
from app.services.goals import GoalSpec, InvalidGoal

from ..factories import make_goal, make_organisation, make_staff, make_unit


def _spec(unit, **changes) -> GoalSpec:
    return replace(GoalSpec(
        organisation_id=unit.organisation_id, unit_id=unit.id, title="90 % feel more able to cope",
        instrument_key="kasam13", measure="any_increase", score_ref="total", target_value=90.0,
        period_start=date(2026, 1, 1), period_end=date(2026, 12, 31)), **changes)


def _form(unit, **changes) -> dict:
    return {"applies_to": f"unit:{unit.id}", "title": "80 % step progression",
            "instrument": "work_wheel", "score": "", "measure": "any_increase",
            "target_value": "80", "period_start": "2026-01-01", "period_end": "2026-12-31",
            **changes}


def test_a_unit_admin_sets_a_goal_for_a_unit_audited_with_its_settings(session):
    unit = make_unit(session)
    admin = make_staff(session, role="unit_admin", units=[unit])
    goal = goals.create_goal(session, actor=admin, spec=_spec(unit, title="  Spaced  "), ip="10.0.0.1")
    assert (goal.unit_id, goal.title, goal.score_ref, goal.target_value) == (unit.id, "Spaced", "total", 90.0)
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "goal.created")).one()
    assert (event.actor_staff_id, event.object_id, event.ip) == (admin.id, goal.id, "10.0.0.1")
    assert event.details["period_start"] == "2026-01-01" and event.details["unit_id"] == unit.id


def test_changing_a_goal_audits_each_setting_before_and_after(session):
    unit = make_unit(session)
    admin = make_staff(session, role="unit_admin", units=[unit])
    goal = goals.create_goal(session, actor=admin, spec=_spec(unit))
    goals.update_goal(session, actor=admin, goal=goal,
                      spec=_spec(unit, unit_id=None, target_value=80.0))
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "goal.updated")).one()
    assert event.details == {"unit_id": {"before": unit.id, "after": None},
                             "target_value": {"before": 90.0, "after": 80.0}}
    other = make_unit(session)
    with pytest.raises(InvalidGoal):
        goals.update_goal(session, actor=make_staff(session, role="admin", units=[unit]),
                          goal=goal, spec=_spec(other))
    goals.delete_goal(session, actor=admin, goal=goal)
    assert session.exec(select(ProgrammeGoal)).all() == []
    removed = session.exec(select(AuditEvent).where(AuditEvent.action == "goal.deleted")).one()
    assert removed.details["title"] == "90 % feel more able to cope"


INVALID = [
    ({"title": " "}, "Give the goal a name of at most %(length)d characters."),
    ({"instrument_key": "iq_test"}, "Unknown questionnaire %(key)s."),
    ({"measure": "happiness"}, "Unknown measure %(measure)s."),
    ({"score_ref": "listening"}, "That score is not one of the questionnaire's scores."),
    ({"measure": "level_up"}, "Moving up a level can only be measured for a questionnaire with "
                              "levels, such as the language self-assessment (CEFR)."),
    ({"instrument_key": "cefr", "score_ref": None},
     "Levels are counted, not scored: choose the share moving up at least one level."),
    ({"instrument_key": "cefr", "score_ref": None, "measure": "mean_change", "target_value": 1.0},
     "Levels are counted, not scored: choose the share moving up at least one level."),
    ({"instrument_key": "work_wheel", "score_ref": None, "measure": "reliable_improvement"},
     "Reliable improvement can only be measured for a total whose reliability is known, such "
     "as the KASAM total."),
    ({"target_value": 100.5}, "A share must be between 0 and 100 %."),
    ({"target_value": -1.0}, "A share must be between 0 and 100 %."),
    ({"target_value": math.inf}, "A share must be between 0 and 100 %."),
    ({"target_value": math.nan}, "A share must be between 0 and 100 %."),
    ({"measure": "mean_change", "target_value": 100.0},  # KASAM total: 13 to 91
     "A mean change on this score must be between %(low)s and %(high)s points."),
    ({"period_start": None}, "Give the period the goal is measured over."),
    ({"period_end": date(2025, 12, 31)}, "The period cannot end before it starts."),
]


@pytest.mark.parametrize(("changes", "problem"), INVALID, ids=[p[:40] for _, p in INVALID])
def test_a_goal_that_cannot_be_measured_is_refused_naming_why(session, changes, problem):
    unit = make_unit(session)
    admin = make_staff(session, role="unit_admin", units=[unit])
    with pytest.raises(InvalidGoal) as refused:
        goals.create_goal(session, actor=admin, spec=_spec(unit, **changes))
    assert refused.value.message == problem
    assert session.exec(select(ProgrammeGoal)).all() == []


def test_measures_each_instrument_can_give_are_accepted(session):
    unit = make_unit(session)
    admin = make_staff(session, role="admin", units=[unit])
    for changes in ({"measure": "reliable_improvement"},
                    {"measure": "mean_change", "target_value": -78.0},
                    {"instrument_key": "cefr", "score_ref": "listening", "measure": "level_up"},
                    {"instrument_key": "work_wheel", "score_ref": "health", "measure": "mean_change",
                     "target_value": 1.5}):
        goals.create_goal(session, actor=admin, spec=_spec(unit, **changes))
    assert len(session.exec(select(ProgrammeGoal)).all()) == 4


def test_a_unit_admin_reaches_only_their_own_organisations_goals(session):
    unit = make_unit(session)
    foreign_unit = make_unit(session, make_organisation(session))
    admin = make_staff(session, role="unit_admin", units=[unit])
    theirs = make_goal(session, organisation_id=foreign_unit.organisation_id)
    assert goals.goal_of(session, admin, theirs.id) is None
    assert [goal for goal, *_ in goals.goals_administered(session, admin)] == []
    with pytest.raises(administration.OutsideYourReach):
        goals.create_goal(session, actor=admin, spec=_spec(foreign_unit))
    with pytest.raises(InvalidGoal):  # a unit of another organisation, under one's own
        goals.create_goal(session, actor=admin, spec=_spec(unit, unit_id=foreign_unit.id))
    for action in (goals.delete_goal,):
        with pytest.raises(administration.OutsideYourReach):
            action(session, actor=admin, goal=theirs)
    coach = make_staff(session, role="coach", units=[unit])
    with pytest.raises(administration.OutsideYourReach):
        goals.create_goal(session, actor=coach, spec=_spec(unit))


def test_a_unit_admin_adds_changes_and_removes_a_goal_in_the_browser(client, session, login_as):
    unit = make_unit(session)
    login_as("unit_admin", units=[unit])
    form = client.get("/admin/goals/new").get_data(as_text=True)
    assert f'value="unit:{unit.id}"' in form and f'value="org:{unit.organisation_id}"' in form
    added = client.post("/admin/goals/new", data=_form(unit))
    assert added.status_code == 302, added.get_data(as_text=True)
    goal = session.exec(select(ProgrammeGoal)).one()
    listed = client.get("/admin/goals").get_data(as_text=True)
    assert "80 % step progression" in listed and unit.name in listed
    edit = client.get(f"/admin/goals/{goal.id}/edit").get_data(as_text=True)
    assert 'value="80 % step progression"' in edit
    changed = client.post(f"/admin/goals/{goal.id}/edit", data=_form(
        unit, applies_to=f"org:{unit.organisation_id}", score="work_wheel:health",
        measure="mean_change", target_value="1.5"))
    assert changed.status_code == 302
    session.refresh(goal)
    assert (goal.unit_id, goal.score_ref, goal.measure, goal.target_value) == (
        None, "health", "mean_change", 1.5)
    assert client.post(f"/admin/goals/{goal.id}/delete").status_code == 302
    assert session.exec(select(ProgrammeGoal)).all() == []


def test_an_invalid_goal_is_refused_on_the_page_in_the_readers_language(client, session, login_as,
                                                                       translated):
    unit = make_unit(session)
    login_as("unit_admin", units=[unit], preferred_language="sv")
    for data, problem in (
            (_form(unit, measure="level_up"), "Moving up a level can only be measured for a "
             "questionnaire with levels, such as the language self-assessment (CEFR)."),
            (_form(unit, period_end="2025-06-30"), "The period cannot end before it starts."),
            (_form(unit, score="kasam13:total"), "That score is not one of the questionnaire's scores."),
            (_form(unit, target_value="120"), "A share must be between 0 and 100 %.")):
        response = client.post("/admin/goals/new", data=data)
        assert response.status_code == 200
        assert translated("sv", problem) in html.unescape(response.get_data(as_text=True))
    missing = client.post("/admin/goals/new", data=_form(unit, period_start="", title=""))
    assert missing.status_code == 200 and "error-summary" in missing.get_data(as_text=True)
    assert session.exec(select(ProgrammeGoal)).all() == []


def test_goal_pages_by_role(client, session, login_as):
    unit = make_unit(session)
    sibling = make_unit(session, session.get(Organisation, unit.organisation_id))
    foreign = make_unit(session, make_organisation(session))
    ours = make_goal(session, organisation_id=unit.organisation_id, title="Ours")
    theirs = make_goal(session, organisation_id=foreign.organisation_id, title="Theirs")
    login_as("unit_admin", units=[unit])
    listed = client.get("/admin/goals").get_data(as_text=True)
    assert "Ours" in listed and "Theirs" not in listed
    assert f'value="unit:{sibling.id}"' in client.get("/admin/goals/new").get_data(as_text=True)
    for path in (f"/admin/goals/{theirs.id}/edit", "/admin/goals/999999/edit"):
        assert client.get(path).status_code == 404
    assert client.post(f"/admin/goals/{theirs.id}/delete").status_code == 404
    assert client.post("/admin/goals/new", data=_form(foreign)).status_code == 200  # not a choice
    assert len(session.exec(select(ProgrammeGoal)).all()) == 2
    client.post("/logout")
    login_as("admin", units=[unit])
    listed = client.get("/admin/goals").get_data(as_text=True)
    assert "Ours" in listed and "Theirs" in listed
    assert client.get(f"/admin/goals/{theirs.id}/edit").status_code == 200
    assert client.get(f"/admin/goals/{ours.id}/edit").status_code == 200
    for role in ("coach", "evaluator"):
        client.post("/logout")
        login_as(role, units=[unit])
        assert client.get("/admin/goals").status_code == 403
