"""The instruments' scoring rules over whole columns at once, and the names of the derived
scores ("total", "mean") used by stored scores, the dashboard and the exports.

`app.instruments.scoring.score` scores one assessment; this module applies the same
definition (reversal, subscale sums with mean substitution, lower/upper median of levels) to
numpy columns. A test runs both over simulated answers for every instrument, so the two
cannot drift apart. The dashboard itself no longer scores: it reads the scores stored at
completion (`app.services.scores`).
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ..instruments import Instrument

TOTAL = "total"
MEAN_OF_ITEMS = "mean"


def score_columns(instrument: Instrument, answers: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Scores keyed by item key, subscale key, "total" (when the instrument has one) and, for
    per-item instruments, "mean" (the mean of the answered areas, used by goals such as
    "documented step progression"). `answers` holds raw values per item key, NaN = skipped.
    """
    scored: dict[str, np.ndarray] = {}
    for item in instrument.scored_items:
        raw = np.asarray(answers[item.key], dtype=float)
        if item.reverse:
            scale = instrument.scale_of(item)
            raw = scale.min + scale.max - raw
        scored[item.key] = raw
    result = dict(scored)
    method = instrument.scoring.method
    if method == "subscale_sum":
        for subscale in instrument.subscales:
            members = np.column_stack([scored[i.key] for i in instrument.items_of(subscale.key)])
            result[subscale.key] = _subscale_sum(members, instrument.scoring.max_missing_per_subscale)
        result[TOTAL] = np.sum([result[s.key] for s in instrument.subscales], axis=0)
    elif method == "level_median":
        levels = np.column_stack([scored[i.key] for i in instrument.scored_items])
        result[TOTAL] = _median_level(levels, instrument.scoring.median_rounding,
                                      instrument.scoring.min_answered)
    else:
        matrix = np.column_stack(list(scored.values()))
        answered = (~np.isnan(matrix)).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            result[MEAN_OF_ITEMS] = np.where(answered > 0, np.nansum(matrix, axis=1) / answered, np.nan)
    return result


def _subscale_sum(members: np.ndarray, max_missing: int) -> np.ndarray:
    answered = (~np.isnan(members)).sum(axis=1)
    total = np.nansum(members, axis=1)
    items = members.shape[1]
    ok = (answered > 0) & (items - answered <= max_missing)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(ok, total * items / answered, np.nan)


def _median_level(levels: np.ndarray, rounding: str, min_answered: int) -> np.ndarray:
    answered = (~np.isnan(levels)).sum(axis=1)
    ordered = np.sort(levels, axis=1)  # NaN sorts last
    index = (answered - 1) // 2 if rounding == "lower" else answered // 2
    index = np.clip(index, 0, levels.shape[1] - 1)
    median = np.take_along_axis(ordered, index[:, None], axis=1)[:, 0]
    return np.where(answered >= min_answered, median, np.nan)
