"""Cohort statistics against fixtures computed by hand (no app, no database)."""
import math

import numpy as np
import pytest
from scipy import stats

from app.instruments.change import RCI_THRESHOLD, standard_error_of_difference
from app.statistics import (
    age_band,
    age_bands,
    cohens_dz,
    level_distribution,
    protect_table,
    share,
    share_moving_up,
    summarise_pairs,
    wilcoxon_p,
)

NAN = float("nan")


def test_map2020_table_cell_by_hand():
    # Five pairs: intake mean 5, exit mean 6 → change +1, +20 %; days mean 200.
    summary = summarise_pairs([4, 5, 6, 5, 5, NAN], [6, 6, 6, 4, 8, 7],
                              [100, 200, 150, 250, 300, 999])
    assert summary.n == 5  # the sixth has no intake: not a pair
    assert summary.before_mean == 5 and summary.after_mean == 6
    assert summary.change == 1
    assert summary.percent_change == pytest.approx(20.0)
    assert summary.mean_days == 200
    # differences 2, 1, 0, −1, 3
    assert (summary.improved.k, summary.same.k, summary.worsened.k) == (3, 1, 1)
    assert summary.improved.proportion == pytest.approx(0.6)


def test_percent_change_as_map2020_reported_it():
    # MAP2020's fourth area: 44 → 57 is +29.5 % of the intake mean (they printed 28 %
    # from unrounded means); here with exact means.
    summary = summarise_pairs([40, 48], [50, 64])
    assert summary.percent_change == pytest.approx(100 * (57 - 44) / 44)


def test_percent_change_undefined_at_zero_intake_mean():
    assert summarise_pairs([0, 0], [1, 2]).percent_change is None


def test_wilson_interval_by_hand():
    # 3 of 5: centre (p + z²/2n)/(1 + z²/n), half-width z·√(p(1−p)/n + z²/4n²)/(1 + z²/n)
    z = stats.norm.ppf(0.975)
    p, n = 0.6, 5
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    result = share(3, 5)
    assert result.low == pytest.approx(centre - half) and result.high == pytest.approx(centre + half)
    assert (round(result.low, 4), round(result.high, 4)) == (0.2307, 0.8824)


@pytest.mark.parametrize(("k", "n"), [(0, 1), (0, 7), (3, 5), (7, 7), (450, 1000)])
def test_wilson_interval_equals_scipy(k, n):
    expected = stats.binomtest(k, n).proportion_ci(0.95, method="wilson")
    result = share(k, n)
    assert result.low == pytest.approx(expected.low, abs=1e-12)
    assert result.high == pytest.approx(expected.high, abs=1e-12)


def test_share_of_nobody_has_no_proportion():
    assert share(0, 0).proportion is None


def test_cohens_dz_by_hand():
    # differences 2, 1, 0, −1, 3: mean 1, SD √(10/4) → d_z = 1/1.5811 = 0.6325
    effect = cohens_dz(np.array([2, 1, 0, -1, 3]))
    assert effect.d == pytest.approx(1 / math.sqrt(2.5))
    # The interval inverts the noncentral t: at each bound the observed t is at 97.5 % / 2.5 %.
    t = effect.d * math.sqrt(5)
    assert stats.nct.cdf(t, 4, effect.low * math.sqrt(5)) == pytest.approx(0.975)
    assert stats.nct.cdf(t, 4, effect.high * math.sqrt(5)) == pytest.approx(0.025)
    assert effect.low < effect.d < effect.high


def test_cohens_dz_interval_stays_exact_where_scipy_returns_nan():
    # scipy's noncentral t CDF returns NaN at points far in the left tail of the search
    # range for these 40 differences; the interval must still invert the noncentral t
    # exactly (not fall back to an approximation).
    differences = np.array([-2, -1, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 4, 1, 0, 2, 1, 1, 3, -1] * 2)
    effect = cohens_dz(differences)
    t, n = effect.d * math.sqrt(40), 40
    assert stats.nct.sf(-t, n - 1, -effect.low * math.sqrt(n)) == pytest.approx(0.975, abs=1e-4)
    assert stats.nct.cdf(t, n - 1, effect.high * math.sqrt(n)) == pytest.approx(0.025, abs=1e-4)


def test_cohens_dz_undefined_without_spread():
    assert cohens_dz(np.array([1, 1, 1])) is None
    assert cohens_dz(np.array([1])) is None


def test_wilcoxon_exact_p_by_hand():
    # five positive differences without ties: P(W+ = 15) = 1/32, two-sided 2/32
    assert wilcoxon_p(np.array([1, 2, 3, 4, 5])).p == pytest.approx(0.0625)
    assert wilcoxon_p(np.array([0, 0])) is None


def test_reliable_improvement_uses_jacobson_truax():
    s_diff = standard_error_of_difference(0.85, 13.0)  # √2 · 13 · √0.15 = 7.120
    assert s_diff == pytest.approx(7.1204, abs=1e-4)
    # +15 → RCI 2.11 reliable; +14 → 1.966 reliable; +13 → 1.83 not; −20 worsened
    summary = summarise_pairs([40, 40, 40, 60], [55, 54, 53, 40], s_diff=s_diff,
                              rci_threshold=RCI_THRESHOLD)
    assert summary.reliably_improved.k == 2
    assert summary.improved.k == 3


def test_age_bands_at_intake():
    assert age_band(2007, 2026) == "15-19"
    assert age_band(2006, 2026) == "20-24"
    assert age_band(1997, 2026) == "25-29"
    assert age_band(1996, 2026) == "30-44"
    assert age_band(1962, 2026) == "45-64"
    assert age_band(1961, 2026) == "65+"
    assert age_band(2012, 2026) is None
    assert age_band(None, 2026) is None
    assert list(age_bands(np.array([19, 20, 65, 14, NAN]))) == ["15-19", "20-24", "65+", None, None]


def test_primary_suppression_and_complement_in_one_line():
    # women 10, men 8, other 2, prefers not to say 0, not recorded 0; "all" is shown.
    result = protect_table([[10, 8, 2, 0, 0]], 5, column_totals=False)
    # "other" alone is hidden, but all − women − men would give it back: men are hidden too.
    assert list(result.cells[0]) == [False, True, True, True, True]
    assert not result.row_totals[0]


def test_no_complement_needed_when_hidden_cells_are_empty():
    result = protect_table([[10, 12, 6, 0, 0]], 5, column_totals=False)
    assert list(result.cells[0]) == [False, False, False, True, True]


def test_complementary_suppression_in_two_dimensions():
    # intake years × (women, men): 2 women in the second year.
    result = protect_table([[6, 7], [2, 9]], 5)
    # Hiding the 2, the 9 beside it and the 6 above it is not enough: 13 − 7 gives the 6 and
    # 8 − 6 the 2. With all four cells hidden and the margins shown, the 2 lies anywhere in
    # 0..8 (tests/evaluator/test_disclosure.py audits this with linear programs).
    assert result.cells.all()
    assert not result.row_totals.any() and not result.column_totals.any()
    assert not result.grand_total


def test_small_total_is_suppressed_with_its_cells():
    result = protect_table([[2, 1]], 5, column_totals=False)
    assert result.cells.all() and result.row_totals[0]


def test_level_distribution_and_moving_up():
    assert level_distribution(np.array([0, 2, 2, 6, NAN]), 0, 6) == {0: 1, 1: 0, 2: 2, 3: 0, 4: 0,
                                                                      5: 0, 6: 1}
    moved = share_moving_up(np.array([1, 2, 2, 3, NAN]), np.array([2, 2, 4, 2, 5]))
    assert (moved.k, moved.n) == (2, 4)
