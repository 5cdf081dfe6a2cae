"""Form validators more than one audience's forms need."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms.validators import StopValidation, ValidationError

# Dates a programme can plausibly have: 9999-12-31 would overflow the occasion plan.
EARLIEST, LATEST = date(1990, 1, 1), date(2100, 12, 31)


def plausible_date(_form, field) -> None:
    """A date within EARLIEST..LATEST, with a message the reader understands."""
    if field.data is not None and not EARLIEST <= field.data <= LATEST:
        raise ValidationError(_l("Choose a date between %(first)s and %(last)s.",
                                 first=EARLIEST.isoformat(), last=LATEST.isoformat()))


def parsed(_form, field) -> None:
    """Stop after WTForms' own "Not a valid … value.": a range check of a value that could not
    be read would only add a second, confusing message."""
    if field.process_errors:
        raise StopValidation()


def finite(_form, field) -> None:
    """Decimal reads "NaN", "sNaN" and "Infinity" as numbers; no range check can compare them
    (a signalling NaN raises), so they stop here."""
    if field.data is not None and not field.data.is_finite():
        raise StopValidation(_l("Enter a number."))
