"""URL converters: an id in a path that no database column can hold is a 404, not a 500.
And the check every redirect target taken from a request passes.

Ids are 32-bit integers on PostgreSQL (`integer`); `/coach/participants/9223372036854775808`
would otherwise reach the database and fail there.
"""
from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

LARGEST_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:…>` limited to what an id column holds."""

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(map, *args, **kwargs)


def init_app(app: Flask) -> None:
    """Install the converter before any blueprint adds its rules."""
    app.url_map.converters["int"] = IdConverter


def is_plain_path(target: str) -> bool:
    """No control character (CR/LF would split the Location header, a 500; browsers drop tab
    and others, so "/<tab>/evil.example" becomes "//evil.example") and no backslash (read as
    "/" by browsers): a redirect target taken from a request must pass this first."""
    return not any(ord(c) < 32 or ord(c) == 127 or c == "\\" for c in target)
