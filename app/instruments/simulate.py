"""Plausible made-up answers, for the demo data and for large benchmarks.

Generic over any definition: it reads scales, reverse flags and skippability, never an
instrument key, so a fifth instrument is simulated without code changes. The model is
deliberately simple and documented here so nobody mistakes it for real data:

- each simulated person has a position on every scale (centre 0.5 of the range, SD 0.18;
  level scales such as CEFR start lower, centre 0.4, in line with MAP2020's "A2/B1");
- at a later occasion (given the earlier raw answers as `baseline`) about 65 % improve a
  little, 25 % stay about the same and 10 % get a little worse, item by item with noise;
- skippable items are skipped now and then; a free-text "other" is sometimes written, and
  the item it names is then rated.
"""

from __future__ import annotations

import random
from collections.abc import Mapping

from .schema import Instrument, Item
from .scoring import Answer, item_score

OTHER_AREAS = ("Körkort", "Barnomsorg", "Bostad", "Ekonomi", "Datorkunskap", "Familjen")
SKIP_RATE = 0.04
SENSITIVE_SKIP_RATE = 0.08
OTHER_TEXT_RATE = 0.3


def _trajectory(rng: random.Random) -> float:
    """Drift as a share of the scale range, one per simulated person and occasion."""
    roll = rng.random()
    if roll < 0.65:
        return rng.uniform(0.03, 0.15)
    if roll < 0.90:
        return rng.uniform(-0.03, 0.03)
    return -rng.uniform(0.03, 0.12)


def plausible_answers(
    instrument: Instrument,
    rng: random.Random,
    *,
    baseline: Mapping[str, Answer] | None = None,
    occasion_index: int = 0,
) -> dict[str, Answer]:
    """Raw answers (as a participant would choose them, before reversal) for one assessment."""
    drift = _trajectory(rng) if baseline is not None else 0.0
    position = rng.gauss(0.5, 0.18) + 0.05 * occasion_index
    answers: dict[str, Answer] = {}
    named = {i.names_item: i for i in instrument.items if i.names_item}
    texts_given: dict[str, bool] = {}
    for item in instrument.items:
        scale = instrument.scale_of(item)
        if scale.kind == "text":
            earlier = baseline.get(item.key) if baseline else None
            given = earlier is not None or (baseline is None and rng.random() < OTHER_TEXT_RATE)
            answers[item.key] = (earlier or rng.choice(OTHER_AREAS)) if given else None
            texts_given[item.names_item or item.key] = given
            continue
        if item.key in named and not texts_given.get(item.key, True) and item.skippable:
            answers[item.key] = None
            continue
        if item.skippable and rng.random() < (SENSITIVE_SKIP_RATE if item.sensitive else SKIP_RATE):
            answers[item.key] = None
            continue
        answers[item.key] = _raw_value(instrument, item, rng, position, drift, baseline)
    return answers


def _raw_value(
    instrument: Instrument,
    item: Item,
    rng: random.Random,
    position: float,
    drift: float,
    baseline: Mapping[str, Answer] | None,
) -> int:
    scale = instrument.scale_of(item)
    span = scale.span
    earlier = baseline.get(item.key) if baseline else None
    if isinstance(earlier, int):
        scored = item_score(instrument, item, earlier) + drift * span + rng.gauss(0, 0.06 * span)
    else:
        centre = position - (0.1 if scale.value_names else 0.0)
        scored = scale.min + (centre + rng.gauss(0, 0.1)) * span
    scored_int = min(scale.max, max(scale.min, round(scored)))
    # Back to what the participant would tick: reversal is its own inverse.
    return item_score(instrument, item, scored_int)
