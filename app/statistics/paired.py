"""Paired intake → exit change for one group: the cells of the MAP2020-style table.

Inputs are equal-length float arrays with NaN for a missing score; a pair counts only when
both occasions have the score. Shares get Wilson 95 % intervals (good at small n and near
0 % or 100 %, where the textbook interval fails); the paired effect size is Cohen's d_z
(mean difference / SD of differences) with an exact interval from the noncentral t
distribution; the p-value is Wilcoxon's signed-rank test. All three come from scipy.
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

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


def wilcoxon_p(differences: np.ndarray) -> float | None:
    """Two-sided Wilcoxon signed-rank p (zeros dropped, Wilcoxon's rule); None if all zero."""
    diff = np.asarray(differences, dtype=float)
    if diff.size == 0 or not np.any(diff != 0):
        return None
    nonzero = np.abs(diff[diff != 0])
    # Exact for small samples without ties; otherwise the normal approximation with tie
    # correction (as SPSS does), since scipy would fall back to slow permutations.
    exact = nonzero.size <= 50 and np.unique(nonzero).size == nonzero.size
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # scipy notes small-n normal approximations
        return float(stats.wilcoxon(diff, zero_method="wilcox",
                                    method="exact" if exact else "asymptotic").pvalue)


@dataclass(frozen=True)
class PairedSummary:
    """Everything the table shows for one score in one group.

    percent_change follows MAP2020: (exit mean − intake mean) / intake mean × 100.
    reliably_improved is given only when a standard error of difference was passed (KASAM).
    """

    n: int
    intake_mean: float | None
    exit_mean: float | None
    change: float | None
    percent_change: float | None
    mean_days: float | None
    improved: Share
    same: Share
    worsened: Share
    effect: EffectSize | None
    wilcoxon_p: float | None
    reliably_improved: Share | None = None


def summarise_pairs(
    intake: np.ndarray,
    exit: np.ndarray,
    days: np.ndarray | None = None,
    *,
    s_diff: float | None = None,
    rci_threshold: float = 1.96,
) -> PairedSummary:
    """Summarise the complete pairs among `intake` and `exit` (NaN = missing)."""
    intake = np.asarray(intake, dtype=float)
    exit = np.asarray(exit, dtype=float)
    paired = ~np.isnan(intake) & ~np.isnan(exit)
    before, after = intake[paired], exit[paired]
    n = int(paired.sum())
    diff = after - before
    mean_in = float(before.mean()) if n else None
    mean_out = float(after.mean()) if n else None
    change = None if n == 0 else mean_out - mean_in
    percent = None if not mean_in else 100 * change / mean_in
    mean_days = None
    if days is not None and n:
        paired_days = np.asarray(days, dtype=float)[paired]
        mean_days = float(np.nanmean(paired_days)) if np.any(~np.isnan(paired_days)) else None
    reliable = None
    if s_diff is not None:
        reliable = share(int(np.sum(diff / s_diff > rci_threshold)), n)
    return PairedSummary(
        n=n,
        intake_mean=mean_in,
        exit_mean=mean_out,
        change=change,
        percent_change=percent,
        mean_days=mean_days,
        improved=share(int(np.sum(diff > 0)), n),
        same=share(int(np.sum(diff == 0)), n),
        worsened=share(int(np.sum(diff < 0)), n),
        effect=cohens_dz(diff),
        wilcoxon_p=wilcoxon_p(diff),
        reliably_improved=reliable,
    )
