"""The cohort tables, by gender, with small cells already suppressed: arrays in, rows out.

`CohortScores` holds one entry per participant in the filtered cohort: gender, intake
year, days between the intake and exit assessments, and the scores at both occasions
(NaN where missing). Every function here returns cells that are either a figure or None,
and None is what the page and the exports show as "–": suppression happens once, here,
before anything is rendered or charted.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .levels import level_distribution, share_moving_up
from .paired import PairedSummary, Share, share, summarise_pairs
from .suppression import suppress

GENDERS = ("woman", "man", "other", "prefers_not_to_say", "not_recorded")
ALWAYS_SHOWN = ("woman", "man")
ALL = "all"


@dataclass(frozen=True)
class CohortScores:
    """Per participant: gender, intake year, days intake → exit, and scores by ref."""

    gender: np.ndarray
    intake_year: np.ndarray
    days: np.ndarray
    intake: Mapping[str, np.ndarray]
    exit: Mapping[str, np.ndarray]

    def __len__(self) -> int:
        return len(self.gender)


@dataclass(frozen=True)
class AreaRow:
    """One line of the MAP2020-style table: a score, and its summary per group (None = "–")."""

    ref: str
    cells: Mapping[str, PairedSummary | None]


def _masks(gender: np.ndarray) -> dict[str, np.ndarray]:
    masks = {g: gender == g for g in GENDERS}
    masks[ALL] = np.ones(len(gender), dtype=bool)
    return masks


def _hidden_by_group(counts: Sequence[int], threshold: int) -> dict[str, bool]:
    """Suppress one line: the gender categories with "all" as the shown total."""
    result = suppress([counts], threshold, column_totals=False)
    hidden = dict(zip(GENDERS, result.cells[0].tolist()))
    hidden[ALL] = bool(result.row_totals[0])
    return hidden


def area_table(scores: CohortScores, refs: Sequence[str], threshold: int,
               s_diff: Mapping[str, float] | None = None, rci_threshold: float = 1.96) -> list[AreaRow]:
    """Intake mean, exit mean, change, % change, n pairs, mean days, shares and effect size
    for every ref and gender group; `s_diff` gives refs with a reliable change index."""
    masks = _masks(scores.gender)
    rows = []
    for ref in refs:
        before, after = scores.intake[ref], scores.exit[ref]
        paired = ~np.isnan(before) & ~np.isnan(after)
        hidden = _hidden_by_group([int((paired & masks[g]).sum()) for g in GENDERS], threshold)
        cells = {}
        for group, mask in masks.items():
            if hidden[group]:
                cells[group] = None
                continue
            cells[group] = summarise_pairs(before[mask], after[mask], scores.days[mask],
                                           s_diff=(s_diff or {}).get(ref), rci_threshold=rci_threshold)
        rows.append(AreaRow(ref, cells))
    return rows


def visible_groups(rows: Sequence[AreaRow]) -> list[str]:
    """Women, men, any other category with at least one shown cell, then all."""
    extra = [g for g in GENDERS if g not in ALWAYS_SHOWN
             and any(row.cells.get(g) is not None for row in rows)]
    return [*ALWAYS_SHOWN, *extra, ALL]


@dataclass(frozen=True)
class YearCell:
    n: int
    mean_days: float | None


@dataclass(frozen=True)
class YearTable:
    """Pairs and mean days between intake and exit per intake year × gender, with margins."""

    years: list[int]
    cells: Mapping[tuple[int | str, str], YearCell | None]  # (year or ALL, group)


def year_table(scores: CohortScores, threshold: int) -> YearTable:
    """MAP2020's "203 days on average, 69 participants (all); 185 days (2017) …" by gender."""
    paired = ~np.isnan(scores.days)
    years = sorted({int(y) for y in scores.intake_year[paired]})
    gender = scores.gender[paired]
    year = scores.intake_year[paired]
    days = scores.days[paired]
    counts = np.array([[int(((year == y) & (gender == g)).sum()) for g in GENDERS] for y in years],
                      dtype=int).reshape(len(years), len(GENDERS))
    hidden = suppress(counts, threshold)
    cells: dict = {}

    def cell(mask: np.ndarray) -> YearCell:
        n = int(mask.sum())
        return YearCell(n, float(days[mask].mean()) if n else None)

    for r, y in enumerate(years):
        for c, g in enumerate(GENDERS):
            cells[(y, g)] = None if hidden.cells[r, c] else cell((year == y) & (gender == g))
        cells[(y, ALL)] = None if hidden.row_totals[r] else cell(year == y)
    for c, g in enumerate(GENDERS):
        cells[(ALL, g)] = None if hidden.column_totals[c] else cell(gender == g)
    everyone = np.ones(len(days), dtype=bool)
    cells[(ALL, ALL)] = None if hidden.grand_total else cell(everyone)
    return YearTable(years, cells)


