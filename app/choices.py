"""Choices for WTForms select, radio and checkbox fields, in the form WTForms 3.3+ expects."""
from __future__ import annotations

from collections.abc import Iterable

from wtforms import SelectChoice, SelectMultipleField, widgets


def as_choices(pairs: Iterable[tuple]) -> list[SelectChoice]:
    """(value, label) pairs as SelectChoice objects (tuples are deprecated in WTForms 3.3)."""
    return [SelectChoice(value=value, label=label) for value, label in pairs]


class CheckboxesField(SelectMultipleField):
    """Several choices as a list of checkboxes (a fieldset with a legend in the template)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()
