"""The dashboard's figures from the database, on SQLite and PostgreSQL: comparisons between
any two occasions, wheel means over the areas answered at both, attrition, the MAP2020
columns, CEFR bands and the Health Wheel opt-in."""
from datetime import date, timedelta

import numpy as np
import pytest
from sqlmodel import select

from app import instruments
from app.models import AuditEvent, Organisation
from app.services import organisations
from app.services import participants as participant_service
from app.services.cohort import CohortFilter, HealthStatisticsNotChosen, dashboard
from app.statistics.attrition import NonResponse
from app.statistics.cohort import ALL, LONGEST
from app.statistics.refs import MEAN_OF_ITEMS

from .. import factories
from .cohort_data import add_assessment, make_cohort, wheel

INTAKE = date(2025, 2, 3)


def row_of(data, ref):
    return next(row for row in data.rows if row.ref == ref)


def test_exit_to_follow_up_goes_through_the_same_aggregate(session):
    unit = factories.make_unit(session)
    people = make_cohort(session, unit, [("woman", 4, 6)] * 3 + [("man", 4, 7)] * 3, days=200)
    for index, person in enumerate(people):  # follow-up: women keep 6, men slip to 5
        add_assessment(session, person, "follow_up", "work_wheel",
                       wheel(6, health=6 if index < 3 else 5), on=INTAKE + timedelta(days=300))
    org = unit.organisation_id
    kept = dashboard(session, CohortFilter(organisation_id=org, comparison="exit-follow_up"), 3)
    health = row_of(kept, "health")
    assert kept.occasions == ("exit", "follow_up")
    assert (health.cells["woman"].before_mean, health.cells["woman"].after_mean) == (6, 6)
    assert (health.cells["man"].before_mean, health.cells["man"].after_mean) == (7, 5)
    assert health.cells[ALL].mean_days == pytest.approx(100)
    assert kept.map2020 is None  # MAP2020's table is intake → exit
    midway = dashboard(session, CohortFilter(organisation_id=org, comparison="intake-midway"), 3)
    assert midway.participants == 6 and row_of(midway, "health").cells[ALL] is None  # no pairs


def health_answers(rng, skip: int) -> dict:
    areas = [item.key for item in instruments.latest("health_wheel").scored_items]
    answers = {key: int(rng.integers(1, 11)) for key in areas}
    for key in rng.choice(areas, size=skip, replace=False):
        answers[str(key)] = None
    return answers


def test_the_wheel_mean_is_paired_in_the_database_as_paired_mean_says(session):
    org = factories.make_organisation(session, aggregate_health_wheel=True)
    unit = factories.make_unit(session, org)
    health = instruments.latest("health_wheel")
    rng = np.random.default_rng(10)
    expected = []
    for _ in range(14):
        person = factories.make_participant(session, unit=unit, gender="woman", intake_date=INTAKE)
        before, after = health_answers(rng, int(rng.integers(0, 3))), health_answers(
            rng, int(rng.integers(0, 3)))
        add_assessment(session, person, "intake", "health_wheel", before, on=INTAKE)
        add_assessment(session, person, "exit", "health_wheel", after,
                       on=INTAKE + timedelta(days=150))
        expected.append(health.method.paired_mean(health, before, after))
    data = dashboard(session, CohortFilter(organisation_id=org.id, instrument_key="health_wheel"), 3)
    paired = [pair for pair in expected if pair[0] is not None]
    assert 3 <= len(paired) < 14  # some fell below 7 areas answered at both: not in the mean
    mean = row_of(data, MEAN_OF_ITEMS).cells[ALL]
    assert mean.n == len(paired)
    assert mean.before_mean == pytest.approx(np.mean([b for b, _ in paired]))
    assert mean.after_mean == pytest.approx(np.mean([a for _, a in paired]))


def test_health_wheel_statistics_only_where_the_organisation_chose_them(session):
    org = factories.make_organisation(session)
    unit = factories.make_unit(session, org)
    chosen = CohortFilter(organisation_id=org.id, instrument_key="health_wheel")
    with pytest.raises(HealthStatisticsNotChosen):
        dashboard(session, chosen, 3)
    assert not dashboard(session, CohortFilter(organisation_id=org.id), 3).health_offered
    make_cohort(session, unit, [("woman", 4, 6)] * 3)
    organisations.set_health_statistics(session, organisation=org, on=True, staff_id=None,
                                        via="cli")
    assert dashboard(session, chosen, 3).instrument.key == "health_wheel"
    event = session.exec(select(AuditEvent).where(
        AuditEvent.action == "organisation.settings_changed")).one()
    assert (event.object_id, event.details) == (org.id, {
        "before": {"aggregate_health_wheel": False}, "after": {"aggregate_health_wheel": True},
        "via": "cli"})


def leave(session, person, unit, reason="work"):
    participant_service.record_exit(session, participant=person, unit=unit,
                                    exit_date=INTAKE + timedelta(days=200), reason=reason)


