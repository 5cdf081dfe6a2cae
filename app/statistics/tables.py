"""The dashboard's tables as one data structure, which the page and the tables download both
render, so what an evaluator pastes into a report is exactly what the page showed.

A `Table` has a title, a caption, columns (each optionally under a group heading, such as
"Women") and rows of `Cell`s. A cell holds a figure already rounded (`Rounded`, the rules of
`app.statistics.rounding`), a text (a median level "A2/B1", a test's method), or nothing:
a figure hidden by disclosure control, shown as "–". It may carry the number of people it
is computed over (`n`) and a 95 % interval. The words (titles, labels) are given by the web
layer in the reader's language; nothing here translates or formats for a locale.
"""
from __future__ import annotations

from dataclasses import dataclass

from .rounding import Rounded


@dataclass(frozen=True)
class Cell:
    """One figure as shown. `value` None is a hidden figure ("–"); `unit` "%" marks a
    percentage (shown after the number); `signed` prints a sign (a change)."""

    value: Rounded | str | None
    n: int | None = None
    interval: tuple[Rounded, Rounded] | None = None
    unit: str = ""
    signed: bool = False

    @property
    def hidden(self) -> bool:
        return self.value is None or (isinstance(self.value, Rounded) and self.value.value is None)


HIDDEN = Cell(None)


@dataclass(frozen=True)
class Column:
    """A column heading, under `group` (a heading spanning the columns that share it)."""

    title: str
    group: str = ""


@dataclass(frozen=True)
class Row:
    label: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Table:
    """One table of the dashboard. `key` names it on the page (ids) and in the audit;
    `warnings` and `notes` are sentences shown under it (a warning stands out)."""

    key: str
    title: str
    caption: str
    row_header: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for row in self.rows:
            if len(row.cells) != len(self.columns):
                raise ValueError(f"{self.key}: row {row.label!r} has {len(row.cells)} cells "
                                 f"for {len(self.columns)} columns")

    def groups(self) -> list[tuple[str, int]]:
        """The group headings with how many columns each spans, in order."""
        spans: list[tuple[str, int]] = []
        for column in self.columns:
            if spans and spans[-1][0] == column.group:
                spans[-1] = (column.group, spans[-1][1] + 1)
            else:
                spans.append((column.group, 1))
        return spans

    def has_n(self, index: int) -> bool:
        """Whether column `index` shows the number of people in its cells."""
        return any(row.cells[index].n is not None for row in self.rows)

    def has_interval(self, index: int) -> bool:
        return any(row.cells[index].interval is not None for row in self.rows)