@dataclass(frozen=True)
class LevelRow:
    """One skill: level counts at intake and exit (None = "–") and the share moving up."""

    ref: str
    intake: Mapping[int, int | None]
    exit: Mapping[int, int | None]
    intake_n: int | None
    exit_n: int | None
    moving_up: Mapping[str, Share | None]


def _suppressed_distribution(values: np.ndarray, minimum: int, maximum: int,
                             threshold: int) -> tuple[dict[int, int | None], int | None]:
    counts = level_distribution(values, minimum, maximum)
    hidden = suppress([list(counts.values())], threshold, column_totals=False)
    shown = {level: (None if hide else n) for (level, n), hide in zip(counts.items(), hidden.cells[0])}
    total = sum(counts.values())
    return shown, (None if hidden.row_totals[0] else total)


def level_table(scores: CohortScores, refs: Sequence[str], minimum: int, maximum: int,
                threshold: int) -> list[LevelRow]:
    """CEFR: level distribution per skill at intake and exit, share up ≥ 1 level by group."""
    masks = _masks(scores.gender)
    rows = []
    for ref in refs:
        before, after = scores.intake[ref], scores.exit[ref]
        intake, intake_n = _suppressed_distribution(before, minimum, maximum, threshold)
        exit_, exit_n = _suppressed_distribution(after, minimum, maximum, threshold)
        paired = ~np.isnan(before) & ~np.isnan(after)
        hidden = _hidden_by_group([int((paired & masks[g]).sum()) for g in GENDERS], threshold)
        moving = {g: None if hidden[g] else share_moving_up(before[m], after[m])
                  for g, m in masks.items()}
        rows.append(LevelRow(ref, intake, exit_, intake_n, exit_n, moving))
    return rows


FUNNEL_STAGES = ("registered", "intake", "exit", "follow_up")


@dataclass(frozen=True)
class FunnelTable:
    """Participants per unit reaching each stage (None = "–"), with all units as the total."""

    units: list[str]
    cells: Mapping[tuple[str, str], int | None]  # (unit or ALL, stage)


def funnel_table(counts: Mapping[str, Sequence[int]], threshold: int) -> FunnelTable:
    """Stages are nested (not a partition), so only the all-units total is subtracted from."""
    units = list(counts)
    matrix = np.array([list(counts[u]) for u in units], dtype=int).reshape(len(units), len(FUNNEL_STAGES))
    hidden = suppress(matrix.T, threshold, column_totals=False)  # rows: stages, columns: units
    cells: dict = {}
    for s, stage in enumerate(FUNNEL_STAGES):
        for u, unit in enumerate(units):
            cells[(unit, stage)] = None if hidden.cells[s, u] else int(matrix[u, s])
        cells[(ALL, stage)] = None if hidden.row_totals[s] else int(matrix[:, s].sum())
    return FunnelTable(units, cells)


@dataclass(frozen=True)
class GoalCell:
    result: Share
    met: bool


def goal_result(before: np.ndarray, after: np.ndarray, gender: np.ndarray, *, target_percent: float,
                threshold: int, s_diff: float | None = None,
                rci_threshold: float = 1.96) -> dict[str, GoalCell | None]:
    """Share with any increase (or, given `s_diff`, reliable improvement) vs the goal, by group."""
    masks = _masks(gender)
    paired = ~np.isnan(before) & ~np.isnan(after)
    hidden = _hidden_by_group([int((paired & masks[g]).sum()) for g in GENDERS], threshold)
    result: dict[str, GoalCell | None] = {}
    for group, mask in masks.items():
        if hidden[group]:
            result[group] = None
            continue
        keep = mask & paired
        diff = after[keep] - before[keep]
        hits = diff / s_diff > rci_threshold if s_diff else diff > 0
        achieved = share(int(hits.sum()), int(keep.sum()))
        result[group] = GoalCell(achieved, 100 * (achieved.proportion or 0) >= target_percent)
    return result
