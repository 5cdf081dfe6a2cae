"""The cohort tables, by gender, with small cells already suppressed: counts in, rows out.

The read side (`app.services.cohort`) lets the database pair intake and exit scores and
aggregate them: for every score, how many participants of each gender had each (intake,
exit) combination and their days between them, summed (`PairCounts`, which also gives the
level distributions at each occasion); and pairs and days per intake year × gender
(`YearCounts`). That is a few hundred numbers instead of 100,000 rows. Figures that need the
individual differences (effect size, Wilcoxon) get them back with `np.repeat`, which is
exact. Every function here returns cells that are either a figure or None, and None is what
the page and the exports show as "–": suppression happens once, here, before anything is
rendered or charted.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .disclosure import protect_table, unsafe_atoms
from .levels import CEFR_BANDS, median_levels, share_moving_up
from .paired import PairedSummary, Share, share, summarise_pairs

GENDERS = ("woman", "man", "other", "prefers_not_to_say", "not_recorded")
ALWAYS_SHOWN = ("woman", "man")
ALL = "all"


@dataclass(frozen=True)
class PairCounts:
    """One score's combinations at the two occasions compared (intake and exit, say):
    gender, earlier score, later score (NaN where missing at that occasion), how many
    participants had it, and their days between the two summed (NaN unless both).
    Participants with both assessments are in it; for level instruments also those with one
    (the other side NaN), for the level distributions. `period` is the (recoded) intake
    period and `long` whether the combination counts as longest in the programme (None
    where a caller has no such breakdown)."""

    gender: np.ndarray
    before: np.ndarray
    after: np.ndarray
    n: np.ndarray
    days: np.ndarray
    period: np.ndarray | None = None
    long: np.ndarray | None = None

    def complete(self, group: str) -> np.ndarray:
        """Which combinations are complete pairs in `group` (a gender category or ALL)."""
        paired = ~np.isnan(self.before) & ~np.isnan(self.after)
        return paired if group == ALL else paired & (self.gender == group)

    def distribution(self, occasion: str) -> dict[int, int]:
        """How many participants had each score at the earlier ("intake") or the later
        ("exit") occasion, paired or not."""
        values = self.before if occasion == "intake" else self.after
        counts: dict[int, int] = {}
        for value, n in zip(values, self.n, strict=True):
            if not np.isnan(value):
                counts[int(value)] = counts.get(int(value), 0) + int(n)
        return counts

    def pairs_by_gender(self, groups: Sequence[str] = GENDERS) -> list[int]:
        return [int(self.n[self.complete(g)].sum()) for g in groups]

    def arrays(self, group: str, where: np.ndarray | None = None
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The group's complete pairs one per participant (earlier, later, days), among the
        combinations `where` selects: the mean days of a combination stands for each of its
        participants, which keeps every mean exact."""
        keep = self.complete(group) if where is None else self.complete(group) & where
        n = self.n[keep]
        return (np.repeat(self.before[keep], n), np.repeat(self.after[keep], n),
                np.repeat(self.days[keep] / n, n))


@dataclass(frozen=True)
class YearCounts:
    """Participants with both assessments and their days intake → exit summed, per intake
    year × gender."""

    year: np.ndarray
    gender: np.ndarray
    n: np.ndarray
    days: np.ndarray


@dataclass(frozen=True)
class CohortScores:
    """What the tables need of one instrument in a cohort: how many participants have an
    intake or exit assessment, their scores per ref, and pairs per intake year."""

    participants: int
    pairs: Mapping[str, PairCounts]
    years: YearCounts

    def __len__(self) -> int:
        return self.participants


@dataclass(frozen=True)
class AreaRow:
    """One line of the MAP2020-style table: a score, and its summary per group (None = "–")."""

    ref: str
    cells: Mapping[str, PairedSummary | None]


