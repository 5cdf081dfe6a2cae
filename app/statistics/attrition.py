"""Who answered later, and whether they differ from those who did not: attrition.

Exit and follow-up results describe only the people who answered then. Answering is rarely
random: the Värmland programme's second survey round was answered far less than the first,
and people who leave early or are doing badly answer less. So the page shows, beside every
before/after figure, how many could have answered and how many did, and compares the
intake scores of leavers who answered at exit with those who did not. A clear difference
means the exit figures may not speak for everyone who left.

Inputs are per-participant facts as equal-length arrays (one element per registered
participant), or for the intake comparison the groups' moments (count, sum, sum of squares),
which the database sums per group so 100,000 people need not leave it: no database, no Flask. Disclosure control of the shown counts is the
caller's business (as for every table).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from .paired import Share, share

# The flag's rule: a standardised difference of intake means |d| ≥ 0.2 (Cohen's "small"
# effect, large enough to shift a reported mean change noticeably), computed only when both
# groups have at least 10 people (below that, d itself is too uncertain to read: its
# standard error is about 0.45 at 10 + 10).
MATERIAL_D = 0.2
MIN_GROUP = 10


class NonResponse(StrEnum):
    """The plain-language flag. A key only: the web layer words it (suggested English in
    comments), because this module may not import flask_babel."""

    # "Those who answered at exit started higher than those who did not: the exit results
    # may look better than for everyone who left."
    ANSWERED_STARTED_HIGHER = "answered_started_higher"
    # "… started lower …: the exit results may look worse than for everyone who left."
    ANSWERED_STARTED_LOWER = "answered_started_lower"
    # "Those who answered and those who did not started at about the same level."
    SIMILAR = "similar"
    # "Too few answered, or too few did not, to compare them."
    TOO_FEW = "too_few"


@dataclass(frozen=True)
class IntakeComparison:
    """Intake score of leavers with and without an exit answer (means over those with an
    intake score), the standardised difference and the flag."""

    n_answered: int
    n_not_answered: int
    mean_answered: float | None
    mean_not_answered: float | None
    d: float | None
    flag: NonResponse


@dataclass(frozen=True)
class Attrition:
    """The attrition table. Shares carry k, n and a Wilson interval.

    registered: everyone in the cohort; left: those with a recorded exit from the programme.
    intake_answered and midway_answered: of the registered (some left before midway, so the
    midway rate understates the rate among those still in then).
    exit_answered: of those who left (the response rate at exit).
    follow_up_of_exit: of those with an exit answer (can gains be followed at all?).
    follow_up_of_left: of those who left.
    """

    registered: int
    left: int
    intake_answered: Share
    midway_answered: Share
    exit_answered: Share
    follow_up_of_exit: Share
    follow_up_of_left: Share
    intake: IntakeComparison | None  # None: not compared (levels are never averaged)


@dataclass(frozen=True)
class Moments:
    """A group of scores as count, sum and sum of squares: what a SQL aggregate returns,
    enough for a mean and a variance, and groups add up."""

    n: int
    total: float
    squares: float

    @classmethod
    def of(cls, values: np.ndarray) -> Moments:
        values = np.asarray(values, dtype=float)
        return cls(int(values.size), float(values.sum()), float((values * values).sum()))

    def __add__(self, other: Moments) -> Moments:
        return Moments(self.n + other.n, self.total + other.total, self.squares + other.squares)

    @property
    def mean(self) -> float | None:
        return self.total / self.n if self.n else None

    @property
    def variance(self) -> float | None:
        """Sample variance (n − 1); None below two people. Never negative from rounding."""
        if self.n < 2:
            return None
        return max(0.0, (self.squares - self.total * self.total / self.n) / (self.n - 1))


def standardised_difference(a: np.ndarray, b: np.ndarray) -> float | None:
    """Cohen's d of two independent groups: (mean a − mean b) / pooled SD (n − 1).
    None when either group has fewer than two people or nobody varies."""
    return _difference(Moments.of(a), Moments.of(b))


def _difference(a: Moments, b: Moments) -> float | None:
    if a.n < 2 or b.n < 2:
        return None
    pooled = ((a.n - 1) * a.variance + (b.n - 1) * b.variance) / (a.n + b.n - 2)
    # Below this the groups do not vary: what is left is rounding of the sums of squares.
    if pooled <= 1e-12:
        return None
    return float((a.mean - b.mean) / math.sqrt(pooled))


def compare_intake(answered: np.ndarray, not_answered: np.ndarray, *,
                   material_d: float = MATERIAL_D, min_group: int = MIN_GROUP) -> IntakeComparison:
    """Intake scores of those who answered later against those who did not (NaN dropped),
    with the flag by the rule above."""
    answered = np.asarray(answered, dtype=float)
    not_answered = np.asarray(not_answered, dtype=float)
    return compare_moments(Moments.of(answered[~np.isnan(answered)]),
                           Moments.of(not_answered[~np.isnan(not_answered)]),
                           material_d=material_d, min_group=min_group)


def compare_moments(answered: Moments, not_answered: Moments, *,
                    material_d: float = MATERIAL_D, min_group: int = MIN_GROUP) -> IntakeComparison:
    """`compare_intake` over the two groups' moments (the database's sums)."""
    d = _difference(answered, not_answered)
    if min(answered.n, not_answered.n) < min_group:
        flag = NonResponse.TOO_FEW
    elif d is None or abs(d) < material_d:
        flag = NonResponse.SIMILAR
    else:
        flag = NonResponse.ANSWERED_STARTED_HIGHER if d > 0 else NonResponse.ANSWERED_STARTED_LOWER
    return IntakeComparison(
        n_answered=answered.n,
        n_not_answered=not_answered.n,
        mean_answered=answered.mean,
        mean_not_answered=not_answered.mean,
        d=d,
        flag=flag,
    )


def attrition(*, left: np.ndarray, intake: np.ndarray, midway: np.ndarray, exit: np.ndarray,
              follow_up: np.ndarray, intake_score: np.ndarray,
              material_d: float = MATERIAL_D, min_group: int = MIN_GROUP) -> Attrition:
    """The attrition table from per-participant facts.

    left: left the programme (exit recorded); intake/midway/exit/follow_up: has an answer
    at that occasion; intake_score: the score compared (NaN = none), e.g. a wheel's mean.
    The intake comparison is among those who left, since only they could answer at exit.
    """
    left, intake, midway, exit, follow_up = (np.asarray(a, dtype=bool)
                                             for a in (left, intake, midway, exit, follow_up))
    score = np.asarray(intake_score, dtype=float)
    sizes = {a.size for a in (left, intake, midway, exit, follow_up, score)}
    if len(sizes) != 1:
        raise ValueError("one element per registered participant in every array")
    registered, leavers = left.size, int(left.sum())
    answered_exit = left & exit
    return Attrition(
        registered=registered,
        left=leavers,
        intake_answered=share(int(intake.sum()), registered),
        midway_answered=share(int(midway.sum()), registered),
        exit_answered=share(int(answered_exit.sum()), leavers),
        follow_up_of_exit=share(int((answered_exit & follow_up).sum()), int(answered_exit.sum())),
        follow_up_of_left=share(int((left & follow_up).sum()), leavers),
        intake=compare_intake(score[answered_exit], score[left & ~exit],
                              material_d=material_d, min_group=min_group),
    )
