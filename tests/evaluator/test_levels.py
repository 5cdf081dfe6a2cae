"""CEFR levels: counts and shares by band at each occasion, the median level and movement
between occasions, computed by hand (no % change of level codes anywhere)."""
import numpy as np
import pytest

from app import instruments
from app.statistics.levels import (
    CEFR_BANDS,
    band_distribution,
    level_movement,
    median_levels,
    share_moving_up,
)
from app.statistics.paired import share

NAN = float("nan")
# Reading at intake and exit for eight participants; the eighth had no level at intake.
INTAKE = np.array([0, 1, 2, 2, 3, 4, 5, NAN])
EXIT = np.array([1, 2, 2, 1, 3, 5, 6, 4])


def test_bands_follow_the_level_names_of_the_definition():
    scale = instruments.latest("cefr").scales["level"]
    for band, levels in CEFR_BANDS.items():
        for level in levels:
            assert scale.value_names[level].startswith(band)
    covered = sorted(level for levels in CEFR_BANDS.values() for level in levels)
    assert covered == list(range(scale.min, scale.max + 1))


def test_counts_and_shares_by_band_at_each_occasion():
    intake = band_distribution(INTAKE)
    assert intake.n == 7  # everyone with a level then, paired or not
    assert intake.counts == {"preA1": 1, "A": 3, "B": 2, "C": 1}
    assert intake.shares["A"] == share(3, 7)
    exit_ = band_distribution(EXIT)
    assert exit_.n == 8
    assert exit_.counts == {"preA1": 0, "A": 4, "B": 2, "C": 2}
    assert sum(s.proportion for s in exit_.shares.values()) == pytest.approx(1)


def test_map2020s_a_level_share():
    # "About 300 … a remarkably high share at an A level (about 130)": 43 %, and with the
    # Wilson interval 38–49 %.
    levels = np.array([1] * 130 + [3] * 170)
    a_level = band_distribution(levels).shares["A"]
    assert round(100 * a_level.proportion) == 43
    assert (round(100 * a_level.low), round(100 * a_level.high)) == (38, 49)


def test_a_level_outside_the_bands_is_refused():
    with pytest.raises(ValueError, match=r"levels outside the bands: \[7\]"):
        band_distribution(np.array([1, 7]))


def test_nobody_answered():
    empty = band_distribution(np.array([NAN, NAN]))
    assert empty.n == 0 and set(empty.counts.values()) == {0}
    assert empty.shares["A"].proportion is None
    assert median_levels(np.array([NAN])) is None


def test_median_level_names_both_middle_levels_of_an_even_count():
    assert median_levels(np.array([1, 2, 3, 4])) == (2, 3)  # "A2/B1"
    assert median_levels(INTAKE) == (2, 2)  # seven answers: A2


def test_movement_between_two_occasions_by_hand():
    # Pairs (first seven): 0→1 up, 1→2 up, 2→2 same, 2→1 down, 3→3 same, 4→5 up, 5→6 up.
    moved = level_movement(INTAKE, EXIT)
    assert moved.n == 7
    assert (moved.up.k, moved.same.k, moved.down.k) == (4, 2, 1)
    assert share_moving_up(INTAKE, EXIT) == moved.up
    # Two levels or more: nobody; the other six count as "same" within one level.
    two = level_movement(INTAKE, EXIT, steps=2)
    assert (two.up.k, two.same.k, two.down.k) == (0, 7, 0)


def test_any_two_occasions_compare_the_same_way():
    # exit → follow-up: were levels kept?
    follow_up = np.array([1, 2, 1, 1, NAN, 5, 6, 4])
    kept = level_movement(EXIT, follow_up)
    assert kept.n == 7
    assert (kept.up.k, kept.same.k, kept.down.k) == (0, 6, 1)
