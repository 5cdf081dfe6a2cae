"""Answers in, scores out: pure functions with no database and no Flask.

Answers are the raw values the participant chose, keyed by item key; `None` (or an absent
key) means skipped. Reversal happens here and only here, so stored answers stay exactly
what the participant saw and chose.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from .schema import Instrument, Item

Answer = int | str | None
Score = int | float | None


class InvalidAnswer(ValueError):
    """An answer the instrument cannot accept; routes turn it into a message."""

    def __init__(self, item_key: str, reason: str) -> None:
        super().__init__(f"item '{item_key}': {reason}")
        self.item_key = item_key
        self.reason = reason


@dataclass(frozen=True)
class Scores:
    """Scores of one assessment.

    items: every scored item after reversal (None when skipped); free-text items are absent.
    subscales: subscale scores; may be fractional after mean substitution; None when too
      many items are skipped, never zero.
    total: sum of subscales, or for level instruments (CEFR) the overall level; None when
      the instrument has no total (the wheels) or it cannot be computed.
    """

    instrument_key: str
    instrument_version: int
    items: Mapping[str, Score] = field(default_factory=dict)
    subscales: Mapping[str, Score] = field(default_factory=dict)
    total: Score = None


def validate_answer(instrument: Instrument, item_key: str, value: Answer) -> Answer:
    """Check one answer (one item per page saves one at a time); return it unchanged."""
    try:
        item = instrument.item(item_key)
    except KeyError:
        raise InvalidAnswer(item_key, "unknown item") from None
    if value is None:
        if not item.skippable:
            raise InvalidAnswer(item_key, "an answer is required")
        return None
    scale = instrument.scale_of(item)
    if scale.kind == "text":
        if not isinstance(value, str):
            raise InvalidAnswer(item_key, "must be text")
        if len(value) > scale.max_length:
            raise InvalidAnswer(item_key, f"must be at most {scale.max_length} characters")
        return value
    # bool is an int subclass; True must not pass as 1.
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidAnswer(item_key, f"must be a whole number from {scale.min} to {scale.max}")
    if not scale.min <= value <= scale.max:
        raise InvalidAnswer(item_key, f"{value} is outside {scale.min}..{scale.max}")
    return value


def validate(instrument: Instrument, answers: Mapping[str, Answer]) -> dict[str, Answer]:
    """Check a whole assessment; return every item key with its answer (None = skipped)."""
    known = {item.key for item in instrument.items}
    for key in answers:
        if key not in known:
            raise InvalidAnswer(str(key), "unknown item")
    return {
        item.key: validate_answer(instrument, item.key, answers.get(item.key))
        for item in instrument.items
    }


def item_score(instrument: Instrument, item: Item, value: int | None) -> int | None:
    """The value after reversal (min + max − x), so higher always means better."""
    if value is None:
        return None
    if item.reverse:
        scale = instrument.scale_of(item)
        return scale.min + scale.max - value
    return value


def score(instrument: Instrument, answers: Mapping[str, Answer]) -> Scores:
    """Score an assessment by the instrument's scoring method; invalid answers raise.

    Reversal is common to every method and happens here; what becomes of the item
    scores is the method's business (`app.instruments.methods`).
    """
    answers = validate(instrument, answers)
    items = {
        item.key: item_score(instrument, item, answers[item.key])
        for item in instrument.scored_items
    }
    subscales, total = instrument.method.score(instrument, items)
    return Scores(
        instrument_key=instrument.key,
        instrument_version=instrument.version,
        items=MappingProxyType(items),
        subscales=MappingProxyType(subscales),
        total=total,
    )


def level_name(instrument: Instrument, value: int | None) -> str | None:
    """'A2' for 2 on a scale with value names (CEFR); str(value) otherwise."""
    if value is None:
        return None
    scale = instrument.scale_of(instrument.scored_items[0])
    return scale.value_names.get(value, str(value))
