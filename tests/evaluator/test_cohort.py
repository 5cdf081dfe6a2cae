"""The cohort read side and the dashboard, on SQLite and PostgreSQL."""
from datetime import date

import pytest

from app.services.cohort import CohortFilter, dashboard
from app.services.goals import InvalidGoal, create_goal

from .. import factories
from .cohort_data import add_assessment, make_cohort, wheel

# Health at intake → exit. Women: 4→6, 5→6, 6→6, 5→4, 5→8 (mean 5 → 6, +20 %).
WOMEN = [("woman", 4, 6), ("woman", 5, 6), ("woman", 6, 6), ("woman", 5, 4), ("woman", 5, 8)]
# Men: 2→4 ×5 (mean 2 → 4, +100 %).
MEN = [("man", 2, 4)] * 5


@pytest.fixture
def unit(session):
    return factories.make_unit(session)


def test_map2020_table_from_the_database(session, unit):
    make_cohort(session, unit, WOMEN + MEN, days=203)
    data = dashboard(session, CohortFilter(organisation_id=unit.organisation_id), threshold=5)
    health = next(row for row in data.rows if row.ref == "health")
    women, men, everyone = health.cells["woman"], health.cells["man"], health.cells["all"]
    assert (women.n, women.before_mean, women.after_mean, women.change) == (5, 5, 6, 1)
    assert women.percent_change == pytest.approx(20)
    assert (men.before_mean, men.after_mean, men.percent_change) == (2, 4, 100)
    assert (everyone.n, everyone.before_mean, everyone.after_mean) == (10, 3.5, 5)
    assert everyone.mean_days == pytest.approx(203)
    # women: +2, +1, 0, −1, +3; men: +2 ×5
    assert (everyone.improved.k, everyone.same.k, everyone.worsened.k) == (8, 1, 1)
    assert data.years.years == ["2025"]
    assert data.years.cells[("2025", "all")].n == 10
    assert data.groups == ["woman", "man", "all"]


def test_a_person_in_a_small_gender_category_is_left_out_and_said(session, unit):
    make_cohort(session, unit, WOMEN + MEN + [("other", 3, 5)])
    data = dashboard(session, CohortFilter(organisation_id=unit.organisation_id), threshold=5)
    health = next(row for row in data.rows if row.ref == "health")
    # Showing "all" with the one "other" person in it would give them back as all − women −
    # men: they are left out of every figure, and the page says how many and why.
    assert data.groups == ["woman", "man", "all"] and "other" not in health.cells
    assert (health.cells["woman"].n, health.cells["man"].n, health.cells["all"].n) == (5, 5, 10)
    assert (data.view.left_out, dict(data.view.left_out_by)) == (1, {"gender": 1})
    assert data.participants == 10


def test_only_completed_stored_assessments_count(session, unit):
    people = make_cohort(session, unit, WOMEN)
    other = factories.make_participant(session, unit=unit, gender="woman")
    add_assessment(session, other, "intake", "work_wheel", wheel(1), on=date(2025, 2, 3),
                   storage="discussion_only")
    add_assessment(session, other, "exit", "work_wheel", wheel(10), on=date(2025, 9, 3),
                   storage="discussion_only")
    add_assessment(session, people[0], "follow_up", "work_wheel", wheel(10), on=date(2025, 12, 1),
                   completed=False)
    data = dashboard(session, CohortFilter(organisation_id=unit.organisation_id), threshold=5)
    assert next(r for r in data.rows if r.ref == "health").cells["all"].n == 5
    assert data.funnel.cells[("all", "registered")] == 6
    assert data.funnel.cells[("all", "follow_up")] is None  # nobody: shown as "–"


