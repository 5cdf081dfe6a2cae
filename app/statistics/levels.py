"""Ordinal levels (CEFR pre-A1 … C2): distributions and movement between occasions.

Level codes are ranks, not quantities: from A1 (1) to A2 (2) is not "100 % better", and the
steps between levels differ in size. So nothing here averages levels or reports a % change
of them. Instead a table shows how many people are at each level or band at each occasion
(everyone who answered then), the median level (MAP2020 reported "an average at A2/B1",
which is the two middle levels of an even count), and, over complete pairs, how many moved
up, stayed or moved down at least one level. Any two occasions can be compared.
"""
from __future__ import annotations

import statistics
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .paired import Share, share

# The CEFR's three broad bands and the level below them, over the codes of cefr-1 (0 = pre-A1,
# 1 = A1 … 6 = C2): A is the basic user, B the independent user, C the proficient user
# (Council of Europe). MAP2020 counted "about 130 at an A level" of about 300.
CEFR_BANDS: Mapping[str, tuple[int, ...]] = {
    "preA1": (0,), "A": (1, 2), "B": (3, 4), "C": (5, 6),
}


def _answered(levels: np.ndarray) -> np.ndarray:
    values = np.asarray(levels, dtype=float)
    return values[~np.isnan(values)].astype(int)


def level_distribution(levels: np.ndarray, minimum: int, maximum: int) -> dict[int, int]:
    """How many answers sit at each level from `minimum` to `maximum` (NaN = not answered)."""
    values = _answered(levels)
    counts = np.bincount(values - minimum, minlength=maximum - minimum + 1)
    return {minimum + i: int(c) for i, c in enumerate(counts[: maximum - minimum + 1])}


@dataclass(frozen=True)
class BandDistribution:
    """People per CEFR band at one occasion: counts and shares (Wilson intervals) of those
    who answered then. `n` is everyone with a level at that occasion, paired or not."""

    n: int
    counts: Mapping[str, int]
    shares: Mapping[str, Share]


def band_distribution(levels: np.ndarray,
                      bands: Mapping[str, tuple[int, ...]] = CEFR_BANDS) -> BandDistribution:
    """Counts and shares per band ("how many are at an A level?"), NaN = not answered.

    A level outside every band is an error in the caller's data, not a band of its own.
    """
    values = _answered(levels)
    known = {level for members in bands.values() for level in members}
    if not set(values.tolist()) <= known:
        raise ValueError(f"levels outside the bands: {sorted(set(values.tolist()) - known)}")
    counts = {band: int(np.isin(values, members).sum()) for band, members in bands.items()}
    return BandDistribution(int(values.size), counts,
                            {band: share(k, int(values.size)) for band, k in counts.items()})


def median_levels(levels: np.ndarray) -> tuple[int, int] | None:
    """The lower and upper median level; they differ when the two middle answers do, and
    the page then shows both ("A2/B1", as MAP2020 did) rather than inventing a level
    between them. None when nobody answered."""
    values = sorted(_answered(levels).tolist())
    if not values:
        return None
    return statistics.median_low(values), statistics.median_high(values)


@dataclass(frozen=True)
class LevelMovement:
    """Complete pairs between two occasions by direction: what replaces a "% change" of
    level codes. up/same/down are shares of `n` pairs."""

    n: int
    up: Share
    same: Share
    down: Share


def level_movement(before: np.ndarray, after: np.ndarray, steps: int = 1) -> LevelMovement:
    """Of the complete pairs, how many rose, stayed within `steps` − 1, or fell by at least
    `steps` levels (per skill, or for the overall level)."""
    before, after = np.asarray(before, dtype=float), np.asarray(after, dtype=float)
    paired = ~np.isnan(before) & ~np.isnan(after)
    moved = after[paired] - before[paired]
    n = int(paired.sum())
    up, down = int(np.sum(moved >= steps)), int(np.sum(moved <= -steps))
    return LevelMovement(n, share(up, n), share(n - up - down, n), share(down, n))


def share_moving_up(before: np.ndarray, after: np.ndarray, steps: int = 1) -> Share:
    """Share of complete pairs whose level rose by at least `steps` levels."""
    return level_movement(before, after, steps).up
