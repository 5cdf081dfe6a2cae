"""URL converters: an id in a path that no database column can hold is a 404, not a 500.

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
