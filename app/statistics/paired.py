"""Paired change between two occasions for one group: the cells of the MAP2020-style table.

Inputs are equal-length float arrays with NaN for a missing score, one per occasion
(intake → exit, intake → midway or exit → follow-up alike); a pair counts only when both
occasions have the score. Shares get Wilson 95 % intervals (good at small n and near
0 % or 100 %, where the textbook interval fails); the paired effect size is Cohen's d_z
(mean difference / SD of differences) with an exact interval from the noncentral t
distribution; the p-value is Wilcoxon's signed-rank test, exact below 51 non-zero
differences, and names its method. The intervals and tests come from scipy.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from scipy import optimize, stats

CONFIDENCE = 0.95
_Z = float(stats.norm.ppf(1 - (1 - CONFIDENCE) / 2))


@dataclass(frozen=True)
class Share:
    """k of n, as a proportion with its Wilson interval; proportions are None when n is 0."""

    k: int
    n: int
    proportion: float | None
    low: float | None
    high: float | None


def share(k: int, n: int) -> Share:
    """k of n with the Wilson score interval.

    The same interval as scipy's `binomtest(k, n).proportion_ci(method="wilson")` (a test
    checks this), in closed form: the dashboard needs hundreds of them per request and
    binomtest also computes an exact p-value nobody reads.
    """
    if n == 0:
        return Share(0, 0, None, None, None)
    p = k / n
    z2 = _Z * _Z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = _Z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return Share(int(k), int(n), p, max(0.0, centre - half), min(1.0, centre + half))


@dataclass(frozen=True)
class EffectSize:
    """Cohen's d_z with its confidence interval (None when the differences have no spread)."""

    d: float
    low: float
    high: float


def cohens_dz(differences: np.ndarray) -> EffectSize | None:
    """d_z = mean / SD (n − 1) of paired differences; the interval inverts the noncentral t.

    t = d_z·√n follows a noncentral t with n − 1 degrees of freedom and noncentrality δ·√n;
    the bounds are the δ for which the observed t sits at the 97.5th and 2.5th percentile.
    """
    diff = np.asarray(differences, dtype=float)
    n = diff.size
    if n < 2:
        return None
    sd = diff.std(ddof=1)
    if sd == 0:
        return None
    d = float(diff.mean() / sd)
    t, df, alpha = d * math.sqrt(n), n - 1, 1 - CONFIDENCE

    # The noncentrality's standard error is about √(1 + t²/2df); the root lies well inside.
    span = 8 * math.sqrt(1 + t * t / (2 * df)) + 1

    def bound(target: float) -> float:
        def gap(ncp: float) -> float:
            below = stats.nct.cdf(t, df, ncp)
            if math.isnan(below):
                # scipy returns NaN at isolated points far in a tail; −T follows the
                # noncentral t with −ncp, so the same probability is sf(−t) there.
                below = stats.nct.sf(-t, df, -ncp)
            return below - target

        return optimize.brentq(gap, t - span, t + span, xtol=1e-4) / math.sqrt(n)

    try:
        return EffectSize(d, bound(1 - alpha / 2), bound(alpha / 2))
    except ValueError:
        # scipy's noncentral t loses precision far in the tails at large n; there the normal
        # approximation (SE² = 1/n + d²/2(n − 1)) agrees with it to the digits shown.
        half = stats.norm.ppf(1 - alpha / 2) * math.sqrt(1 / n + d * d / (2 * df))
        return EffectSize(d, d - half, d + half)


# Above this many non-zero differences the normal approximation is used. scipy draws the
# same line for its exact distribution; below it the exact distributions are cheap (the
# conditional one is a convolution over at most 50 ranks), above it the approximation is
# good to the three decimals shown.
EXACT_UP_TO = 50


class PValueMethod(StrEnum):
    """How a p-value was computed, so the table can name it. Only a key in English: the web
    layer owns the translated words (this core module may not import flask_babel)."""

    EXACT = "exact"
    EXACT_CONDITIONAL = "exact (ties/zeros, all sign changes)"
    NORMAL = "normal approximation"


@dataclass(frozen=True)
class TestResult:
    """A two-sided p-value and the method that gave it."""

    __test__ = False  # not a pytest test class, despite the name

    p: float
    method: PValueMethod
    n: int  # the non-zero differences the test used (zeros are dropped, Wilcoxon's rule)


def wilcoxon_p(differences: np.ndarray) -> TestResult | None:
    """Two-sided Wilcoxon signed-rank test of paired differences (after − before).

    Zeros are dropped before ranking (Wilcoxon's own rule, scipy's `zero_method="wilcox"`):
    a participant who answered the same twice says nothing about the direction of change,
    and Pratt's alternative (rank the zeros, then ignore their ranks) can make a sample
    *more* significant by adding unchanged people, which is hard to explain in a report.
    The same rule is used by every branch below, so the three methods agree with each other
    and with scipy.

    Which method, by the non-zero differences that remain (n):
    - n ≤ 50 without tied |differences|: scipy's exact null distribution ("exact").
    - n ≤ 50 with ties: the exact conditional distribution over all 2ⁿ sign changes of the
      observed midranks ("exact (ties/zeros, all sign changes)"). Wheel answers are whole
      numbers 1–10, so ties are the rule, and the normal approximation is poor at small n:
      five equal gains give 0.025–0.04 where the exact value is 2/32 = 0.0625.
    - n > 50: the normal approximation with tie correction, no continuity correction.

    None when no difference is non-zero (nobody changed, or no pairs): there is nothing to
    test, and a p of 1 would suggest a test was run.
    """
    diff = np.asarray(differences, dtype=float)
    nonzero = diff[(diff != 0) & ~np.isnan(diff)]
    n = int(nonzero.size)
    if n == 0:
        return None
    ties = np.unique(np.abs(nonzero)).size < n
    if n > EXACT_UP_TO:
        p = stats.wilcoxon(nonzero, zero_method="wilcox", method="asymptotic").pvalue
        return TestResult(float(p), PValueMethod.NORMAL, n)
    if not ties:
        p = stats.wilcoxon(nonzero, zero_method="wilcox", method="exact").pvalue
        return TestResult(float(p), PValueMethod.EXACT, n)
    return TestResult(sign_flip_p(nonzero), PValueMethod.EXACT_CONDITIONAL, n)


