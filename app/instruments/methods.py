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
from abc import ABC, abstractmethod
from collections.abc import Mapping
from enum import StrEnum
from typing import TYPE_CHECKING, ClassVar

from ..statistics.refs import MEAN_OF_ITEMS, TOTAL
from .schema import DefinitionProblem
from .scoring import Score, Scores, level_name

if TYPE_CHECKING:
    from .schema import Instrument, Item


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


class ScoringMethod(ABC):
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
    # The `scoring.*` options this method reads; a definition that sets any other is refused
    # (`Instrument` checks it), so the codebook never states a rule nobody applies.
    options: ClassVar[frozenset[str]] = frozenset()

    # -- scoring ------------------------------------------------------------------------

    def validate(self, instrument: Instrument) -> None:
        """Raise `DefinitionProblem` for a definition this method cannot score. Only
        subscale methods take subscales, so by default any is a mistake."""
        if instrument.subscales:
            raise DefinitionProblem("subscales", f"scoring method '{self.name}' takes no subscales")

    @abstractmethod
    def score(
        self, instrument: Instrument, items: Mapping[str, Score]
    ) -> tuple[dict[str, Score], Score]:
        """Subscales and total from the item scores (already reversed; None = skipped)."""

    # -- summarising --------------------------------------------------------------------

    @property
    def has_total(self) -> bool:
        return self.total_type is not None

    def headline(self, scores: Scores) -> Score:
        """The value stored under `headline_ref` for one assessment."""
        return scores.total

    def paired_headline(
        self, instrument: Instrument, before: Mapping[str, Score], after: Mapping[str, Score]
    ) -> tuple[Score, Score]:
        """The headline at two occasions of one participant, as a pair to compare.

        By default each occasion stands alone: a total is a total whatever was answered the
        other time. A method whose headline depends on which items were answered (a wheel's
        mean) compares like with like instead.
        """
        return self._headline_of(instrument, before), self._headline_of(instrument, after)

    def _headline_of(self, instrument: Instrument, items: Mapping[str, Score]) -> Score:
        subscales, total = self.score(instrument, items)
        return self.headline(Scores(instrument.key, instrument.version, items, subscales, total))

    def paired_areas(self, instrument: Instrument) -> tuple[tuple[str, ...], int] | None:
        """The areas a paired headline is taken over and how many of them must be answered at
        both occasions; None when each occasion's headline stands alone. The cohort read side
        computes the paired headline in SQL from this rule, `paired_headline` in Python."""
        return None

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
    summarised by the mean of the answered areas, which goals are set on.

    A wheel's mean *change* compares like with like: the mean at each occasion is over the
    areas answered at both, and only when there are at least `scoring.min_paired_areas` of
    them (None: every area). Otherwise a mean could rise only because a low area was skipped
    the second time. The free "something else" area (an item another item names, such as
    work_wheel's `other`, named by `other_text`) is left out: it may be a different thing at
    each occasion, so its change is no change of one area.
    """

    name = "per_item"
    headline_ref = MEAN_OF_ITEMS
    chart = ChartKind.WHEEL
    total_type = None
    options = frozenset({"min_paired_areas"})

    def validate(self, instrument):
        super().validate(instrument)
        areas = len(compared_areas(instrument))
        if self.min_paired_areas(instrument) > areas:
            raise DefinitionProblem("scoring.min_paired_areas",
                                    f"more than the {areas} areas a mean change compares")

    def score(self, instrument, items):
        return {}, None

    def headline(self, scores):
        answered = [v for v in scores.items.values() if v is not None]
        return sum(answered) / len(answered) if answered else None

    def min_paired_areas(self, instrument: Instrument) -> int:
        """How many areas answered at both occasions a mean change needs."""
        given = instrument.scoring.min_paired_areas
        return len(compared_areas(instrument)) if given is None else given

    def paired_mean(
        self, instrument: Instrument, before: Mapping[str, Score], after: Mapping[str, Score]
    ) -> tuple[float | None, float | None]:
        """Mean of the earlier and of the later occasion over the areas answered at both
        (items after reversal, None or absent = skipped); (None, None) below the minimum."""
        areas, minimum = self.paired_areas(instrument)
        common = [key for key in areas
                  if before.get(key) is not None and after.get(key) is not None]
        if not common or len(common) < minimum:
            return None, None
        return (sum(before[k] for k in common) / len(common),
                sum(after[k] for k in common) / len(common))

    def paired_areas(self, instrument):
        return (tuple(item.key for item in compared_areas(instrument)),
                self.min_paired_areas(instrument))

    def paired_headline(self, instrument, before, after):
        return self.paired_mean(instrument, before, after)


def compared_areas(instrument: Instrument) -> tuple[Item, ...]:
    """The scored items whose change means something: not an area that a free-text item
    names ("something else: …"), since what it is about can differ between occasions."""
    free = {item.names_item for item in instrument.items if item.names_item}
    return tuple(item for item in instrument.scored_items if item.key not in free)


@register
class SubscaleSum(ScoringMethod):
    """Subscale = sum of its items after reversal; at most `max_missing_per_subscale` skipped
    items, each replaced by the mean of the answered items of that subscale. Total = sum of
    the subscales, None if any subscale is None or more than `max_missing_total` items are
    skipped in all (KASAM: one per subscale and two in all, so a total never rests on
    substitutes in every subscale at once)."""

    name = "subscale_sum"
    reliable_change = True
    options = frozenset({"max_missing_per_subscale", "max_missing_total"})

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
        limit = instrument.scoring.max_missing_total
        members = [items[i.key] for s in instrument.subscales for i in instrument.items_of(s.key)]
        within_limit = limit is None or members.count(None) <= limit
        if within_limit and all(v is not None for v in subscales.values()):
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
    options = frozenset({"median_rounding", "min_answered"})
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