def _hidden_by_group(pairs: PairCounts, threshold: int,
                     groups: Sequence[str] = GENDERS) -> dict[str, bool]:
    """Suppress one line: the gender groups with "all" as the shown total (with no gender
    breakdown at all, "all" alone)."""
    if not groups:
        return {ALL: bool(protect_table([[int(pairs.n[pairs.complete(ALL)].sum())]], threshold,
                                        row_totals=False, column_totals=False).cells[0, 0])}
    result = protect_table([pairs.pairs_by_gender(groups)], threshold, column_totals=False)
    hidden = dict(zip(groups, result.cells[0].tolist(), strict=True))
    hidden[ALL] = bool(result.row_totals[0])
    return hidden


def area_table(scores: CohortScores, refs: Sequence[str], threshold: int,
               groups: Sequence[str] = GENDERS, s_diff: Mapping[str, float] | None = None,
               rci_threshold: float = 1.96) -> list[AreaRow]:
    """Intake mean, exit mean, change, % change, n pairs, mean days, shares and effect size
    for every ref and gender group; `s_diff` gives refs with a reliable change index."""
    rows = []
    for ref in refs:
        pairs = scores.pairs[ref]
        hidden = _hidden_by_group(pairs, threshold, groups)
        cells = {}
        for group in (*groups, ALL):
            if hidden[group]:
                cells[group] = None
                continue
            cells[group] = summarise_pairs(*pairs.arrays(group), s_diff=(s_diff or {}).get(ref),
                                           rci_threshold=rci_threshold)
        rows.append(AreaRow(ref, cells))
    return rows


def visible_groups(rows: Sequence[AreaRow], groups: Sequence[str] = GENDERS) -> list[str]:
    """Women and men (when gender is a breakdown at all), any other group with at least one
    shown cell, then all."""
    always = [g for g in ALWAYS_SHOWN if g in groups]
    extra = [g for g in groups if g not in ALWAYS_SHOWN
             and any(row.cells.get(g) is not None for row in rows)]
    return [*always, *extra, ALL]


@dataclass(frozen=True)
class YearCell:
    n: int
    mean_days: float | None


@dataclass(frozen=True)
class YearTable:
    """Pairs and mean days between intake and exit per intake period × gender, with margins."""

    years: list[str]
    cells: Mapping[tuple[str, str], YearCell | None]  # (period or ALL, group)


def year_table(counts: YearCounts, threshold: int, groups: Sequence[str] = GENDERS) -> YearTable:
    """MAP2020's "203 days on average, 69 participants (all); 185 days (2017) …" by gender.
    Periods are labels (a year, or a period when years are pooled)."""
    years = sorted({str(y) for y in counts.year})
    columns = list(groups) or [ALL]
    matrix = np.zeros((len(years), len(columns)), dtype=int)
    days = np.zeros((len(years), len(columns)))
    for year, gender, n, total in zip(counts.year, counts.gender, counts.n, counts.days, strict=True):
        column = gender if gender in columns else ALL if columns == [ALL] else None
        if column is not None:
            matrix[years.index(str(year)), columns.index(column)] += int(n)
            days[years.index(str(year)), columns.index(column)] += float(total)
    hidden = protect_table(matrix, threshold)
    cells: dict = {}

    def cell(n: int, total: float) -> YearCell:
        return YearCell(int(n), float(total / n) if n else None)

    for r, y in enumerate(years):
        for c, g in enumerate(columns):
            cells[(y, g)] = None if hidden.cells[r, c] else cell(matrix[r, c], days[r, c])
        cells[(y, ALL)] = None if hidden.row_totals[r] else cell(matrix[r].sum(), days[r].sum())
    for c, g in enumerate(columns):
        cells[(ALL, g)] = None if hidden.column_totals[c] else cell(matrix[:, c].sum(), days[:, c].sum())
    cells[(ALL, ALL)] = None if hidden.grand_total else cell(matrix.sum(), days.sum())
    return YearTable(years, cells)