def sign_flip_p(nonzero: np.ndarray) -> float:
    """Exact two-sided p of the signed-rank sum W+ over all 2ⁿ sign changes of the data.

    Under "no change" each difference is as likely positive as negative, whatever its size,
    so every sign pattern of the observed midranks is equally likely. Midranks are whole
    or half numbers, so twice a rank is an integer and the distribution of 2·W+ is built by
    adding one rank at a time (each in or out with probability ½): n steps over an array of
    at most n(n + 1) + 1 cells, the same numbers as enumerating every pattern. The
    distribution is symmetric about half the rank sum, so the two-sided p is the
    probability of a W+ at least as far from the centre as the one observed.
    """
    doubled = np.rint(2 * stats.rankdata(np.abs(nonzero))).astype(int)
    total = int(doubled.sum())
    probability = np.zeros(total + 1)
    probability[0] = 1.0
    for rank in doubled:
        shifted = np.zeros_like(probability)
        shifted[rank:] = probability[:-rank]
        probability = (probability + shifted) / 2
    observed = int(doubled[nonzero > 0].sum())
    distance = np.abs(2 * np.arange(total + 1) - total)
    return float(min(1.0, probability[distance >= abs(2 * observed - total)].sum()))


# The comparisons the paired machinery serves, earlier occasion first, each with the question
# it answers: change over the programme; change by the midway (MAP2020 planned a measurement
# after 5 months); and whether gains were kept after leaving (exit → follow-up). Nothing in
# this module depends on which two occasions are compared.
COMPARISONS = (("intake", "exit"), ("intake", "midway"), ("exit", "follow_up"))


@dataclass(frozen=True)
class PairedSummary:
    """Everything the table shows for one score in one group, between two occasions.

    `before` is the earlier occasion and `after` the later one of whichever comparison was
    asked for (intake → exit, intake → midway, exit → follow-up). percent_change follows
    MAP2020: (after mean − before mean) / before mean × 100. reliably_improved is given only
    when a standard error of difference was passed (KASAM).
    """

    n: int
    before_mean: float | None
    after_mean: float | None
    change: float | None
    percent_change: float | None
    mean_days: float | None
    improved: Share
    same: Share
    worsened: Share
    effect: EffectSize | None
    wilcoxon: TestResult | None
    reliably_improved: Share | None = None


def summarise_pairs(
    before: np.ndarray,
    after: np.ndarray,
    days: np.ndarray | None = None,
    *,
    s_diff: float | None = None,
    rci_threshold: float = 1.96,
    tests: bool = True,
) -> PairedSummary:
    """Summarise the complete pairs among `before` and `after` (NaN = missing).

    Any two occasions: the arrays hold one score per participant at the earlier and the
    later occasion, and `days` the days between the two. A pair counts only when both
    scores exist, so every figure is over the same people. `tests=False` leaves out the
    effect size and the Wilcoxon test (None): tables of means only (MAP2020's) need neither,
    and the effect size's exact interval is the costly part.
    """
    before = np.asarray(before, dtype=float)
    after = np.asarray(after, dtype=float)
    paired = ~np.isnan(before) & ~np.isnan(after)
    first, later = before[paired], after[paired]
    n = int(paired.sum())
    diff = later - first
    mean_before = float(first.mean()) if n else None
    mean_after = float(later.mean()) if n else None
    change = None if n == 0 else mean_after - mean_before
    percent = None if not mean_before else 100 * change / mean_before
    mean_days = None
    if days is not None and n:
        paired_days = np.asarray(days, dtype=float)[paired]
        mean_days = float(np.nanmean(paired_days)) if np.any(~np.isnan(paired_days)) else None
    reliable = None
    if s_diff is not None:
        reliable = share(int(np.sum(diff / s_diff > rci_threshold)), n)
    return PairedSummary(
        n=n,
        before_mean=mean_before,
        after_mean=mean_after,
        change=change,
        percent_change=percent,
        mean_days=mean_days,
        improved=share(int(np.sum(diff > 0)), n),
        same=share(int(np.sum(diff == 0)), n),
        worsened=share(int(np.sum(diff < 0)), n),
        effect=cohens_dz(diff) if tests else None,
        wilcoxon=wilcoxon_p(diff) if tests else None,
        reliably_improved=reliable,
    )


def gains_kept(first: np.ndarray, middle: np.ndarray, last: np.ndarray) -> Share:
    """Of those who improved from `first` to `middle` and answered at `last`, how many are
    still above their `first` score at `last` (intake, exit, follow-up: "are gains kept?").

    The paired exit → follow-up mean answers "did the group slip back?"; this answers it per
    person, for the people who had something to keep.
    """
    first, middle, last = (np.asarray(a, dtype=float) for a in (first, middle, last))
    gained = ~np.isnan(first) & ~np.isnan(middle) & ~np.isnan(last) & (middle > first)
    return share(int(np.sum(last[gained] > first[gained])), int(gained.sum()))
