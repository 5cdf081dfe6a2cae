"""Programme goals measured for evaluators: each over its own unit and period, intake → exit,
by gender, through disclosure control (no figure, and no difference of two, about fewer
than k people)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from app.models import AssessmentScore, Organisation
from app.services import goals
from app.services.goal_results import goal_results

from .. import factories
from .cohort_data import add_assessment, make_cohort
from .test_cohort import MEN, WOMEN

K = 5
YEAR_2025 = {"period_start": date(2025, 1, 1), "period_end": date(2025, 12, 31)}
SKILLS = ("listening", "reading", "spoken_interaction", "spoken_production", "writing")


def _goal(session, unit, *, whole_organisation=True, **settings):
    admin = factories.make_staff(session, role="admin", units=[unit])
    spec = {"organisation_id": unit.organisation_id, "unit_id": None if whole_organisation else unit.id,
            "title": "Goal", "instrument_key": "work_wheel", "measure": "any_increase",
            "score_ref": None, "target_value": 50.0, **YEAR_2025, **settings}
    return goals.create_goal(session, actor=admin, spec=goals.GoalSpec(**spec))


def _measured(session, unit):
    return {found.goal.title: found for found in
            goal_results(session, unit.organisation_id, K).results}


def test_kasam_goals_with_any_and_reliable_improvement(session):
    unit = factories.make_unit(session)
    intake = {f"q{i}": 4 for i in range(1, 14)}  # all 4: total 52 after reversal (8 − 4 = 4)
    up = {**intake, "q4": 7, "q5": 7, "q6": 7, "q8": 7, "q9": 7}  # +15: RCI 2.11, reliable
    small = {**intake, "q4": 5}  # +1: an increase, not reliable
    for index in range(10):
        person = factories.make_participant(session, unit=unit, gender="woman" if index < 5 else "man")
        add_assessment(session, person, "intake", "kasam13", intake, on=date(2025, 2, 3))
        add_assessment(session, person, "exit", "kasam13", up if index % 5 < 3 else small,
                       on=date(2025, 9, 3))
    _goal(session, unit, title="90 % ökad KASAM", instrument_key="kasam13", target_value=90)
    _goal(session, unit, title="50 % reliabel förbättring", instrument_key="kasam13",
          measure="reliable_improvement", target_value=50)
    measured = _measured(session, unit)
    any_increase = measured["90 % ökad KASAM"].cells
    reliable = measured["50 % reliabel förbättring"].cells
    assert any_increase["all"].result.proportion == 1 and any_increase["all"].met
    assert reliable["woman"].result.k == 3 and reliable["woman"].met  # 60 % ≥ 50 %
    assert (reliable["all"].result.k, reliable["all"].n) == (6, 10)


def test_mean_change_of_the_wheel_and_levels_moved_up(session):
    unit = factories.make_unit(session)
    make_cohort(session, unit, WOMEN + MEN)  # exits on 2025-08-22
    for person in make_cohort(session, unit, [("woman", 5, 5)] * 5 + [("man", 5, 5)] * 5):
        add_assessment(session, person, "intake", "cefr", dict.fromkeys(SKILLS, 1), on=date(2025, 2, 3))
        up = person.gender == "woman"  # women A1 → A2 in every skill; men stay
        add_assessment(session, person, "exit", "cefr", dict.fromkeys(SKILLS, 2 if up else 1),
                       on=date(2025, 8, 22))
    _goal(session, unit, title="Wheel +1", measure="mean_change", target_value=1.0)
    _goal(session, unit, title="Up a level", instrument_key="cefr", measure="level_up",
          target_value=40)
    measured = _measured(session, unit)
    wheel = measured["Wheel +1"].cells
    # Women's health changes +2, +1, 0, −1, +3 and six areas +1: a mean of the areas +1.0;
    # men +2 on health: +8/7. The second cohort (5 → 6 on every area but health) adds 6/7 each.
    assert wheel["woman"].mean == pytest.approx((5 * 1.0 + 5 * 6 / 7) / 10)
    assert wheel["man"].mean == pytest.approx((5 * 8 / 7 + 5 * 6 / 7) / 10)
    assert not wheel["woman"].met and wheel["man"].met
    level = measured["Up a level"].cells
    assert (level["woman"].result.k, level["man"].result.k, level["all"].result.k) == (5, 0, 5)
    assert level["all"].met  # 50 % ≥ 40 %


def test_a_goal_counts_its_unit_and_the_exits_in_its_period_only(session):
    first = factories.make_unit(session)
    second = factories.make_unit(session, session.get(Organisation, first.organisation_id))
    make_cohort(session, first, [("woman", 5, 7)] * 5 + [("man", 5, 7)] * 5)  # exits 2025-08-22
    make_cohort(session, second, [("woman", 5, 4)] * 5 + [("man", 5, 4)] * 5)
    make_cohort(session, second, [("woman", 5, 4)] * 5 + [("man", 5, 4)] * 5,
                intake=date(2026, 1, 5), days=100)  # exits in 2026
    _goal(session, first, title="Unit, 2025", whole_organisation=False)
    _goal(session, first, title="Everyone, 2025")
    _goal(session, first, title="Everyone, all years", period_start=date(2024, 1, 1),
          period_end=date(2026, 12, 31))
    measured = _measured(session, first)
    assert measured["Unit, 2025"].unit_name == first.name
    assert measured["Unit, 2025"].cells["all"].result.k == 10  # health 5 → 7
    assert measured["Unit, 2025"].cells["all"].n == 10
    assert measured["Everyone, 2025"].cells["all"].n == 20
    assert measured["Everyone, all years"].cells["all"].n == 30


def test_two_goals_a_few_exits_apart_give_no_one_away(session):
    """Two goals whose periods differ by two women's exits: without atom-level control
    their difference would be those two women. Their atom leaves both goals (and the page
    says less), so no difference of goals is a group smaller than k."""
    unit = factories.make_unit(session)
    people = make_cohort(session, unit, [("woman", 5, 7)] * 5 + [("man", 5, 7)] * 5,
                         days=200)  # exits on 2025-08-22
    late = people[:2]
    for person in late:  # two women's exit answers a month later
        score = session.exec(select(AssessmentScore).where(
            AssessmentScore.participant_id == person.id,
            AssessmentScore.occasion_kind == "exit")).one()
        score.completed_at = score.completed_at + timedelta(days=30)
        session.add(score)
    session.commit()
    _goal(session, unit, title="Whole year")
    _goal(session, unit, title="To August", period_end=date(2025, 8, 31))
    measured = _measured(session, unit)
    year, august = measured["Whole year"].cells, measured["To August"].cells
    for group in ("woman", "man", "all"):
        difference = (year[group].n if year[group] else 0) - (august[group].n if august[group] else 0)
        assert difference == 0 or difference >= K, group
    assert year["man"].n == august["man"].n == 5
    assert year["woman"] is None or year["woman"].n == 0


def test_health_wheel_goals_wait_until_the_organisation_pools_health_answers(session):
    unit = factories.make_unit(session)
    _goal(session, unit, title="Health", instrument_key="health_wheel")
    found = _measured(session, unit)["Health"]
    assert not found.measured and found.cells == {}


def test_the_goals_page_shows_each_goal_measured_and_cannot_change_them(client, session, login_as):
    unit = factories.make_unit(session)
    make_cohort(session, unit, WOMEN + MEN)
    _goal(session, unit, title="80 % documented step progression", target_value=80)
    other = factories.make_unit(session)
    _goal(session, other, title="Another organisation's goal")
    login_as("evaluator", units=[unit])
    page = client.get("/evaluator/goals")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "80 % documented step progression" in html and "Another organisation" not in html
    assert "Not met" in html or "Met" in html
    assert "2025-01-01" in html and "Whole organisation" in html
    assert 'method="post"' not in html.split("<main", 1)[1]
    assert client.post("/evaluator/goals", data={"title": "Mine"}).status_code == 405
