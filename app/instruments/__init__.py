"""Instruments as versioned data plus one engine.

Each instrument is a TOML file in `definitions/` (`work_wheel-1.toml`), validated at start-up
into frozen pydantic models (`schema.py`) and looked up by (key, version). Scoring, change,
codebook and text lookup are pure functions over those models, so adding an instrument
means adding a file: no route, no template.

    from app import instruments
    work = instruments.latest("work_wheel")
    same = instruments.get("work_wheel", 1)
"""

from __future__ import annotations

from .registry import (
    InstrumentDefinitionError,
    Registry,
    UnknownInstrument,
    comparable,
    load_registry,
    registry,
)
from .schema import Instrument, Item, Scale, Subscale, Text


def get(key: str, version: int) -> Instrument:
    """The exact version of an instrument (what a stored assessment refers to)."""
    return registry().get(key, version)


def latest(key: str) -> Instrument:
    """The newest version of an instrument (what a new invitation uses)."""
    return registry().latest(key)


def all_instruments() -> list[Instrument]:
    """Every loaded version, sorted by key then version."""
    return list(registry())


__all__ = [
    "Instrument",
    "InstrumentDefinitionError",
    "Item",
    "Registry",
    "Scale",
    "Subscale",
    "Text",
    "UnknownInstrument",
    "all_instruments",
    "comparable",
    "get",
    "latest",
    "load_registry",
    "registry",
]
