"""Rounding to what the data supports: one rule per kind of figure, half away from zero."""
import pytest

from app.statistics.rounding import (
    Rounded,
    mean_decimals,
    round_half_up,
    rounded_days,
    rounded_effect,
    rounded_mean,
    rounded_p,
    rounded_percent_change,
    rounded_share,
)


@pytest.mark.parametrize(("value", "decimals", "expected"), [
    (2.45, 1, 2.5), (-2.45, 1, -2.5), (2.675, 2, 2.68), (0.5, 0, 1.0), (1.5, 0, 2.0),
    (2.5, 0, 3.0), (-0.5, 0, -1.0), (5.0, 1, 5.0),
])
def test_half_away_from_zero_not_to_even(value, decimals, expected):
    assert round_half_up(value, decimals) == expected


def test_a_mean_has_one_decimal_from_ten_people():
    assert [mean_decimals(n) for n in (1, 9, 10, 500)] == [0, 0, 1, 1]
    assert rounded_mean(5.63, 69) == Rounded(5.6, 1)
    # Five answers summing 27: 5.4 to one decimal would give the sum back; 5 does not.
    assert rounded_mean(27 / 5, 5) == Rounded(5.0, 0)


def test_shares_and_percent_changes_are_whole_percent():
    assert rounded_share(130 / 300) == Rounded(43.0, 0)
    assert rounded_share(0.125) == Rounded(13.0, 0)  # half up: 12.5 → 13
    # MAP2020's fourth area: 44 → 57 is 29.5 %, shown as 30 (the report printed 28 from
    # unrounded means; here from the means themselves).
    assert rounded_percent_change(100 * 13 / 44) == Rounded(30.0, 0)


def test_p_values_three_decimals_and_never_zero():
    assert rounded_p(0.0625) == Rounded(0.063, 3)
    assert rounded_p(0.0004) == Rounded(0.001, 3, below=True)
    assert rounded_p(0.001) == Rounded(0.001, 3)
    assert rounded_p(1.0) == Rounded(1.0, 3)


def test_effect_sizes_and_days():
    assert rounded_effect(0.63245) == Rounded(0.63, 2)
    assert rounded_days(202.5) == Rounded(203.0, 0)


@pytest.mark.parametrize("function", [rounded_share, rounded_percent_change, rounded_p,
                                      rounded_effect, rounded_days])
def test_nothing_to_round_stays_missing(function):
    assert function(None).value is None
    assert rounded_mean(None, 3).value is None
