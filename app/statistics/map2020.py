"""The MAP2020 table: per Work Wheel area the intake mean, the exit mean and the % change
of the mean, for everyone, by gender, by intake period and for those longest in the
programme.

MAP2020's final report showed one column of intake means, one of exit means and one of
"% förändring" (change of the mean as a share of the intake mean), with the mean days
between the two and the number of participants for everyone (203 days, 69), per calendar
year and for "those who have been longest in the project" (10 people, 476 days on
average). These functions rebuild that table from pairs and days so that the page and the
tables download show the same numbers. Each cell is a full `PairedSummary` (n, means,
% change, mean days and the rest); which cells may be shown is decided by disclosure
control, not here.

"Longest in the programme" is defined as at least `LONGEST_DAYS` (365) days between the two
occasions: a fixed threshold, so a person's membership does not depend on who else is in
the filter (a quantile would move with every filter), and a year is the span MAP2020's
group had (their 10 longest averaged 476 days; everyone averaged 203).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import numpy as np

from .paired import PairedSummary, summarise_pairs

LONGEST_DAYS = 365
ALL = "all"


def intake_period(day: date, months: int = 12) -> str:
    """The period an intake date falls in: "2017" for years (MAP2020's grouping), "2017-H1"
    for half years, "2017-Q3" for quarters. Periods, not dates, so small intakes pool."""
    if months == 12:
        return str(day.year)
    if months == 6:
        return f"{day.year}-H{1 + (day.month - 1) // 6}"
    if months == 3:
        return f"{day.year}-Q{1 + (day.month - 1) // 3}"
    raise ValueError("an intake period is 12, 6 or 3 months")


def longest_in_programme(days: np.ndarray, min_days: int = LONGEST_DAYS) -> np.ndarray:
    """Who counts as longest in the programme: at least `min_days` between the occasions
    (NaN days, no second occasion, never counts)."""
    days = np.asarray(days, dtype=float)
    return ~np.isnan(days) & (np.nan_to_num(days, nan=-1) >= min_days)


def map2020_table(
    areas: Mapping[str, tuple[np.ndarray, np.ndarray]],
    days: np.ndarray,
    *,
    breakdowns: Mapping[str, Sequence[str | None]] | None = None,
    min_days: int = LONGEST_DAYS,
) -> dict[tuple[str, str], dict[str, PairedSummary]]:
    """Columns of the MAP2020 table, each a summary per area.

    areas: per area the earlier and later score of every participant (NaN = missing), all
    arrays in the same participant order as `days` (days between the two occasions).
    breakdowns: per breakdown name (e.g. "gender", "period") one label per participant;
    None leaves a participant out of that breakdown's groups (still in "all").
    Keys are (breakdown, group): ("all", "all") first, then each breakdown's groups in
    sorted order, then ("longest", "all").
    """
    days = np.asarray(days, dtype=float)
    selections: dict[tuple[str, str], np.ndarray] = {(ALL, ALL): np.ones(days.size, dtype=bool)}
    for name, labels in (breakdowns or {}).items():
        labels = np.asarray(labels, dtype=object)
        if labels.size != days.size:
            raise ValueError(f"{name}: one label per participant")
        for group in sorted({label for label in labels.tolist() if label is not None}):
            selections[(name, group)] = labels == group
    selections[("longest", ALL)] = longest_in_programme(days, min_days)
    return {
        column: {area: summarise_pairs(np.asarray(before, dtype=float)[chosen],
                                       np.asarray(after, dtype=float)[chosen], days[chosen])
                 for area, (before, after) in areas.items()}
        for column, chosen in selections.items()
    }
