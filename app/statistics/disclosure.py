"""Disclosure control: what an evaluator sees never reveals a group of fewer than k people.

The guarantee (stated to evaluators in docs/evaluators.md): no count or statistic of a group
of fewer than k participants can be read or derived from anything an evaluator can see or
download, by any combination of filters. Two ideas carry it; both are here, in one module,
and every evaluator surface (page, charts, goals, funnel, tables download, export) goes
through them.

1. **Atoms.** The quasi-identifiers an evaluator can filter, break down or export by (unit,
   intake period, gender, age band, exit reason) are recoded (`k_anonymise`: full-domain
   generalisation, then local suppression as a last resort) so that every combination of
   recoded values, an *atom*, holds nobody or at least k participants. Filters and
   breakdowns offer recoded values only, so every group one can select, and every difference,
   intersection or union of such groups, is a union of whole atoms: nobody or at least k.
   People whose combination stays smaller than k after generalising are left out of every
   figure (and counted, so the page can say so).
2. **Atom-safe parts.** A figure often covers a part of its cohort: those who answered at
   intake and at exit, say. Within each atom such a part enters the figure only if it holds
   at least k people (`unsafe_atoms`); a smaller part is left out of that figure. A derived
   group of such a figure is then a union of atom parts of at least k each.

Tables whose cells are not built from atoms (a count matrix from elsewhere) are protected by
`protect_table`: small cells hidden, complementary cells hidden along every published line,
and every hidden cell audited the way statistics offices audit a table: two linear programs
find the smallest and largest value consistent with what is shown, and the interval must be
at least k wide, or more cells are hidden.
"""
from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linprog

MINIMUM_K = 3
# At most this share of participants may be left out by local suppression; beyond it the
# search generalises further instead (people left out are people missing from every figure).
MAX_SUPPRESSED_SHARE = 0.10
# What leaving people out costs, against the weights of the hierarchies' levels: suppressing
# all participants would cost as much as this many weighted generalisation steps.
SUPPRESSION_WEIGHT = 40.0


# -- atoms: k-anonymous recoding of the quasi-identifiers -----------------------------------


@dataclass(frozen=True)
class Hierarchy:
    """How one quasi-identifier can be coarsened. `levels[i]` maps each original value to its
    label at level i: level 0 keeps the values (labels are the values as text), the last
    level puts everyone in one group. `costs[i]` is what level i costs the evaluator (gender
    is the breakdown programmes report to the ESF: pooling its small categories is cheap,
    losing women and men is not); by default one per level."""

    name: str
    levels: tuple[Mapping[Hashable, str], ...]
    costs: tuple[float, ...] = ()

    def cost(self, level: int) -> float:
        return self.costs[level] if self.costs else float(level)

    def label(self, level: int, value: Hashable) -> str:
        return self.levels[level][value]


@dataclass(frozen=True)
class Recoding:
    """The chosen level of every hierarchy, the atoms it makes and which are too small (their
    people are left out of every figure)."""

    hierarchies: tuple[Hierarchy, ...]
    levels: tuple[int, ...]
    k: int
    sizes: Mapping[tuple[str, ...], int]  # people per atom
    small_atoms: frozenset[tuple[str, ...]]

    @property
    def left_out(self) -> int:
        return sum(self.sizes[atom] for atom in self.small_atoms)

    def level_of(self, name: str) -> int:
        return self.levels[self._index(name)]

    def hierarchy(self, name: str) -> Hierarchy:
        return self.hierarchies[self._index(name)]

    def _index(self, name: str) -> int:
        return [h.name for h in self.hierarchies].index(name)

    def label(self, name: str, value: Hashable) -> str:
        """The recoded label of one value of quasi-identifier `name`."""
        return self.hierarchy(name).label(self.level_of(name), value)

    def labels(self, name: str) -> list[str]:
        """The recoded labels of `name`, in the order of their first original value."""
        mapping = self.hierarchy(name).levels[self.level_of(name)]
        return list(dict.fromkeys(mapping.values()))

    def atom(self, combination: Sequence[Hashable]) -> tuple[str, ...]:
        """The atom of one combination of original values (in the hierarchies' order)."""
        return tuple(h.levels[level][value] for h, level, value
                     in zip(self.hierarchies, self.levels, combination, strict=True))

    @property
    def generalised(self) -> dict[str, int]:
        """Quasi-identifiers that were coarsened, with their level (0 = as recorded)."""
        return {h.name: level for h, level in zip(self.hierarchies, self.levels, strict=True)
                if level > 0}


