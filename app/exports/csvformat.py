"""The two CSV flavours an evaluator can choose, and how a value is written in each.

Swedish Excel opens a double-clicked CSV with the list separator and decimal sign of the
Swedish locale, `;` and `,`: a comma-separated file with decimal points lands in one column,
and "4.5" becomes a date. So the export offers both: comma with decimal point (R, SPSS,
Python, any English-locale program) and semicolon with decimal comma (Swedish Excel). Both
are UTF-8 with a byte order mark, without which Excel reads "Vård" as "VÃ¥rd".
datapackage.json states the chosen flavour (`dialect`, `decimalChar`), so a Frictionless
reader parses either without being told.
"""
from __future__ import annotations

from dataclasses import dataclass

ENCODING = "utf-8-sig"  # UTF-8, written with a byte order mark
# A spreadsheet reads a cell starting with one of these as a formula (CSV injection: a unit
# named =HYPERLINK(...) would run when the evaluator opens the file).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(text: str) -> str:
    """Text a spreadsheet shows as text: a leading apostrophe before a formula start. Only
    text passes here; numbers are written as numbers, negative ones included."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@dataclass(frozen=True)
class CsvFormat:
    """A delimiter and the decimal sign that goes with it."""

    key: str
    delimiter: str
    decimal_char: str
    description_en: str
    description_sv: str

    def cell(self, value) -> str:
        """A value as a CSV cell: empty when missing (None, or a negative SPSS missing code:
        no exported quantity is negative), true/false, and numbers with this decimal sign."""
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (int, float)):
            if value < 0:
                return ""
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            return str(value).replace(".", self.decimal_char)
        return inert(str(value))

    def dialect(self) -> dict:
        """The Table Dialect of a CSV in this format."""
        return {"delimiter": self.delimiter, "header": True, "doubleQuote": True,
                "lineTerminator": "\r\n"}


COMMA = CsvFormat("comma", ",", ".", "comma-separated, decimal point",
                  "kommaseparerad, decimalpunkt")
SEMICOLON = CsvFormat("semicolon", ";", ",", "semicolon-separated, decimal comma (Swedish Excel)",
                      "semikolonseparerad, decimalkomma (svensk Excel)")
CSV_FORMATS = {f.key: f for f in (COMMA, SEMICOLON)}
