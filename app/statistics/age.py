"""Age bands at intake: what evaluators filter and export instead of a birth year.

The bands follow Swedish labour-market reporting (young people 15–29 split in three, then
broad adult bands). Age at intake is intake year − birth year: the exact birthday is never
stored, so a person may be counted a year older than they are for part of the year.
"""
from __future__ import annotations

import numpy as np

# (label, lowest age, highest age or None for open-ended)
AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("15-19", 15, 19),
    ("20-24", 20, 24),
    ("25-29", 25, 29),
    ("30-44", 30, 44),
    ("45-64", 45, 64),
    ("65+", 65, None),
)
BAND_LABELS = tuple(label for label, _, _ in AGE_BANDS)


def age_band(birth_year: int | None, intake_year: int) -> str | None:
    """The band of someone born in `birth_year` at an intake in `intake_year`; None if unknown
    or younger than 15 (no band: such a record is an entry error, not a person to report)."""
    if birth_year is None:
        return None
    age = intake_year - birth_year
    for label, low, high in AGE_BANDS:
        if age >= low and (high is None or age <= high):
            return label
    return None


def age_bands(ages: np.ndarray) -> np.ndarray:
    """Vectorised `age_band` over ages (NaN = unknown): an object array of labels or None."""
    ages = np.asarray(ages, dtype=float)
    result = np.full(ages.shape, None, dtype=object)
    for label, low, high in AGE_BANDS:
        upper = np.inf if high is None else high
        result[(ages >= low) & (ages <= upper)] = label
    return result


def birth_years_for(band: str, intake_year_column, birth_year_column):
    """A SQL condition (SQLAlchemy) selecting birth years in `band` for each row's intake year."""
    for label, low, high in AGE_BANDS:
        if label == band:
            condition = birth_year_column <= intake_year_column - low
            if high is not None:
                condition = condition & (birth_year_column >= intake_year_column - high)
            return condition
    raise ValueError(f"unknown age band {band!r}")