def _classes(combos: Mapping[tuple, int], hierarchies: Sequence[Hierarchy],
             levels: tuple[int, ...]) -> Counter:
    classes: Counter = Counter()
    for combo, n in combos.items():
        classes[tuple(h.levels[level][value] for h, level, value
                      in zip(hierarchies, levels, combo, strict=True))] += n
    return classes


def _small_counter(combinations: Mapping[tuple, int], hierarchies: Sequence[Hierarchy], k: int):
    """A function of levels → how many people are in atoms smaller than k, vectorised: each
    combination's values become label codes per level, atoms become one integer per
    combination, and numpy counts them (the lattice search asks a few dozen times)."""
    combos = list(combinations)
    people = np.array([combinations[c] for c in combos], dtype=np.int64)
    codes = []  # per hierarchy, per level: the label code of every combination
    for position, hierarchy in enumerate(hierarchies):
        per_level = []
        for mapping in hierarchy.levels:
            labels = {label: code for code, label in enumerate(dict.fromkeys(mapping.values()))}
            per_level.append(np.array([labels[mapping[c[position]]] for c in combos],
                                      dtype=np.int64))
        codes.append(per_level)

    def small(levels: tuple[int, ...]) -> int:
        if not combos:
            return 0
        key = np.zeros(len(combos), dtype=np.int64)
        for per_level, level in zip(codes, levels, strict=True):
            column = per_level[level]
            key = key * (int(column.max()) + 1) + column
        _, inverse = np.unique(key, return_inverse=True)
        sizes = np.bincount(inverse, weights=people)
        return int(sizes[sizes < k].sum())

    return small


