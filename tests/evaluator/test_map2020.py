"""The MAP2020 table from pairs and days: a worked example computed by hand."""
from datetime import date

import numpy as np
import pytest

from app.statistics.map2020 import (
    LONGEST_DAYS,
    intake_period,
    longest_in_programme,
    map2020_table,
)

NAN = float("nan")
# Six participants. Days intake → exit; the sixth has not left (no exit, no days).
GENDER = ["woman", "woman", "man", "man", "woman", None]
INTAKE = [date(2016, 3, 1), date(2017, 2, 1), date(2017, 9, 1), date(2016, 11, 1),
          date(2017, 5, 1), date(2018, 1, 15)]
DAYS = np.array([400, 365, 150, 500, 100, NAN])
AREAS = {
    "competence": (np.array([4, 5, 2, 5, 4, 6.0]), np.array([6, 6, 4, 5, 7, NAN])),
    "health": (np.array([5, 6, NAN, 4, 5, 6.0]), np.array([5, 7, 6, 8, 6, NAN])),
}


@pytest.fixture(scope="module")
def table():
    return map2020_table(AREAS, DAYS, breakdowns={
        "gender": GENDER, "period": [intake_period(d) for d in INTAKE]})


def test_columns_in_order(table):
    assert list(table) == [("all", "all"), ("gender", "man"), ("gender", "woman"),
                           ("period", "2016"), ("period", "2017"), ("period", "2018"),
                           ("longest", "all")]


def test_everyone(table):
    competence = table[("all", "all")]["competence"]
    # Pairs 1–5: (4+5+2+5+4)/5 = 4 → (6+6+4+5+7)/5 = 5.6, +40 % of the intake mean.
    assert (competence.n, competence.before_mean, competence.after_mean) == (5, 4, 5.6)
    assert competence.percent_change == pytest.approx(40)
    assert competence.mean_days == pytest.approx(1515 / 5)
    health = table[("all", "all")]["health"]
    # The third has no intake health score: pairs 1, 2, 4, 5 → 20/4 = 5 → 26/4 = 6.5.
    assert (health.n, health.before_mean, health.after_mean) == (4, 5, 6.5)
    assert health.percent_change == pytest.approx(30)
    assert health.mean_days == pytest.approx(1365 / 4)


def test_by_gender(table):
    women = table[("gender", "woman")]["competence"]
    assert women.n == 3
    assert women.before_mean == pytest.approx(13 / 3) and women.after_mean == pytest.approx(19 / 3)
    assert women.percent_change == pytest.approx(100 * 6 / 13)
    men = table[("gender", "man")]["competence"]
    assert (men.before_mean, men.after_mean) == (3.5, 4.5)
    assert men.percent_change == pytest.approx(100 / 3.5)
    # "Not recorded" is left out of the gender groups, not out of "all".
    assert ("gender", None) not in table


def test_by_intake_period(table):
    first = table[("period", "2016")]["competence"]
    assert (first.n, first.before_mean, first.after_mean, first.mean_days) == (2, 4.5, 5.5, 450)
    second = table[("period", "2017")]["competence"]
    assert second.percent_change == pytest.approx(100 * 2 / (11 / 3))
    assert table[("period", "2018")]["competence"].n == 0  # not left yet: no pairs


def test_longest_in_the_programme(table):
    # A year or more: the first (400), second (365) and fourth (500).
    assert LONGEST_DAYS == 365
    assert longest_in_programme(DAYS).tolist() == [True, True, False, True, False, False]
    longest = table[("longest", "all")]["competence"]
    assert (longest.n, longest.mean_days) == (3, pytest.approx(1265 / 3))
    assert longest.before_mean == pytest.approx(14 / 3)
    assert longest.percent_change == pytest.approx(100 * 3 / 14)


def test_a_threshold_of_ones_own():
    chosen = map2020_table(AREAS, DAYS, min_days=450)[("longest", "all")]["competence"]
    assert chosen.n == 1 and chosen.mean_days == 500


@pytest.mark.parametrize(("months", "day", "period"), [
    (12, date(2017, 12, 31), "2017"),
    (6, date(2017, 6, 30), "2017-H1"),
    (6, date(2017, 7, 1), "2017-H2"),
    (3, date(2017, 4, 1), "2017-Q2"),
])
def test_intake_periods(months, day, period):
    assert intake_period(day, months) == period


def test_an_unknown_period_or_a_short_label_list_is_refused():
    with pytest.raises(ValueError, match="12, 6 or 3"):
        intake_period(date(2017, 1, 1), 4)
    with pytest.raises(ValueError, match="gender: one label per participant"):
        map2020_table(AREAS, DAYS, breakdowns={"gender": GENDER[:-1]})