@dataclass(frozen=True)
class Bands:
    """People per CEFR band at one occasion (None = "–"), everyone who answered then (n),
    and the median level as (lower, upper): "A2/B1" when they differ."""

    counts: Mapping[str, int | None]
    n: int | None
    median: tuple[int, int] | None

    def share(self, band: str) -> Share | None:
        """The band's share of those who answered, when both are shown."""
        count = self.counts[band]
        return None if count is None or self.n is None else share(count, self.n)


@dataclass(frozen=True)
class LevelRow:
    """One skill (or the overall level): bands at the earlier and the later occasion, and
    the share of complete pairs moving up at least one level, by group (None = "–")."""

    ref: str
    before: Bands
    after: Bands
    moving_up: Mapping[str, Share | None]


def _bands(counts: Mapping[int, int], threshold: int,
           bands: Mapping[str, tuple[int, ...]] = CEFR_BANDS) -> Bands:
    """Counts per band with small ones hidden (the total is the published margin), and the
    median level of everyone who answered when that total is shown."""
    per_band = {band: sum(int(counts.get(level, 0)) for level in levels)
                for band, levels in bands.items()}
    hidden = protect_table([list(per_band.values())], threshold, column_totals=False)
    shown = {band: None if hide else n
             for (band, n), hide in zip(per_band.items(), hidden.cells[0], strict=True)}
    if hidden.row_totals[0]:
        return Bands(shown, None, None)
    levels = np.repeat(np.array(list(counts), dtype=float), list(counts.values()))
    return Bands(shown, sum(per_band.values()), median_levels(levels))


def level_table(scores: CohortScores, refs: Sequence[str], threshold: int,
                groups: Sequence[str] = GENDERS) -> list[LevelRow]:
    """CEFR: counts and shares by band (pre-A1, A, B, C) and the median level per skill at
    each occasion, and the share moving up at least one level by group. Never a mean or a
    % change of level codes: they are ranks."""
    rows = []
    for ref in refs:
        pairs = scores.pairs[ref]
        hidden = _hidden_by_group(pairs, threshold, groups)
        moving = {g: None if hidden[g] else share_moving_up(*pairs.arrays(g)[:2])
                  for g in (*groups, ALL)}
        rows.append(LevelRow(ref, _bands(pairs.distribution("intake"), threshold),
                             _bands(pairs.distribution("exit"), threshold), moving))
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
    hidden = protect_table(matrix.T, threshold, column_totals=False)  # rows: stages, columns: units
    cells: dict = {}
    for s, stage in enumerate(FUNNEL_STAGES):
        for u, unit in enumerate(units):
            cells[(unit, stage)] = None if hidden.cells[s, u] else int(matrix[u, s])
        cells[(ALL, stage)] = None if hidden.row_totals[s] else int(matrix[:, s].sum())
    return FunnelTable(units, cells)


@dataclass(frozen=True)
class GoalCell:
    """A goal's result in one group: a share of the pairs (`result`, with its interval) or a
    mean change (`mean`, over `n` pairs), and whether it reaches the target."""

    n: int
    met: bool
    result: Share | None = None
    mean: float | None = None


def goal_result(pairs: PairCounts, groups: Sequence[str] = GENDERS, *, target: float,
                threshold: int, hit: Callable[[np.ndarray], np.ndarray] | None = None
                ) -> dict[str, GoalCell | None]:
    """A goal against the pairs, by group (small groups suppressed as a line with "all" as
    the total): with `hit`, the share of pairs whose change (later − earlier) it accepts,
    against a target in percent; without, the mean change against a target in points."""
    hidden = _hidden_by_group(pairs, threshold, groups)
    result: dict[str, GoalCell | None] = {}
    for group in (*groups, ALL):
        if hidden[group]:
            result[group] = None
            continue
        keep = pairs.complete(group)
        n, diff = pairs.n[keep], pairs.after[keep] - pairs.before[keep]
        total = int(n.sum())
        if hit is None:
            mean = float((n * diff).sum() / total) if total else None
            result[group] = GoalCell(total, mean is not None and mean >= target, mean=mean)
        else:
            achieved = share(int(n[hit(diff)].sum()), total)
            result[group] = GoalCell(total, 100 * (achieved.proportion or 0) >= target,
                                     result=achieved)
    return result


