"""The paired statistics compare any two occasions: intake → midway and exit → follow-up
("are gains kept?") go through the same functions as intake → exit."""
import inspect

import numpy as np
import pytest

from app.statistics import levels, map2020, paired
from app.statistics.paired import COMPARISONS, gains_kept, summarise_pairs

NAN = float("nan")
# Five participants at four occasions (a wheel area, 1–10); the fifth never followed up.
INTAKE = np.array([4, 5, 3, 6, 5.0])
MIDWAY = np.array([5, 5, 4, NAN, 6.0])
EXIT = np.array([6, 7, 5, 6, 4.0])
FOLLOW_UP = np.array([6, 5, 6, 7, NAN])


def test_the_comparisons_offered():
    assert COMPARISONS == (("intake", "exit"), ("intake", "midway"), ("exit", "follow_up"))


def test_intake_to_midway():
    summary = summarise_pairs(INTAKE, MIDWAY)
    # The fourth has no midway answer: pairs 4→5, 5→5, 3→4, 5→6.
    assert (summary.n, summary.before_mean, summary.after_mean) == (4, 4.25, 5)
    assert (summary.improved.k, summary.same.k, summary.worsened.k) == (3, 1, 0)


def test_exit_to_follow_up_shows_whether_gains_were_kept():
    summary = summarise_pairs(EXIT, FOLLOW_UP, np.array([90, 95, 100, 85, NAN]))
    # Pairs 6→6, 7→5, 5→6, 6→7: the group mean stays at 6; one slipped back by 2.
    assert (summary.n, summary.before_mean, summary.after_mean, summary.change) == (4, 6, 6, 0)
    assert (summary.improved.k, summary.same.k, summary.worsened.k) == (2, 1, 1)
    assert summary.mean_days == pytest.approx(92.5)
    assert summary.percent_change == 0
    # Non-zero changes −2, +1, +1: ranks 3, 1.5, 1.5, so W+ = 3, exactly half of 6: p = 1.
    assert summary.wilcoxon.p == 1.0


def test_gains_kept_per_person():
    # Improved intake → exit: the first three (4→6, 5→7, 3→5); the fourth stayed, the fifth
    # fell. At follow-up 6 > 4 and 6 > 3 are still above intake, 5 = 5 is not.
    kept = gains_kept(INTAKE, EXIT, FOLLOW_UP)
    assert (kept.k, kept.n) == (2, 3)


def test_no_statistics_function_is_tied_to_intake_and_exit():
    # The earlier and later occasion are arguments; no parameter is named after one.
    for module in (paired, levels, map2020):
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ != module.__name__:
                continue
            parameters = set(inspect.signature(function).parameters)
            assert not parameters & {"intake", "exit", "midway", "follow_up"}, name
