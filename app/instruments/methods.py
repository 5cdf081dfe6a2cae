"""Scoring methods: the one place that knows what `scoring.method` in a definition means.

A definition names its method (`per_item`, `subscale_sum`, `level_median`); everything that
follows from that choice lives on one object here: which definitions it accepts, how it turns
item scores into subscales and a total, how a cohort is summarised (which refs, which
headline, levels counted or means compared, reliable change), which chart draws it, how its
total is exported and what the total is called. Callers ask `instrument.method` and never
compare the name, so a new method is one new class registered with `@register` (plus its
tests) and no other module changes. `tests/instruments/test_methods.py` holds that rule.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from enum import StrEnum
from typing import TYPE_CHECKING, ClassVar

from ..statistics.refs import MEAN_OF_ITEMS, TOTAL
from .schema import DefinitionProblem
from .scoring import Score, Scores, level_name

if TYPE_CHECKING:
    from .schema import Instrument


class ChartKind(StrEnum):
    """What the coach's panel and the participant's results page draw for a method."""

    WHEEL = "wheel"  # one spoke per item; the participant sees a small wheel and a list
    LEVELS = "levels"  # a level per item; the participant sees each level with its description
    TOTALS = "totals"  # total and subscales as bars; the participant sees the total in its range


class TotalLabel(StrEnum):
    """Which name the total goes by. Only a key: the web layer owns the translated words,
    because this core module may not import flask_babel (`app.vocabulary.total_label`)."""

    TOTAL = "total"
    OVERALL_LEVEL = "overall_level"


class ScoringMethod:
    """How one kind of definition is scored, summarised, charted, exported and labelled.

    The defaults describe a method with a total that is a sum on an interval scale; a
    subclass overrides only what differs. Methods are stateless: one instance per name.
    """

    name: ClassVar[str]
    # Summarising: the ref a programme goal is set on when it names none, and the last row
    # of the cohort table.
    headline_ref: ClassVar[str] = TOTAL
    # Scores are ordinal levels: the cohort page counts people per level at each occasion
    # (everyone who answered, not only pairs), and a change is a number of steps.
    counts_levels: ClassVar[bool] = False
    # The total gets a Jacobson–Truax reliable change index when the definition gives
    # `reliability` and `reference_sd` (KASAM).
    reliable_change: ClassVar[bool] = False
    chart: ClassVar[ChartKind] = ChartKind.TOTALS
    # Table Schema type of the exported total; None when the method has no total.
    total_type: ClassVar[str | None] = "number"
    total_label: ClassVar[TotalLabel] = TotalLabel.TOTAL

    # -- scoring ------------------------------------------------------------------------

    def validate(self, instrument: Instrument) -> None:
        """Raise `DefinitionProblem` for a definition this method cannot score. Only
        subscale methods take subscales, so by default any is a mistake."""
        if instrument.subscales:
            raise DefinitionProblem("subscales", f"scoring method '{self.name}' takes no subscales")

    def score(
        self, instrument: Instrument, items: Mapping[str, Score]
    ) -> tuple[dict[str, Score], Score]:
        """Subscales and total from the item scores (already reversed; None = skipped)."""
        raise NotImplementedError

    # -- summarising --------------------------------------------------------------------

    @property
    def has_total(self) -> bool:
        return self.total_type is not None

    def headline(self, scores: Scores) -> Score:
        """The value stored under `headline_ref` for one assessment."""
        return scores.total

    def reported_refs(self, instrument: Instrument) -> list[str]:
        """The rows of the cohort table: what the headline sums up, then the headline."""
        return [item.key for item in instrument.scored_items] + [self.headline_ref]

    def total_range(self, instrument: Instrument) -> tuple[int, int] | None:
        """Lowest and highest possible total (codebook, export, change as share of range)."""
        return None

    # -- exporting ----------------------------------------------------------------------

    def as_json(self, instrument: Instrument, scores: Scores) -> dict:
        """One assessment's scores as the `instruments score` command writes them."""
        return {"items": dict(scores.items), "subscales": dict(scores.subscales),
                "total": scores.total}


