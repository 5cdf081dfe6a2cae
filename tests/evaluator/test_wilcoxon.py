"""The Wilcoxon signed-rank p-value: exact at small n (also with ties and zeros), the normal
approximation only above 50 non-zero differences, and agreement with scipy."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from app.statistics.paired import (
    EXACT_UP_TO,
    PValueMethod,
    sign_flip_p,
    summarise_pairs,
    wilcoxon_p,
)


def test_five_equal_gains_get_the_exact_value_not_the_normal_approximation():
    # Five participants each one step up: of the 2⁵ equally likely sign patterns only
    # "all up" and "all down" are as extreme, so p = 2/32.
    result = wilcoxon_p(np.array([1, 1, 1, 1, 1]))
    assert result.p == pytest.approx(0.0625)
    assert result.method is PValueMethod.EXACT_CONDITIONAL
    assert result.n == 5
    # What the page showed before: the normal approximation calls it significant.
    approximate = stats.wilcoxon([1, 1, 1, 1, 1], method="asymptotic").pvalue
    assert approximate < 0.05 < result.p


def test_five_different_gains_use_scipys_exact_distribution():
    result = wilcoxon_p(np.array([1, 2, 3, 4, 5]))
    assert (result.p, result.method) == (pytest.approx(0.0625), PValueMethod.EXACT)


def test_zeros_are_dropped_by_wilcoxons_rule():
    # Two unchanged participants do not enter the ranks: the same p as without them.
    with_zeros = wilcoxon_p(np.array([0, 0, 1, 2, 3, 4, 5]))
    assert with_zeros.p == pytest.approx(0.0625)
    assert with_zeros.n == 5
    assert with_zeros.p == pytest.approx(
        stats.wilcoxon([0, 0, 1, 2, 3, 4, 5], zero_method="wilcox", method="exact").pvalue)


@pytest.mark.parametrize("differences", [[], [0], [0, 0, 0], [float("nan"), 0]],
                         ids=["no pairs", "one unchanged", "all unchanged", "missing"])
def test_no_test_without_a_non_zero_difference(differences):
    # Nothing to test: None (shown as "–"), not p = 1, which would suggest a test was run.
    assert wilcoxon_p(np.array(differences, dtype=float)) is None


def test_one_difference_cannot_be_significant():
    assert wilcoxon_p(np.array([3.0])).p == 1.0


def test_tied_signed_ranks_by_hand():
    # |d| = 1, 1, 2: midranks 1.5, 1.5, 3. Signs +, −, +: W+ = 4.5 of 6, centre 3.
    # Of the 8 sign patterns, W+ is 0, 1.5, 1.5, 3, 3, 4.5, 4.5, 6: |W+ − 3| ≥ 1.5 in 6.
    assert sign_flip_p(np.array([1.0, -1.0, 2.0])) == pytest.approx(6 / 8)
    # All positive: W+ = 6, only 0 and 6 as far from the centre.
    assert sign_flip_p(np.array([1.0, 1.0, 2.0])) == pytest.approx(2 / 8)


def test_normal_approximation_only_above_fifty():
    rng = np.random.default_rng(50)
    tied = rng.integers(-3, 4, size=200).astype(float)
    tied = tied[tied != 0][: EXACT_UP_TO]
    assert wilcoxon_p(tied).method is PValueMethod.EXACT_CONDITIONAL
    distinct = rng.normal(0.3, 1, size=EXACT_UP_TO + 1)
    result = wilcoxon_p(distinct)
    assert result.method is PValueMethod.NORMAL
    assert result.p == pytest.approx(stats.wilcoxon(distinct, method="asymptotic").pvalue)


def test_the_summary_names_the_method():
    summary = summarise_pairs([4, 5, 6, 5, 5], [5, 6, 7, 6, 6])
    assert summary.wilcoxon.method is PValueMethod.EXACT_CONDITIONAL
    assert summary.wilcoxon.p == pytest.approx(0.0625)


# -- agreement with scipy -----------------------------------------------------------------

def test_agrees_with_scipys_exact_distribution_without_ties():
    rng = np.random.default_rng(2024)
    checked = 0
    for n in range(1, EXACT_UP_TO + 1):
        for _ in range(6):
            distinct = rng.normal(rng.uniform(-1, 1), 1, size=n)
            # Zeros are dropped by both, so they may be added without leaving scipy's
            # exact case.
            differences = np.concatenate([distinct, np.zeros(rng.integers(0, 3))])
            ours = wilcoxon_p(differences)
            assert ours.method is PValueMethod.EXACT
            expected = stats.wilcoxon(differences, zero_method="wilcox", method="exact").pvalue
            assert ours.p == pytest.approx(expected, abs=1e-3)
            checked += 1
    assert checked == 6 * EXACT_UP_TO


def _signed_rank_sum(d, axis=-1):
    """W+ over the non-zero differences, for scipy's permutation test (vectorised)."""
    magnitude = np.where(d == 0, np.nan, np.abs(d))
    ranks = stats.rankdata(magnitude, axis=axis, nan_policy="omit")
    return np.nansum(np.where(d > 0, ranks, 0), axis=axis)


def _permutation_p(differences, n_resamples=np.inf, rng=None):
    """scipy's permutation test, swapping before and after within each pair (it needs two
    pairs or more; one pair is `test_one_difference_cannot_be_significant`)."""
    return stats.permutation_test(
        (differences,), _signed_rank_sum, permutation_type="samples", vectorized=True,
        n_resamples=n_resamples, alternative="two-sided", rng=rng).pvalue


def _tied_sample(rng, n):
    """Whole-number changes on a 1–10 wheel: many ties and zeros."""
    return rng.integers(-3, 4, size=n).astype(float)


def test_agrees_with_scipys_exact_permutation_test_with_ties_and_zeros():
    rng = np.random.default_rng(7)
    compared = 0
    for n in [*range(2, 15), *range(2, 15), 15, 16, 17, 18]:
        differences = _tied_sample(rng, n)
        ours = wilcoxon_p(differences)
        if ours is None:
            continue
        assert ours.p == pytest.approx(_permutation_p(differences), abs=1e-3)
        compared += 1
    assert compared >= 25


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(-4, 4), min_size=2, max_size=12))
def test_agrees_with_the_permutation_test_on_any_small_whole_number_sample(values):
    differences = np.array(values, dtype=float)
    ours = wilcoxon_p(differences)
    if ours is None:
        assert not differences.any()
        return
    assert ours.p == pytest.approx(_permutation_p(differences), abs=1e-3)
    # No change in direction matters: the mirror image has the same p.
    assert wilcoxon_p(-differences).p == pytest.approx(ours.p)


def test_agrees_with_a_sampled_permutation_test_up_to_thirty():
    # 2²¹…2³⁰ sign patterns are too many for scipy to enumerate, so its permutation test
    # samples 400 000 of them: the standard error of its p is at most 0.0008, and 0.004 is
    # five of them (fixed seed, so the test is repeatable).
    rng = np.random.default_rng(30)
    for n in (21, 25, 30):
        differences = _tied_sample(rng, n)
        ours = wilcoxon_p(differences)
        assert ours.method is PValueMethod.EXACT_CONDITIONAL
        sampled = _permutation_p(differences, n_resamples=400_000, rng=np.random.default_rng(n))
        assert ours.p == pytest.approx(sampled, abs=0.004)