def k_anonymise(combinations: Mapping[tuple[Hashable, ...], int],
                hierarchies: Sequence[Hierarchy], k: int, *,
                max_suppressed_share: float = MAX_SUPPRESSED_SHARE) -> Recoding:
    """The least costly recoding under which every atom holds at least `k` people, leaving
    out (local suppression) at most `max_suppressed_share` of them.

    `combinations` counts the people with each combination of original values, in the
    hierarchies' order. Full-domain generalisation searched over the whole lattice of levels
    (a few hundred nodes for our five quasi-identifiers), on distinct combinations rather
    than people, so 100,000 participants cost what their few thousand combinations cost.
    Cost: the levels' costs plus SUPPRESSION_WEIGHT × the share left out. The top of the
    lattice (everyone in one atom) always qualifies when there are at least k people; with
    fewer, everyone is left out.
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    hierarchies = tuple(hierarchies)
    total = sum(combinations.values())
    small_people = _small_counter(combinations, hierarchies, k)
    best: tuple[float, tuple[int, ...]] | None = None
    for levels in itertools.product(*(range(len(h.levels)) for h in hierarchies)):
        cost = sum(h.cost(level) for h, level in zip(hierarchies, levels, strict=True))
        if best is not None and cost >= best[0]:
            continue
        small = small_people(levels)
        if small > max_suppressed_share * total:
            continue
        cost += SUPPRESSION_WEIGHT * (small / total if total else 0.0)
        if best is None or cost < best[0]:
            best = (cost, levels)
    # Nothing within the budget: fewer than k people in all, and everyone is left out.
    levels = best[1] if best else tuple(len(h.levels) - 1 for h in hierarchies)
    sizes = _classes(combinations, hierarchies, levels)
    return Recoding(hierarchies, levels, k, dict(sizes),
                    frozenset(atom for atom, n in sizes.items() if n < k))


def unsafe_atoms(part_counts: Mapping[Hashable, int], k: int) -> set[Hashable]:
    """Atoms whose part (those with intake and exit answers, say) holds 1 to k − 1 people:
    that part is left out of the figure, so every derived group of it has 0 or ≥ k people."""
    return {atom for atom, n in part_counts.items() if 0 < n < k}


# -- tables: suppression with an interval audit ---------------------------------------------


@dataclass(frozen=True)
class Suppressed:
    """Which cells to show as "–": the interior, the row totals, the column totals, the corner."""

    cells: np.ndarray  # bool, rows × columns
    row_totals: np.ndarray  # bool, one per row
    column_totals: np.ndarray  # bool, one per column
    grand_total: bool


@dataclass
class _Table:
    """A count matrix with which of its cells and margins are published."""

    n: np.ndarray
    hide: np.ndarray
    hide_rows: np.ndarray
    hide_cols: np.ndarray
    hide_all: bool
    row_totals: bool
    column_totals: bool
    lines: list = field(default_factory=list)

    def published_lines(self) -> list[tuple[list[tuple[int, int]], int]]:
        """Every published total with the cells it sums: (cells, total)."""
        rows, cols = self.n.shape
        lines = []
        if self.row_totals:
            lines += [([(r, c) for c in range(cols)], int(self.n[r].sum()))
                      for r in range(rows) if not self.hide_rows[r]]
        if self.column_totals:
            lines += [([(r, c) for r in range(rows)], int(self.n[:, c].sum()))
                      for c in range(cols) if not self.hide_cols[c]]
        if (self.row_totals or self.column_totals) and not self.hide_all:
            lines.append(([(r, c) for r in range(rows) for c in range(cols)], int(self.n.sum())))
        return lines


def interval(table: _Table, target: list[tuple[int, int]]) -> tuple[float, float]:
    """The smallest and largest value of the sum of `target` cells that is consistent with
    every published cell and total (counts are non-negative); inf when unbounded."""
    hidden = [tuple(cell) for cell in np.argwhere(table.hide)]
    if not hidden:
        return (float(sum(table.n[cell] for cell in target)),) * 2
    index = {cell: i for i, cell in enumerate(hidden)}
    rows_eq, rhs = [], []
    for cells, total in table.published_lines():
        row = np.zeros(len(hidden))
        known = 0
        for cell in cells:
            if cell in index:
                row[index[cell]] = 1
            else:
                known += int(table.n[cell])
        if row.any():
            rows_eq.append(row)
            rhs.append(total - known)
    objective = np.zeros(len(hidden))
    constant = 0.0
    for cell in target:
        if cell in index:
            objective[index[cell]] += 1
        else:
            constant += float(table.n[cell])
    kwargs = {"bounds": [(0, None)] * len(hidden), "method": "highs"}
    if rows_eq:
        kwargs |= {"A_eq": np.array(rows_eq), "b_eq": np.array(rhs, dtype=float)}
    low = linprog(objective, **kwargs)
    high = linprog(-objective, **kwargs)
    lowest = low.fun + constant if low.status == 0 else 0.0
    highest = -high.fun + constant if high.status == 0 else float("inf")
    return lowest, highest


def hidden_targets(table: _Table) -> list[list[tuple[int, int]]]:
    """Every hidden figure as the cells it sums: hidden cells, hidden margins, the corner."""
    rows, cols = table.n.shape
    targets = [[tuple(cell)] for cell in np.argwhere(table.hide)]
    if table.row_totals:
        targets += [[(r, c) for c in range(cols)] for r in range(rows) if table.hide_rows[r]]
    if table.column_totals:
        targets += [[(r, c) for r in range(rows)] for c in range(cols) if table.hide_cols[c]]
    if table.hide_all:
        targets.append([(r, c) for r in range(rows) for c in range(cols)])
    return targets


def sensitive(table: _Table, cells: list[tuple[int, int]], k: int) -> bool:
    """A hidden figure that counts 1 to k − 1 people: the ones the audit protects (a hidden
    zero is nobody; a hidden 9 is a group of at least k, whatever one can infer of it)."""
    return 0 < sum(int(table.n[cell]) for cell in cells) < k


def _too_narrow(table: _Table, cells: list[tuple[int, int]], k: int) -> bool:
    if not sensitive(table, cells, k):
        return False
    low, high = interval(table, cells)
    return high - low < k


def _line_safe(values: np.ndarray, hidden: np.ndarray, total_hidden: bool, k: int) -> bool:
    """Hide more of one line (in place) until what is hidden there is 0 or ≥ k people;
    returns whether the line's total must be hidden too."""
    if total_hidden:
        return True
    while True:
        pooled = int(values[hidden].sum())
        if pooled == 0 or pooled >= k:
            return False
        candidates = np.where(~hidden & (values > 0))[0]
        if candidates.size == 0:
            return True
        hidden[candidates[np.argmin(values[candidates])]] = True