def test_filters_gender_and_age_band(session, unit):
    make_cohort(session, unit, WOMEN, birth_year=2001)  # 24 at intake 2025
    make_cohort(session, unit, MEN, birth_year=1990)  # 35
    org = unit.organisation_id
    assert dashboard(session, CohortFilter(organisation_id=org, gender="man"), 5).participants == 5
    assert dashboard(session, CohortFilter(organisation_id=org, age_band="20-24"), 5).participants == 5
    assert dashboard(session, CohortFilter(organisation_id=org, age_band="30-44", gender="woman"),
                     5).participants == 0


def test_kasam_goal_with_reliable_improvement(session, unit):
    intake = {f"q{i}": 4 for i in range(1, 14)}  # all 4: total 52 after reversal (8 − 4 = 4)
    up = {**intake, "q4": 7, "q5": 7, "q6": 7, "q8": 7, "q9": 7}  # +15: RCI 2.11, reliable
    small = {**intake, "q4": 5}  # +1: an increase, not reliable
    for index in range(10):
        person = factories.make_participant(session, unit=unit, gender="woman" if index < 5 else "man")
        add_assessment(session, person, "intake", "kasam13", intake, on=date(2025, 2, 3))
        add_assessment(session, person, "exit", "kasam13", up if index % 5 < 3 else small,
                       on=date(2025, 9, 3))
    create_goal(session, organisation_id=unit.organisation_id, title="90 % ökad KASAM",
                instrument_key="kasam13", measure="any_increase", target=None, target_percent=90)
    create_goal(session, organisation_id=unit.organisation_id, title="50 % reliabel förbättring",
                instrument_key="kasam13", measure="reliable_improvement", target=None,
                target_percent=50)
    data = dashboard(session, CohortFilter(organisation_id=unit.organisation_id,
                                           instrument_key="kasam13"), 5)
    any_increase, reliable = data.goals
    assert any_increase.cells["all"].result.proportion == 1 and any_increase.cells["all"].met
    assert reliable.cells["woman"].result.k == 3 and reliable.cells["woman"].met  # 60 % ≥ 50 %
    total = next(row for row in data.rows if row.ref == "total").cells["all"]
    assert total.reliably_improved.k == 6 and total.improved.k == 10


def test_reliable_improvement_of_a_wheel_is_refused(session, unit):
    with pytest.raises(InvalidGoal):
        create_goal(session, organisation_id=unit.organisation_id, title="x",
                    instrument_key="work_wheel", measure="reliable_improvement", target=None,
                    target_percent=50)


def test_dashboard_page_shows_women_in_one_unit(client, session, login_as):
    unit = factories.make_unit(session)
    make_cohort(session, unit, WOMEN + MEN)
    login_as("evaluator", units=[unit])
    page = client.get(f"/evaluator/?unit={unit.id}&gender=woman")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Intake and exit" in html and "chart-data" in html
    assert "–" in html  # men: nobody in this selection
    assert page.headers["Cache-Control"] == "no-store"


def test_evaluators_see_only_their_own_organisation(client, session, login_as):
    theirs = factories.make_unit(session)
    make_cohort(session, theirs, WOMEN + MEN)
    mine = factories.make_unit(session)
    login_as("evaluator", units=[mine])
    html = client.get(f"/evaluator/?organisation={theirs.organisation_id}").get_data(as_text=True)
    assert theirs.name not in html
    assert "0 participants" in html


def test_goals_page_adds_and_removes_a_goal(client, session, login_as):
    login_as("evaluator")
    response = client.post("/evaluator/goals", data={
        "title": "80 % documented step progression", "instrument": "work_wheel",
        "measure": "any_increase", "target": "", "target_percent": "80"})
    assert response.status_code == 302
    html = client.get("/evaluator/goals").get_data(as_text=True)
    assert "80 % documented step progression" in html


