"""Numbers rounded to what the data supports, the same on the page and in every download.

An evaluator copies figures into a report to a funder; a figure with more digits than its
data carries invites readers to compare noise ("5.63 against 5.58"), and a mean of a few
whole-number answers shown to many decimals gives away their sum. The rules, in one place:

| figure                                 | decimals                               |
| -------------------------------------- | -------------------------------------- |
| mean and change of means (scale units) | 1; 0 when n < 10                       |
| share of people                        | whole percent                          |
| % change of a mean                     | whole percent (as MAP2020's table)     |
| p-value                                | 3; below 0.001 shown as "< 0.001"      |
| effect size d                          | 2                                      |
| days                                   | 0                                      |

Why n < 10 drops the decimal of a mean: on a 1–10 wheel the answers' SD is about 2, so
the standard error of a mean of fewer than 10 people is above 0.6 and its first decimal is
noise; and with fewer than 10 people a mean to 0.1 pins the sum of the answers. Shares never get
decimals: their Wilson interval is wider than one percentage point below about 10,000
people. Rounding is half away from zero (2.45 → 2.5, −2.45 → −2.5), as Excel and Swedish
statistics do, not Python's round-half-to-even.

Each function returns a `Rounded`: the value and how many decimals to print, so "5.0" is
not shown as "5" and a download can format it the same way.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

MEAN_DECIMALS = 1
MEAN_FULL_FROM_N = 10
P_DECIMALS = 3
P_FLOOR = 0.001
EFFECT_DECIMALS = 2


@dataclass(frozen=True)
class Rounded:
    """A figure as shown: `value` rounded to `decimals`; `below` means the true value is
    smaller than `value` (a p under 0.001, printed "< 0.001"). value None = not computable."""

    value: float | None
    decimals: int
    below: bool = False


def round_half_up(value: float, decimals: int) -> float:
    """Round half away from zero; through the shortest decimal form of the float, so 2.675
    (stored as 2.67499…) rounds to 2.68 as a reader of "2.675" expects."""
    step = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(float(value))).quantize(step, rounding=ROUND_HALF_UP))


def _rounded(value: float | None, decimals: int) -> Rounded:
    return Rounded(None if value is None else round_half_up(value, decimals), decimals)


def mean_decimals(n: int) -> int:
    """Decimals a mean of n people supports: 1, or 0 below 10 people."""
    return MEAN_DECIMALS if n >= MEAN_FULL_FROM_N else 0


def rounded_mean(value: float | None, n: int) -> Rounded:
    """A mean (or a change of means) on the instrument's scale, over n people."""
    return _rounded(value, mean_decimals(n))


def rounded_share(proportion: float | None) -> Rounded:
    """A proportion 0–1 as a whole percent (0.426 → 43)."""
    return _rounded(None if proportion is None else 100 * proportion, 0)


def rounded_percent_change(percent: float | None) -> Rounded:
    """A % change of a mean, already in percent, to a whole percent."""
    return _rounded(percent, 0)


def rounded_p(p: float | None) -> Rounded:
    """A p-value to 3 decimals; below 0.001 it is 0.001 with `below` set ("< 0.001"), never
    0.000, which would claim certainty."""
    if p is not None and p < P_FLOOR:
        return Rounded(P_FLOOR, P_DECIMALS, below=True)
    return _rounded(p, P_DECIMALS)


def rounded_effect(d: float | None) -> Rounded:
    """An effect size (Cohen's d) to 2 decimals."""
    return _rounded(d, EFFECT_DECIMALS)


def rounded_days(days: float | None) -> Rounded:
    """Mean days between occasions, whole days."""
    return _rounded(days, 0)
