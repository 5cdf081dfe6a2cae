"""Attrition: who could answer, who did, and whether those who answered at exit started
where those who did not started. Worked examples by hand; no app, no database."""
import math

import numpy as np
import pytest

from app.statistics.attrition import (
    MATERIAL_D,
    MIN_GROUP,
    NonResponse,
    attrition,
    compare_intake,
    standardised_difference,
)
from app.statistics.paired import share

NAN = float("nan")


def cohort(answered_scores, silent_scores, staying=0, follow_ups=0, midway=0):
    """Leavers with an exit answer, leavers without one, and participants still in."""
    n_answered, n_silent = len(answered_scores), len(silent_scores)
    n = n_answered + n_silent + staying
    exit_ = np.array([True] * n_answered + [False] * (n_silent + staying))
    return {
        "left": np.array([True] * (n_answered + n_silent) + [False] * staying),
        "intake": np.ones(n, dtype=bool),
        "midway": np.arange(n) < midway,
        "exit": exit_,
        "follow_up": np.arange(n) < follow_ups,  # the first ones: all answered at exit too
        "intake_score": np.array([*answered_scores, *silent_scores, *[5.0] * staying]),
    }


def test_the_table_by_hand():
    # 30 registered, 24 left, 12 of them answered at exit, 3 of those at follow-up.
    facts = cohort([6, 7] * 6, [4, 5] * 6, staying=6, follow_ups=3, midway=20)
    table = attrition(**facts)
    assert (table.registered, table.left) == (30, 24)
    assert table.intake_answered == share(30, 30)
    assert table.midway_answered == share(20, 30)
    assert table.exit_answered == share(12, 24)  # the response rate at exit, Wilson interval
    assert table.follow_up_of_exit == share(3, 12)
    assert table.follow_up_of_left == share(3, 24)
    # Intake means 6.5 against 4.5; both SDs √(3/11), so d = 2 / 0.522 = 3.83.
    comparison = table.intake
    assert (comparison.n_answered, comparison.n_not_answered) == (12, 12)
    assert (comparison.mean_answered, comparison.mean_not_answered) == (6.5, 4.5)
    assert comparison.d == pytest.approx(2 / math.sqrt(3 / 11))
    assert comparison.flag is NonResponse.ANSWERED_STARTED_HIGHER


def test_standardised_difference_by_hand():
    # means 5 and 2, both variances 2: d = 3 / √2
    assert standardised_difference([4, 6], [1, 3]) == pytest.approx(3 / math.sqrt(2))
    assert standardised_difference([4], [1, 3]) is None
    assert standardised_difference([4, 4], [4, 4]) is None


def test_the_flag_follows_the_stated_rule():
    assert (MATERIAL_D, MIN_GROUP) == (0.2, 10)
    # Two groups of ten, each with SD exactly 1 (±1 scaled by √(9/10)), so d is the gap
    # between the means: just under and just over the threshold, either way round.
    spread = np.array([-1.0, 1.0] * 5) * math.sqrt(9 / 10)
    assert compare_intake(spread, spread).flag is NonResponse.SIMILAR
    lower = compare_intake(spread - 0.5, spread)
    assert lower.d == pytest.approx(-0.5) and lower.flag is NonResponse.ANSWERED_STARTED_LOWER
    assert compare_intake(spread + 0.19, spread).flag is NonResponse.SIMILAR
    assert compare_intake(spread + 0.21, spread).flag is NonResponse.ANSWERED_STARTED_HIGHER


def test_too_few_to_compare_says_so_rather_than_nothing():
    comparison = compare_intake([7, 7, 8, 9], [2, 3, 1] * 5)
    assert comparison.d > 1  # a big difference, but four people cannot carry it
    assert comparison.flag is NonResponse.TOO_FEW
    assert compare_intake([], [5, 6]).flag is NonResponse.TOO_FEW


def test_people_without_an_intake_score_are_left_out_of_the_comparison():
    facts = cohort([6.0] * 10 + [NAN], [6.0, 7.0] * 5)
    comparison = attrition(**facts).intake
    assert (comparison.n_answered, comparison.n_not_answered) == (10, 10)
    assert comparison.mean_answered == 6


def test_nobody_left_yet():
    table = attrition(**cohort([], [], staying=5))
    assert table.left == 0 and table.exit_answered.proportion is None
    assert table.intake.flag is NonResponse.TOO_FEW


def test_arrays_of_different_lengths_are_refused():
    facts = cohort([6, 7], [4, 5])
    facts["exit"] = facts["exit"][:-1]
    with pytest.raises(ValueError, match="one element per registered participant"):
        attrition(**facts)
