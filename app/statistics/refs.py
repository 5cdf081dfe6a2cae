"""Names of the derived scores stored beside the item and subscale scores of an assessment.

"total" is the instrument's total (KASAM's sum, CEFR's overall level); "mean" is the mean of
the answered areas of a wheel, which goals such as "documented step progression" are set on.
Stored scores, the dashboard and the exports use these names.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # instruments name their refs from here: no import back at run time
    from ..instruments import Instrument

TOTAL = "total"
MEAN_OF_ITEMS = "mean"


def score_range(instrument: Instrument, ref: str) -> tuple[float, float]:
    """The lowest and highest possible value of a reported score: an item's scale, a wheel's
    mean on its areas' scale, a subscale's or the total's sum of its items' scales."""
    if ref == TOTAL and instrument.method.total_range(instrument):
        return instrument.method.total_range(instrument)
    if ref in (MEAN_OF_ITEMS, TOTAL):
        scale = instrument.scale_of(instrument.scored_items[0])
        return scale.min, scale.max
    if any(s.key == ref for s in instrument.subscales):
        scales = [instrument.scale_of(item) for item in instrument.items_of(ref)]
        return sum(s.min for s in scales), sum(s.max for s in scales)
    scale = instrument.scale_of(next(i for i in instrument.items if i.key == ref))
    return scale.min, scale.max
