"""Change between two occasions of the same participant: pure functions over `Scores`.

Three views of the same difference, because programmes report all three:
- Δ in points, and Δ as a share of the scale's range (comparable across instruments);
- percent change as MAP2020 reported it, (exit − intake) / intake, undefined at intake 0;
- for instruments that declare a reliability and reference SD (KASAM), the Jacobson–Truax
  reliable change index, RCI = Δ / S_diff with S_diff = √2 · SD · √(1 − α), classified at
  |RCI| > 1.96 (p < .05, two-sided).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from .registry import comparable
from .schema import Instrument
from .scoring import Score, Scores

RCI_THRESHOLD = 1.96


class NotComparable(ValueError):
    """The two scores come from instrument versions that may not be compared."""


class ReliableChange(StrEnum):
    reliably_improved = "reliably_improved"
    no_reliable_change = "no_reliable_change"
    reliably_worsened = "reliably_worsened"


@dataclass(frozen=True)
class Change:
    """Change of one score. Every field is None when either occasion lacks the score.

    percent_change is in percent (16.0 means +16 %), as in MAP2020's tables;
    share_of_range is a fraction of max − min (0.25 means a quarter of the scale).
    """

    before: Score
    after: Score
    delta: Score
    share_of_range: float | None
    percent_change: float | None
    rci: float | None = None
    reliable_change: ReliableChange | None = None


@dataclass(frozen=True)
class ChangeReport:
    items: Mapping[str, Change]
    subscales: Mapping[str, Change]
    total: Change | None


def score_change(
    before: Score, after: Score, *, span: float, s_diff: float | None = None
) -> Change:
    """Δ, share of range, percent change and (given S_diff) the RCI for one score."""
    if before is None or after is None:
        return Change(before, after, None, None, None)
    delta = after - before
    percent = None if before == 0 else 100 * delta / before
    rci = None if s_diff is None else delta / s_diff
    return Change(
        before=before,
        after=after,
        delta=delta,
        share_of_range=delta / span,
        percent_change=percent,
        rci=rci,
        reliable_change=None if rci is None else classify(rci),
    )


def classify(rci: float) -> ReliableChange:
    """Reliable only strictly beyond ±1.96; exactly 1.96 is not reliable change."""
    if rci > RCI_THRESHOLD:
        return ReliableChange.reliably_improved
    if rci < -RCI_THRESHOLD:
        return ReliableChange.reliably_worsened
    return ReliableChange.no_reliable_change


def standard_error_of_difference(reliability: float, reference_sd: float) -> float:
    """S_diff = √2 · SD · √(1 − α) (Jacobson & Truax 1991)."""
    return math.sqrt(2) * reference_sd * math.sqrt(1 - reliability)


def change(
    instrument: Instrument,
    before: Scores,
    after: Scores,
    *,
    reliability: float | None = None,
    reference_sd: float | None = None,
    after_instrument: Instrument | None = None,
) -> ChangeReport:
    """Change from `before` to `after`, per item, subscale and total.

    The RCI is computed for the total only, where the scoring method allows one, with the
    definition's α and SD unless the organisation passes its own. Scores from a different
    version (`after_instrument`) are accepted only where the versions are declared comparable.
    """
    later = after_instrument or instrument
    if (before.instrument_key, before.instrument_version) != (instrument.key, instrument.version):
        raise NotComparable(
            f"'before' was scored with {before.instrument_key}-{before.instrument_version}"
        )
    if (after.instrument_key, after.instrument_version) != (later.key, later.version):
        raise NotComparable(
            f"'after' was scored with {after.instrument_key}-{after.instrument_version}"
        )
    if not comparable(instrument, later):
        raise NotComparable(f"{instrument.ident} and {later.ident} are not declared comparable")

    alpha = reliability if reliability is not None else instrument.reliability
    sd = reference_sd if reference_sd is not None else instrument.reference_sd
    s_diff = standard_error_of_difference(alpha, sd) if alpha and sd else None

    items = {}
    for item in instrument.scored_items:
        if item.key in after.items:
            span = instrument.scale_of(item).span
            items[item.key] = score_change(
                before.items.get(item.key), after.items[item.key], span=span
            )
    subscales = {
        s.key: score_change(
            before.subscales.get(s.key),
            after.subscales.get(s.key),
            span=sum(instrument.scale_of(i).span for i in instrument.items_of(s.key)),
        )
        for s in instrument.subscales
    }
    total = None
    method = instrument.method
    if method.has_total:
        low, high = method.total_range(instrument)
        total = score_change(before.total, after.total, span=high - low,
                             s_diff=s_diff if method.reliable_change else None)
    return ChangeReport(items=items, subscales=subscales, total=total)
