"""A unit's plan: questionnaires in order and occasion intervals, and what a change moves."""
from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from app.models import AuditEvent, Occasion, Organisation, utcnow
from app.services import administration, assessments, invitations, occasions, unit_plans
from app.services.participants import record_exit
from app.services.unit_plans import InvalidUnitPlan, UnitPlan

from ..factories import make_organisation, make_participant, make_staff, make_unit

TODAY = date(2026, 3, 1)
KEYS = ("work_wheel", "health_wheel", "cefr", "kasam13")


def _planned(session, participant) -> dict[str, date]:
    rows = session.exec(select(Occasion).where(Occasion.participant_id == participant.id))
    return {occasion.kind: occasion.planned_date for occasion in rows}


def _change(session, unit, actor, **changes):
    plan = UnitPlan.of(unit)
    wanted = {**plan.settings(), **changes}
    wanted["instrument_keys"] = tuple(wanted["instrument_keys"])
    return unit_plans.change_plan(session, actor=actor, unit=unit, plan=UnitPlan(**wanted),
                                  today=TODAY)


def test_a_new_plan_moves_only_later_unanswered_dates_still_from_the_old_plan(session):
    unit = make_unit(session)  # midway after 5 months, exit after 10, follow-up 90 days later
    other_unit = make_unit(session, session.get(Organisation, unit.organisation_id))
    admin = make_staff(session, role="unit_admin", units=[unit])
    waiting = make_participant(session, unit=unit, intake_date=date(2026, 1, 12))
    answered = make_participant(session, unit=unit, intake_date=date(2026, 1, 12))
    started = invitations.issue(session, participant=answered, occasion_kind="midway",
                                instrument_keys=["work_wheel"], environment="development")
    assessments.start(session, invitation=started, instrument_key="work_wheel", language="sv")
    past = make_participant(session, unit=unit, intake_date=date(2025, 6, 2))  # midway 2 Nov 2025
    by_hand = make_participant(session, unit=unit, intake_date=date(2026, 1, 12))
    occasions.move(session, participant=by_hand, planned={"midway": date(2026, 7, 1)})
    elsewhere = make_participant(session, unit=other_unit, intake_date=date(2026, 1, 12))
    before = {p.id: _planned(session, p) for p in (waiting, answered, past, by_hand, elsewhere)}

    change = _change(session, unit, admin, midway_after_months=4, exit_after_months=9)

    assert change.changed == ("midway_after_months", "exit_after_months")
    assert _planned(session, waiting) == {
        "intake": date(2026, 1, 12), "midway": date(2026, 5, 12), "exit": date(2026, 10, 12),
        "follow_up": date(2027, 1, 10)}
    assert _planned(session, answered)["midway"] == before[answered.id]["midway"]  # answered there
    assert _planned(session, answered)["exit"] == date(2026, 10, 12)  # not answered there: moves
    assert _planned(session, past)["midway"] == date(2025, 11, 2)  # its date has passed
    assert _planned(session, past)["exit"] == date(2026, 3, 2)  # still ahead: moves (was 2 Apr)
    assert _planned(session, by_hand)["midway"] == date(2026, 7, 1)  # a coach's own date stays
    assert _planned(session, elsewhere) == before[elsewhere.id]
    assert change.occasions_moved == 3 + 2 + 2 + 2  # waiting 3; answered, past, by_hand 2 each


def test_follow_up_after_a_recorded_exit_moves_with_the_exit_date_kept(session):
    unit = make_unit(session)
    admin = make_staff(session, role="admin", units=[unit])
    left = make_participant(session, unit=unit, intake_date=date(2025, 9, 1))
    record_exit(session, participant=left, unit=unit, exit_date=date(2026, 2, 20), reason="work")
    _change(session, unit, admin, follow_up_after_days=180, exit_after_months=12)
    planned = _planned(session, left)
    assert planned["exit"] == date(2026, 2, 20)
    assert planned["follow_up"] == date(2026, 8, 19)


def test_purged_participants_keep_their_dates(session):
    unit = make_unit(session)
    admin = make_staff(session, role="admin", units=[unit])
    gone = make_participant(session, unit=unit, intake_date=date(2026, 1, 12))
    gone.purged_at = utcnow()
    session.add(gone)
    session.commit()
    before = _planned(session, gone)
    assert _change(session, unit, admin, midway_after_months=3).occasions_moved == 0
    assert _planned(session, gone) == before


def test_the_change_is_audited_with_each_setting_before_and_after(session):
    unit = make_unit(session)
    admin = make_staff(session, role="unit_admin", units=[unit])
    make_participant(session, unit=unit, intake_date=date(2026, 1, 12))
    _change(session, unit, admin, instrument_keys=("cefr", "work_wheel"), follow_up_after_days=60)
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "unit.plan_changed")).one()
    assert (event.actor_staff_id, event.object_type, event.object_id) == (admin.id, "unit", unit.id)
    assert event.details == {
        "instrument_keys": {"before": list(KEYS), "after": ["cefr", "work_wheel"]},
        "follow_up_after_days": {"before": 90, "after": 60},
        "occasions_moved": 1}
    session.refresh(unit)
    assert unit.default_instrument_keys == ["cefr", "work_wheel"]


def test_saving_the_same_plan_changes_and_audits_nothing(session):
    unit = make_unit(session)
    admin = make_staff(session, role="admin", units=[unit])
    assert _change(session, unit, admin) == unit_plans.PlanChange((), 0)
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "unit.plan_changed")).all() == []


@pytest.mark.parametrize(("changes", "problem"), [
    ({"instrument_keys": ()}, "Choose at least one questionnaire."),
    ({"instrument_keys": ("cefr", "cefr")}, "A questionnaire is chosen twice."),
    ({"instrument_keys": ("iq_test",)}, "Unknown questionnaire %(key)s."),
    ({"midway_after_months": 0}, "Midway must come at least one month after intake and before exit."),
    ({"midway_after_months": 10}, "Midway must come at least one month after intake and before exit."),
    ({"exit_after_months": 10_000}, "Exit can be at most %(months)d months after intake."),
    ({"follow_up_after_days": -1}, "Follow-up must come 0 to %(days)d days after exit."),
    ({"follow_up_after_days": 10**9}, "Follow-up must come 0 to %(days)d days after exit."),
])
def test_an_impossible_plan_is_refused_naming_the_problem(session, changes, problem):
    unit = make_unit(session)
    admin = make_staff(session, role="admin", units=[unit])
    with pytest.raises(InvalidUnitPlan) as refused:
        _change(session, unit, admin, **changes)
    assert refused.value.message == problem
    session.refresh(unit)
    assert UnitPlan.of(unit).settings()["instrument_keys"] == list(KEYS)


def test_a_unit_admin_of_another_organisation_cannot_change_the_plan(session):
    unit = make_unit(session)
    stranger = make_staff(session, role="unit_admin", units=[make_unit(session, make_organisation(session))])
    with pytest.raises(administration.OutsideYourReach):
        _change(session, unit, stranger, midway_after_months=3)


def test_participants_meet_the_questionnaires_in_the_units_order_whoever_chose_them(session):
    unit = make_unit(session, default_instruments="cefr,work_wheel")
    person = make_participant(session, unit=unit)
    invitation = invitations.issue(session, participant=person, occasion_kind="intake",
                                   instrument_keys=["kasam13", "work_wheel", "cefr"],
                                   environment="development")
    assert invitation.instrument_keys == ["cefr", "work_wheel", "kasam13"]
