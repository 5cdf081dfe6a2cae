"""Small-cell suppression, including complementary suppression.

A cell based on fewer than `threshold` participants is suppressed (primary suppression).
That alone is not enough: a shown total minus the shown cells of its line recovers what
was hidden. So along every line whose total is shown, the hidden cells together must cover
either nobody or at least `threshold` participants; otherwise the smallest shown cell of
that line is hidden too (complementary suppression), or the total itself when nothing is
left to hide. This repeats until every line is safe.

Cells are counts of participants in a matrix (rows × columns) whose row totals and column
totals are shown as margins, like a table of intake years × gender with "all" on both
edges. A one-line table (areas have one row each: gender groups + "all") is a 1 × k matrix.
Lines that are not partitions (e.g. the stages of a funnel, which are nested) are excluded
by switching that margin off.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Suppressed:
    """Which cells to show as "–": the interior, the row totals, the column totals, the corner."""

    cells: np.ndarray  # bool, rows × columns
    row_totals: np.ndarray  # bool, one per row
    column_totals: np.ndarray  # bool, one per column
    grand_total: bool


def suppress(counts, threshold: int, *, row_totals: bool = True,
             column_totals: bool = True) -> Suppressed:
    """Primary and complementary suppression of a count matrix and its margins.

    `row_totals`/`column_totals` say whether those margins are shown (and so can be
    subtracted from); a margin that is not shown is never suppressed or used.
    """
    if threshold < 1:
        raise ValueError("threshold must be at least 1")
    n = np.atleast_2d(np.asarray(counts, dtype=np.int64))
    rows, cols = n.shape
    row_n, col_n, all_n = n.sum(axis=1), n.sum(axis=0), int(n.sum())
    hide = n < threshold
    hide_rows = (row_n < threshold) if row_totals else np.zeros(rows, bool)
    hide_cols = (col_n < threshold) if column_totals else np.zeros(cols, bool)
    hide_all = all_n < threshold and (row_totals or column_totals)

    def make_safe(values: np.ndarray, hidden: np.ndarray, total_hidden: bool) -> bool:
        """Hide more of one line (in place) until its hidden part is not recoverable; returns
        whether the total must now be hidden too."""
        if total_hidden:
            return True
        while True:
            pooled = int(values[hidden].sum())
            if pooled == 0 or pooled >= threshold:
                return False
            candidates = np.where(~hidden & (values > 0))[0]
            if candidates.size == 0:
                return True
            hidden[candidates[np.argmin(values[candidates])]] = True

    changed = True
    while changed:
        before = (hide.copy(), hide_rows.copy(), hide_cols.copy(), hide_all)
        if row_totals:
            for r in range(rows):
                line = hide[r]
                hide_rows[r] = make_safe(n[r], line, hide_rows[r])
                hide[r] = line
        if column_totals:
            for c in range(cols):
                line = hide[:, c].copy()
                hide_cols[c] = make_safe(n[:, c], line, hide_cols[c])
                hide[:, c] = line
        if row_totals and rows > 1:
            hide_all = make_safe(row_n, hide_rows, hide_all)
        if column_totals and cols > 1:
            hide_all = make_safe(col_n, hide_cols, hide_all)
        changed = not (np.array_equal(before[0], hide) and np.array_equal(before[1], hide_rows)
                       and np.array_equal(before[2], hide_cols) and before[3] == hide_all)
    return Suppressed(hide, hide_rows, hide_cols, bool(hide_all))
