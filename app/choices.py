"""Choices for WTForms select and radio fields, in the form WTForms 3.3+ expects."""
from __future__ import annotations

from collections.abc import Iterable

from wtforms import SelectChoice


def as_choices(pairs: Iterable[tuple]) -> list[SelectChoice]:
    """(value, label) pairs as SelectChoice objects (tuples are deprecated in WTForms 3.3)."""
    return [SelectChoice(value=value, label=label) for value, label in pairs]
