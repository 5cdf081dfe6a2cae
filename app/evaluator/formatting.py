"""Numbers as evaluators read them: the locale's decimal comma, "–" for a suppressed cell."""
from __future__ import annotations

from flask_babel import format_decimal

from ..statistics.rounding import Rounded
from ..statistics.tables import Cell

DASH = "–"


def decimal(value: float | None, digits: int = 1) -> str:
    """A figure with `digits` decimals, or "–" for a suppressed or undefined one."""
    if value is None:
        return DASH
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern)


def signed(value: float | None, digits: int = 1) -> str:
    """A change with its sign (+1,2 / −0,5)."""
    if value is None:
        return DASH
    text = decimal(abs(value), digits)
    return ("+" if value > 0 else "−" if value < 0 else "±") + text


def figure(value: Rounded | None, *, with_sign: bool = False) -> str:
    """A rounded figure with its own decimals ("5,0", "< 0,001"); "–" when hidden."""
    if value is None or value.value is None:
        return DASH
    if value.below:
        return f"< {decimal(value.value, value.decimals)}"
    return signed(value.value, value.decimals) if with_sign else decimal(value.value, value.decimals)


def cell_text(cell: Cell) -> str:
    """A table cell's figure as the page prints it (its interval and n are printed apart)."""
    if cell.hidden:
        return DASH
    if isinstance(cell.value, str):
        return cell.value
    text = figure(cell.value, with_sign=cell.signed)
    return f"{text} {cell.unit}" if cell.unit else text


def cell_interval(cell: Cell) -> str:
    """'48–74' for a cell's 95 % interval, empty without one."""
    if cell.interval is None or cell.hidden:
        return ""
    low, high = cell.interval
    return f"{figure(low)}–{figure(high)}"


FORMATTERS = {"decimal": decimal, "signed": signed, "DASH": DASH, "cell_text": cell_text,
              "cell_interval": cell_interval}
