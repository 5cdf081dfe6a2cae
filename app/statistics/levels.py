"""Ordinal levels (CEFR pre-A1 … C2): distributions and movement between occasions."""
from __future__ import annotations

import numpy as np

from .paired import Share, share


def level_distribution(levels: np.ndarray, minimum: int, maximum: int) -> dict[int, int]:
    """How many answers sit at each level from `minimum` to `maximum` (NaN = not answered)."""
    values = np.asarray(levels, dtype=float)
    values = values[~np.isnan(values)].astype(int)
    counts = np.bincount(values - minimum, minlength=maximum - minimum + 1)
    return {minimum + i: int(c) for i, c in enumerate(counts[: maximum - minimum + 1])}


def share_moving_up(intake: np.ndarray, exit: np.ndarray, steps: int = 1) -> Share:
    """Share of complete pairs whose level rose by at least `steps` levels."""
    intake = np.asarray(intake, dtype=float)
    exit = np.asarray(exit, dtype=float)
    paired = ~np.isnan(intake) & ~np.isnan(exit)
    return share(int(np.sum(exit[paired] - intake[paired] >= steps)), int(paired.sum()))