def test_answers_to_a_version_that_cannot_be_compared_are_left_out_and_counted(
        session, unit, monkeypatch):
    from app import instruments
    from app.models import AssessmentScore

    current = instruments.latest("work_wheel")
    other = current.model_copy(update={"version": 99, "comparable_versions": []})
    monkeypatch.setattr(instruments, "all_instruments", lambda: [current, other])
    people = make_cohort(session, unit, WOMEN)
    for person in people:
        later = add_assessment(session, person, "follow_up", "work_wheel", wheel(9),
                               on=date(2025, 12, 1))
        stored = session.get(AssessmentScore, later.id)
        stored.instrument_version = 99  # answered with the version that may not be pooled
        session.add(stored)
    session.commit()
    data = dashboard(session, CohortFilter(organisation_id=unit.organisation_id), threshold=5)
    assert data.not_comparable == 5
    assert next(r for r in data.rows if r.ref == "health").cells["all"].n == 5


def test_an_exit_dated_before_its_intake_is_never_paired(session, unit):
    people = make_cohort(session, unit, WOMEN + MEN)
    wrong = factories.make_participant(session, unit=unit, gender="woman",
                                       intake_date=date(2025, 2, 3))
    add_assessment(session, wrong, "intake", "work_wheel", wheel(5), on=date(2025, 6, 1))
    add_assessment(session, wrong, "exit", "work_wheel", wheel(9), on=date(2025, 3, 1))
    data = dashboard(session, CohortFilter(organisation_id=unit.organisation_id), threshold=5)
    health = next(row for row in data.rows if row.ref == "health")
    assert health.cells["all"].n == len(people)


def test_evaluators_can_choose_an_older_version_that_cannot_be_pooled(
        client, session, unit, login_as, monkeypatch):
    from app import instruments
    from app.instruments.registry import Registry

    first = instruments.latest("work_wheel")
    second = first.model_copy(update={"version": 2, "comparable_versions": ()})
    others = [i for i in instruments.all_instruments() if i.key != "work_wheel"]
    registry = Registry([*others, first, second])
    monkeypatch.setattr(instruments, "registry", lambda: registry)
    make_cohort(session, unit, WOMEN + MEN)  # answered with version 1
    org = unit.organisation_id
    latest = dashboard(session, CohortFilter(organisation_id=org), threshold=5)
    assert latest.instrument.version == 2 and latest.not_comparable == 20
    assert all(row.cells["all"] is None for row in latest.rows)
    older = dashboard(session, CohortFilter(organisation_id=org, instrument_version=1), 5)
    assert next(r for r in older.rows if r.ref == "health").cells["all"].n == 10
    login_as("evaluator", units=[unit])
    page = client.get("/evaluator/?instrument=work_wheel:1")
    assert page.status_code == 200
    assert "The work wheel (version 1)" in page.get_data(as_text=True)


def test_an_export_of_an_older_version_describes_and_holds_that_version_only(
        session, unit, monkeypatch):
    from app import instruments
    from app.instruments.registry import Registry

    from .test_exports import read_csv, run_export

    first = instruments.latest("work_wheel")
    second = first.model_copy(update={"version": 2, "comparable_versions": ()})
    others = [i for i in instruments.all_instruments() if i.key != "work_wheel"]
    registry = Registry([*others, first, second])
    monkeypatch.setattr(instruments, "registry", lambda: registry)
    people = make_cohort(session, unit, WOMEN + MEN)  # answered with version 1
    later = add_assessment(session, people[0], "follow_up", "work_wheel", wheel(9),
                           on=date(2026, 9, 1))
    later.instrument_version = 2  # answered with the newer version, which may not be pooled
    session.add(later)
    session.commit()
    archive = run_export(session, unit.organisation_id, layout="long",
                         instrument_key="work_wheel", instrument_version=1)
    rows = read_csv(archive, "stegvis-long.csv")
    assert rows and {row["instrument_version"] for row in rows} == {"1"}
    every = read_csv(run_export(session, unit.organisation_id, layout="long",
                                instrument_key="work_wheel"), "stegvis-long.csv")
    newer = [row for row in every if row["instrument_version"] == "2"]
    assert len(newer) == len(wheel(9)) and len(every) == len(rows) + len(newer)