def split_safe_share(parts: Mapping[Hashable, tuple[int, int]], k: int) -> Share:
    """k of n summed over atoms, each atom given as (its part, its denominator): an atom
    counts only when its part and the rest of its denominator both hold 0 or at least k
    people, so neither the share's people nor the others can be told apart in any atom."""
    unsafe = unsafe_atoms({a: part for a, (part, _) in parts.items()}, k) | unsafe_atoms(
        {a: n - part for a, (part, n) in parts.items()}, k)
    kept = [value for a, value in parts.items() if a not in unsafe]
    return share(sum(part for part, _ in kept), sum(n for _, n in kept))


LONGEST = "longest"


@dataclass(frozen=True)
class Map2020Table:
    """The MAP2020 report's table: per area, a column for everyone, each gender group, each
    intake period and those longest in the programme; cells are summaries or None ("–")."""

    columns: list[tuple[str, str]]  # (breakdown, group): ("all", "all"), ("gender", "woman") …
    rows: list[AreaRow]  # cells keyed by the column tuple


def map2020_columns(scores: CohortScores, refs: Sequence[str], threshold: int,
                    groups: Sequence[str] = GENDERS) -> Map2020Table:
    """MAP2020's intake mean, exit mean and % change by everyone, gender, intake period and
    longest in the programme (which combinations are long is the read side's business: it
    knows the atoms). Per ref the gender groups and the periods are each suppressed as a
    line with "all" as the total, and "longest" against the rest of the pairs."""
    periods = sorted({str(p) for ref in refs for p in _periods(scores.pairs[ref])})
    columns = [(ALL, ALL), *[("gender", g) for g in groups], *[("period", p) for p in periods],
               (LONGEST, ALL)]
    rows = []
    for ref in refs:
        pairs = scores.pairs[ref]
        by_gender = _hidden_by_group(pairs, threshold, groups)
        complete = pairs.complete(ALL)
        period = pairs.period if pairs.period is not None else np.full(pairs.n.size, ALL, object)
        long = pairs.long if pairs.long is not None else np.zeros(pairs.n.size, bool)
        in_period = [int(pairs.n[complete & (period == p)].sum()) for p in periods]
        by_period = protect_table([in_period], threshold, column_totals=False)
        long_n = int(pairs.n[complete & long].sum())
        by_length = protect_table([[long_n, int(pairs.n[complete].sum()) - long_n]], threshold,
                                  row_totals=False, column_totals=False)
        hidden = {(ALL, ALL): by_gender[ALL] or bool(by_period.row_totals[0]),
                  **{("gender", g): by_gender[g] for g in groups},
                  **{("period", p): bool(h) for p, h in zip(periods, by_period.cells[0],
                                                             strict=True)},
                  (LONGEST, ALL): bool(by_length.cells[0, 0]) or long_n == 0}
        where = {(ALL, ALL): None, **{("period", p): period == p for p in periods},
                 (LONGEST, ALL): long}
        cells = {}
        for column in columns:
            if hidden[column]:
                cells[column] = None
                continue
            group = column[1] if column[0] == "gender" else ALL
            cells[column] = summarise_pairs(*pairs.arrays(group, where.get(column)), tests=False)
        rows.append(AreaRow(ref, cells))
    return Map2020Table(columns, rows)


def _periods(pairs: PairCounts) -> set:
    if pairs.period is None:
        return set()
    return set(pairs.period[pairs.complete(ALL)].tolist())