def _complementary(table: _Table, k: int) -> None:
    """Hide along every published line until no line gives away a small hidden part."""
    n = table.n
    rows, cols = n.shape
    changed = True
    while changed:
        before = (table.hide.copy(), table.hide_rows.copy(), table.hide_cols.copy(),
                  table.hide_all)
        if table.row_totals:
            for r in range(rows):
                line = table.hide[r].copy()
                table.hide_rows[r] = _line_safe(n[r], line, table.hide_rows[r], k)
                table.hide[r] = line
        if table.column_totals:
            for c in range(cols):
                line = table.hide[:, c].copy()
                table.hide_cols[c] = _line_safe(n[:, c], line, table.hide_cols[c], k)
                table.hide[:, c] = line
        if table.row_totals and rows > 1:
            table.hide_all = _line_safe(n.sum(axis=1), table.hide_rows, table.hide_all, k)
        if table.column_totals and cols > 1:
            table.hide_all = _line_safe(n.sum(axis=0), table.hide_cols, table.hide_all, k)
        changed = not (np.array_equal(before[0], table.hide)
                       and np.array_equal(before[1], table.hide_rows)
                       and np.array_equal(before[2], table.hide_cols)
                       and before[3] == table.hide_all)


def _widen(table: _Table, target: list[tuple[int, int]]) -> bool:
    """Hide one more cell because `target` is pinned too narrowly: the smallest shown cell of
    a row or column it touches, else of any line with a hidden cell (a zero only when
    nothing else is left); a margin only when no cell is left. False when all is hidden."""
    n = table.n
    near_rows, near_cols = {cell[0] for cell in target}, {cell[1] for cell in target}
    hidden_rows, hidden_cols = set(np.where(table.hide.any(axis=1))[0]), set(
        np.where(table.hide.any(axis=0))[0])
    for rows, cols in ((near_rows, near_cols), (hidden_rows, hidden_cols)):
        shown = [(i, j) for i in range(n.shape[0]) for j in range(n.shape[1])
                 if not table.hide[i, j] and (i in rows or j in cols)]
        if shown:
            table.hide[min(shown, key=lambda rc: (n[rc] == 0, n[rc]))] = True
            return True
    r, c = target[0]
    for flags, index in ((table.hide_rows, r), (table.hide_cols, c)):
        if not flags[index]:
            flags[index] = True
            return True
    if not table.hide_all:
        table.hide_all = True
        return True
    return False


def protect_table(counts, k: int, *, row_totals: bool = True,
                  column_totals: bool = True) -> Suppressed:
    """Which cells and margins of a count matrix to hide so that no hidden cell can be pinned
    to an interval narrower than `k` from what is shown.

    Primary suppression (cells under k, zeros included: a shown zero next to a hidden cell
    would narrow it), complementary suppression along every published line, then the audit:
    for each hidden cell or margin of 1 to k − 1 people, two linear programs give its
    smallest and largest consistent value; while one is narrower than k, a neighbouring cell
    is hidden too. `row_totals` /
    `column_totals` say whether those margins are published at all.
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    n = np.atleast_2d(np.asarray(counts, dtype=np.int64))
    rows, cols = n.shape
    table = _Table(
        n=n, hide=n < k,
        hide_rows=(n.sum(axis=1) < k) if row_totals else np.zeros(rows, bool),
        hide_cols=(n.sum(axis=0) < k) if column_totals else np.zeros(cols, bool),
        hide_all=bool(n.sum() < k and (row_totals or column_totals)),
        row_totals=row_totals, column_totals=column_totals)
    _complementary(table, k)
    wide_enough: set[tuple] = set()  # hiding more only widens intervals: checked once is enough
    while True:
        narrow = None
        for target in hidden_targets(table):
            if tuple(target) in wide_enough:
                continue
            if _too_narrow(table, target, k):
                narrow = target
                break
            wide_enough.add(tuple(target))
        if narrow is None or not _widen(table, narrow):
            break
        _complementary(table, k)
    return Suppressed(table.hide, table.hide_rows, table.hide_cols, bool(table.hide_all))
