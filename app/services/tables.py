"""The tables download: the cohort page's tables, exactly as shown, as an .xlsx workbook.

What an evaluator pastes into a final report must be what the page showed: the same
rounding, the same "–" for every hidden figure, and nothing the page did not show. So the
workbook is written from the very `Table`s the page renders (`app.statistics.tables`), one
sheet per table, after a first sheet stating the selection, k, what was pooled or left out
and the date. Each figure is a number with the page's decimals as its number format, so a
spreadsheet can compute with it; each column whose cells carry n or a 95 % interval gets a
column for them beside it. The download is audited like the export (`tables.downloaded`).
"""
from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from sqlmodel import Session

from ..statistics.rounding import Rounded
from ..statistics.tables import Cell, Table
from .audit import record

DASH = "–"
SHEET_NAME_LIMIT = 31  # Excel's
BOLD = Font(bold=True)


def number_format(value: Rounded, cell: Cell) -> str:
    """Excel's format for a figure: its decimals, a sign for changes, " %" for percentages."""
    digits = "0" + ("." + "0" * value.decimals if value.decimals else "")
    unit = ' "%"' if cell.unit == "%" else ""
    if cell.signed:
        return f"+{digits}{unit};−{digits}{unit};±{digits}{unit}"
    return f"{digits}{unit}"


def _write_figure(sheet, row: int, column: int, cell: Cell) -> None:
    target = sheet.cell(row=row, column=column)
    if cell.hidden:
        target.value = DASH
        target.alignment = Alignment(horizontal="right")
    elif isinstance(cell.value, str):
        target.value = cell.value
    elif cell.value.below:  # a p under 0.001: a bound, not a value
        target.value = f"< {cell.value.value:.{cell.value.decimals}f}"
        target.alignment = Alignment(horizontal="right")
    else:
        target.value = cell.value.value
        target.number_format = number_format(cell.value, cell)


def _interval_text(cell: Cell) -> str | None:
    if cell.interval is None or cell.hidden:
        return None
    low, high = cell.interval
    return f"{low.value:.{low.decimals}f}–{high.value:.{high.decimals}f}"


def sheet_title(table: Table, taken: set[str]) -> str:
    """A sheet name Excel accepts (≤ 31 characters, none of []:*?/\\), unique in the book."""
    base = re.sub(r"[\[\]:*?/\\]", " ", table.title).strip()[:SHEET_NAME_LIMIT] or table.key
    name, number = base, 2
    while name.lower() in taken:
        suffix = f" ({number})"
        name, number = base[: SHEET_NAME_LIMIT - len(suffix)] + suffix, number + 1
    taken.add(name.lower())
    return name


def _write_table(sheet, table: Table, labels: dict[str, str]) -> None:
    """Title, caption, the group and column headings, then one row per table row; a figure
    column is followed by its interval and n columns when its cells carry them."""
    sheet.append([table.title])
    sheet.cell(row=1, column=1).font = BOLD
    sheet.append([table.caption])
    groups, headings = [""], [table.row_header]
    layout = []  # per table column: (interval?, n?)
    for index, column in enumerate(table.columns):
        extra = (table.has_interval(index), table.has_n(index))
        layout.append(extra)
        width = 1 + sum(extra)
        groups += [column.group] + [""] * (width - 1)
        headings += [column.title] + ([labels["interval"]] if extra[0] else []) + (
            ["n"] if extra[1] else [])
    if any(groups[1:]):
        sheet.append(groups)
    sheet.append(headings)
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD
    for row in table.rows:
        line = sheet.max_row + 1
        sheet.cell(row=line, column=1, value=row.label)
        position = 2
        for cell, (has_interval, has_n) in zip(row.cells, layout, strict=True):
            _write_figure(sheet, line, position, cell)
            position += 1
            if has_interval:
                sheet.cell(row=line, column=position, value=_interval_text(cell))
                position += 1
            if has_n:
                sheet.cell(row=line, column=position, value=None if cell.hidden else cell.n)
                position += 1
    for note in (*table.warnings, *table.notes):
        sheet.append([])
        sheet.append([note])
    sheet.column_dimensions["A"].width = 44
    for index in range(2, sheet.max_column + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 12


def workbook_bytes(tables: Sequence[Table], cover: Sequence[tuple[str, str]], *,
                   labels: dict[str, str]) -> bytes:
    """The workbook: a first sheet of (label, value) lines about the selection, then one
    sheet per table. `labels` words the fixed headings: "cover" (first sheet's name) and
    "interval" (the 95 % interval columns)."""
    book = Workbook()
    first = book.active
    taken = {labels["cover"].lower()}
    first.title = labels["cover"][:SHEET_NAME_LIMIT]
    for label, value in cover:
        first.append([label, value])
        first.cell(row=first.max_row, column=1).font = BOLD
    first.column_dimensions["A"].width = 34
    first.column_dimensions["B"].width = 100
    for table in tables:
        _write_table(book.create_sheet(sheet_title(table, taken)), table, labels)
    _as_text_only(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _as_text_only(book: Workbook) -> None:
    """openpyxl stores any text starting with "=" as a formula: a unit named
    =HYPERLINK(...) would run in Excel. The workbook holds no formula of ours, so every one
    is text."""
    for sheet in book.worksheets:
        for line in sheet.iter_rows():
            for cell in line:
                if cell.data_type == "f":
                    cell.data_type = "s"


def download_tables(session: Session, *, organisation_id: int, tables: Sequence[Table],
                    cover: Sequence[tuple[str, str]], labels: dict[str, str], filters: dict,
                    staff_id: int | None = None, ip: str | None = None) -> bytes:
    """The tables download as a use case: write the workbook, then record and commit who
    downloaded which tables of which selection (like the export), and hand it over."""
    content = workbook_bytes(tables, cover, labels=labels)
    record(session, action="tables.downloaded", staff_id=staff_id, ip=ip,
           object_type="organisation", object_id=organisation_id,
           details={"filters": filters, "tables": [table.key for table in tables]})
    session.commit()
    return content


def file_name(today: date | None = None) -> str:
    return f"stegvis-tables-{(today or date.today()).isoformat()}.xlsx"