def test_attrition_with_the_warning_when_those_who_answered_started_higher(session):
    unit = factories.make_unit(session)
    for index in range(30):
        person = factories.make_participant(session, unit=unit, gender="woman", intake_date=INTAKE,
                                            birth_year=1990)
        answered = index < 12
        level = (7 + index % 2) if answered else (3 + index % 2)
        add_assessment(session, person, "intake", "work_wheel", wheel(level), on=INTAKE)
        if index < 25:
            leave(session, person, unit)
        if answered:
            add_assessment(session, person, "exit", "work_wheel", wheel(level),
                           on=INTAKE + timedelta(days=190))
        if index < 5:
            add_assessment(session, person, "follow_up", "work_wheel", wheel(level),
                           on=INTAKE + timedelta(days=300))
    # Another unit: 6 leavers, 2 of whom answered at exit (too few to show on their own):
    # that unit's leavers stay out of the response rate, and of the intake comparison.
    other = factories.make_unit(session, session.get(Organisation, unit.organisation_id))
    for index in range(6):
        person = factories.make_participant(session, unit=other, gender="woman", intake_date=INTAKE,
                                            birth_year=1990)
        add_assessment(session, person, "intake", "work_wheel", wheel(9), on=INTAKE)
        leave(session, person, other)
        if index < 2:
            add_assessment(session, person, "exit", "work_wheel", wheel(9),
                           on=INTAKE + timedelta(days=190))
    table = dashboard(session, CohortFilter(organisation_id=unit.organisation_id), 5).attrition
    assert (table.registered, table.left) == (36, 31)
    assert (table.exit_answered.k, table.exit_answered.n) == (12, 25)
    assert (table.follow_up_of_exit.k, table.follow_up_of_exit.n) == (5, 12)
    assert (table.intake_answered.k, table.intake_answered.n) == (36, 36)
    comparison = table.intake
    assert (comparison.n_answered, comparison.n_not_answered) == (12, 13)
    assert comparison.mean_answered == pytest.approx(7.5)
    assert comparison.mean_not_answered == pytest.approx((7 * 3 + 6 * 4) / 13)
    assert comparison.flag is NonResponse.ANSWERED_STARTED_HIGHER


def test_map2020_columns_by_gender_period_and_longest(session):
    unit = factories.make_unit(session)
    # 2024: three women and three men, 400 days (longest); 2025: the same, 100 days, except
    # one woman with 400 days: alone among her group, she is not counted as longest.
    make_cohort(session, unit, [("woman", 4, 6)] * 3 + [("man", 2, 4)] * 3, intake=date(2024, 3, 1),
                days=400)
    make_cohort(session, unit, [("woman", 5, 6)] * 2 + [("man", 3, 3)] * 3, intake=INTAKE, days=100)
    make_cohort(session, unit, [("woman", 5, 6)], intake=INTAKE, days=400)
    data = dashboard(session, CohortFilter(organisation_id=unit.organisation_id), 3)
    table = data.map2020
    assert table.columns == [(ALL, ALL), ("gender", "woman"), ("gender", "man"),
                             ("period", "2024"), ("period", "2025"), (LONGEST, ALL)]
    health = next(row for row in table.rows if row.ref == "health").cells
    assert health[(ALL, ALL)].n == 12
    assert (health[("period", "2024")].before_mean, health[("period", "2024")].after_mean) == (3, 5)
    longest = health[(LONGEST, ALL)]
    assert (longest.n, longest.mean_days, longest.percent_change) == (6, 400, pytest.approx(200 / 3))
    assert health[("gender", "woman")].n == 6


def test_cefr_bands_median_and_moving_up(session):
    unit = factories.make_unit(session)
    skills = [item.key for item in instruments.latest("cefr").scored_items]
    for before, after in zip([1, 1, 2, 3, 3, 4], [2, 3, 3, 3, 4, 5], strict=True):
        person = factories.make_participant(session, unit=unit, gender="woman", intake_date=INTAKE)
        add_assessment(session, person, "intake", "cefr", dict.fromkeys(skills, before), on=INTAKE)
        add_assessment(session, person, "exit", "cefr", dict.fromkeys(skills, after),
                       on=INTAKE + timedelta(days=150))
    data = dashboard(session, CohortFilter(organisation_id=unit.organisation_id,
                                           instrument_key="cefr"), 3)
    reading = next(row for row in data.levels if row.ref == "reading")
    assert reading.before.counts == {"preA1": None, "A": 3, "B": 3, "C": None}  # 0s hidden
    assert (reading.before.n, reading.before.median) == (6, (2, 3))  # "A2/B1"
    # At exit A 1, B 4, C 1: A and C are hidden, and B too, or 6 − 4 would give them away.
    assert set(reading.after.counts.values()) == {None}
    assert (reading.after.n, reading.after.median) == (6, (3, 3))
    assert reading.before.share("A").proportion == pytest.approx(0.5)
    assert reading.moving_up[ALL].k == 5  # one stayed at B1
    assert data.map2020 is None and data.attrition.intake is None  # levels are not averaged