METHODS: dict[str, ScoringMethod] = {}


def register(cls: type[ScoringMethod]) -> type[ScoringMethod]:
    """Make a method available to definitions under its `name`."""
    METHODS[cls.name] = cls()
    return cls


def method_named(name: str) -> ScoringMethod:
    """The registered method; KeyError for a name no definition may use."""
    return METHODS[name]


@register
class PerItem(ScoringMethod):
    """Each scored item stands alone (the wheels): no subscales and no total. A cohort is
    summarised by the mean of the answered areas, which goals are set on."""

    name = "per_item"
    headline_ref = MEAN_OF_ITEMS
    chart = ChartKind.WHEEL
    total_type = None

    def score(self, instrument, items):
        return {}, None

    def headline(self, scores):
        answered = [v for v in scores.items.values() if v is not None]
        return sum(answered) / len(answered) if answered else None


@register
class SubscaleSum(ScoringMethod):
    """Subscale = sum of its items after reversal; at most `max_missing_per_subscale` skipped
    items, each replaced by the mean of the answered items of that subscale. Total = sum of
    the subscales, None if any subscale is None (KASAM)."""

    name = "subscale_sum"
    reliable_change = True

    def validate(self, instrument):
        if not instrument.subscales:
            raise DefinitionProblem("scoring.method", f"{self.name} needs subscales")

    def score(self, instrument, items):
        subscales = {
            s.key: _sum_with_substitution(
                [items[i.key] for i in instrument.items_of(s.key)],
                instrument.scoring.max_missing_per_subscale,
            )
            for s in instrument.subscales
        }
        total = None
        if all(v is not None for v in subscales.values()):
            total = tidy(sum(subscales.values()))
        return subscales, total

    def reported_refs(self, instrument):
        return [s.key for s in instrument.subscales] + [self.headline_ref]

    def total_range(self, instrument):
        members = [i for i in instrument.scored_items if i.subscale]
        return (sum(instrument.scale_of(i).min for i in members),
                sum(instrument.scale_of(i).max for i in members))


@register
class LevelMedian(ScoringMethod):
    """Items are ordinal levels on one shared scale (CEFR); the overall level is the median
    of the answered items, a fractional median resolved by `median_rounding`, None below
    `min_answered`. Levels are counted, never averaged."""

    name = "level_median"
    counts_levels = True
    chart = ChartKind.LEVELS
    total_type = "integer"
    total_label = TotalLabel.OVERALL_LEVEL

    def validate(self, instrument):
        super().validate(instrument)
        scored = [instrument.scale_of(i) for i in instrument.scored_items]
        if len({(s.min, s.max) for s in scored}) != 1:
            raise DefinitionProblem("scoring.method", f"{self.name} needs one shared scale")
        if instrument.scoring.min_answered > len(scored):
            raise DefinitionProblem("scoring.min_answered", "more than the scored items")

    def score(self, instrument, items):
        answered = [v for v in items.values() if v is not None]
        if len(answered) < instrument.scoring.min_answered:
            return {}, None
        lower = instrument.scoring.median_rounding == "lower"
        return {}, (statistics.median_low if lower else statistics.median_high)(answered)

    def total_range(self, instrument):
        scale = instrument.scale_of(instrument.scored_items[0])
        return scale.min, scale.max

    def as_json(self, instrument, scores):
        return {
            "levels": {k: level_name(instrument, v) for k, v in scores.items.items()},
            "overall": level_name(instrument, scores.total),
        }


def _sum_with_substitution(values: list[Score], max_missing: int) -> Score:
    """Sum with mean substitution for up to `max_missing` skipped items, else None.

    sum(answered) · n / k equals sum(answered) + (n − k) · mean(answered), in one division.
    """
    answered = [v for v in values if v is not None]
    if not answered or len(values) - len(answered) > max_missing:
        return None
    return tidy(sum(answered) * len(values) / len(answered))


def tidy(value: float) -> int | float:
    """Whole numbers as int, so exports show 57 rather than 57.0."""
    return int(value) if float(value).is_integer() else value
