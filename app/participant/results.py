"""The participant's own results: only their own numbers, never anyone else's.

Shown only where the instrument's definition allows individual results for the participant
(`individual_results = "participant_and_coach"`); KASAM's licence keeps it with the coach.
The wheel chart is a small SVG drawn on the server, so the page stays light and needs no
script.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from sqlmodel import Session

from ..instruments import Instrument
from ..instruments.methods import ChartKind
from ..instruments.scoring import level_name, score
from ..instruments.texts import anchor_ref, language_name, localized
from ..models import Assessment, Invitation
from ..services import assessments

CHART_SIZE = 240
_CENTRE = CHART_SIZE / 2
_RADIUS = CHART_SIZE / 2 - 12


@dataclass(frozen=True)
class Row:
    """One line of a result list: the area, now, and last time (None when not answered)."""

    label: str
    now: str | None
    before: str | None = None
    detail: str | None = None


@dataclass(frozen=True)
class Result:
    """One instrument's result for the participant."""

    key: str
    title: str
    kind: str  # "wheel", "levels", "total" or "with_coach"
    rows: tuple[Row, ...] = ()
    polygon_now: str = ""
    polygon_before: str = ""
    spokes: tuple[tuple[float, float], ...] = ()
    total: str | None = None
    total_range: tuple[int, int] | None = None


def radar_points(values: list[float | None], *, low: int, high: int) -> str:
    """SVG polygon points for values on spokes starting at 12 o'clock, clockwise.

    A skipped value sits at the centre so the polygon keeps its shape and count.
    """
    points = []
    for index, value in enumerate(values):
        share = 0.0 if value is None else (value - low) / (high - low)
        angle = 2 * math.pi * index / len(values) - math.pi / 2
        points.append(f"{_CENTRE + _RADIUS * share * math.cos(angle):.1f},"
                      f"{_CENTRE + _RADIUS * share * math.sin(angle):.1f}")
    return " ".join(points)


def spoke_ends(count: int) -> tuple[tuple[float, float], ...]:
    """End points of the chart's spokes, for its grid lines."""
    return tuple(
        (round(_CENTRE + _RADIUS * math.cos(2 * math.pi * i / count - math.pi / 2), 1),
         round(_CENTRE + _RADIUS * math.sin(2 * math.pi * i / count - math.pi / 2), 1))
        for i in range(count)
    )


def _scores(session: Session, assessment: Assessment | None, instrument: Instrument):
    if assessment is None:
        return None
    answers = assessments.answers_of(session, assessment)
    raw = {key: (a.text if a.text is not None else a.value) for key, a in answers.items()
           if not a.skipped}
    return score(instrument, {k: v for k, v in raw.items() if k in {i.key for i in instrument.items}})


def result_for(session: Session, assessment: Assessment, *, locale: str, translations=None) -> Result:
    """The participant's view of one completed assessment."""
    instrument = assessments.instrument_of(assessment)
    target = assessment.target_language
    values = {"language": language_name(target, locale)} if target else {}

    def text(ref: str) -> str:
        return localized(instrument, ref, locale, translations=translations, **values)

    title = text("title")
    if instrument.individual_results != "participant_and_coach":
        return Result(instrument.key, title, "with_coach")
    now = _scores(session, assessment, instrument)
    chart = instrument.method.chart
    if chart is ChartKind.WHEEL:
        earlier = assessments.earlier_assessment(session, assessment=assessment)
        before = _scores(session, earlier, instrument) if earlier else None
        answers = assessments.answers_of(session, assessment)
        items = [i for i in assessments.items_to_ask(instrument, answers)
                 if i in instrument.scored_items]
        rows = tuple(
            Row(text(i.key), _str(now.items.get(i.key)), _str(before.items.get(i.key)) if before else None)
            for i in items)
        if len(items) < 3:  # fewer than three spokes make no polygon; the list says it all
            return Result(instrument.key, title, "wheel", rows)
        scale = instrument.scale_of(items[0])

        def points(scores) -> str:
            return radar_points([scores.items.get(i.key) for i in items], low=scale.min, high=scale.max)

        return Result(instrument.key, title, "wheel", rows, points(now),
                      points(before) if before else "", spoke_ends(len(items)))
    if chart is ChartKind.LEVELS:
        rows = []
        for item in instrument.scored_items:
            value = now.items.get(item.key)
            detail = text(anchor_ref(instrument, item.key, value)) if value is not None else None
            rows.append(Row(text(item.key), level_name(instrument, value), detail=detail))
        return Result(instrument.key, title, "levels", tuple(rows),
                      total=level_name(instrument, now.total))
    return Result(instrument.key, title, "total", total=_str(now.total),
                  total_range=instrument.method.total_range(instrument))


def _str(value) -> str | None:
    if value is None:
        return None
    return str(round(value, 1)) if isinstance(value, float) else str(value)


@dataclass(frozen=True)
class ProgressRow:
    """One line of the own copy: the label in the reader's language and in easy Swedish, and
    the answer at each occasion ("–" where none)."""

    label: str
    label_sv: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Progression:
    """One instrument over the participant's occasions, for their own one-page copy."""

    key: str
    title: str
    title_sv: str
    occasions: tuple[str, ...]
    rows: tuple[ProgressRow, ...]


def _value_of(instrument: Instrument, scores, item_key: str | None) -> str:
    """An item's answer (a level name on the CEFR scale), or the total when `item_key` is None."""
    value = scores.total if item_key is None else scores.items.get(item_key)
    if instrument.method.chart is ChartKind.LEVELS:
        return level_name(instrument, value) or "–"
    return _str(value) or "–"


def progression_for(session: Session, invitation: Invitation, *, locale: str,
                    translations=None) -> list[Progression]:
    """The participant's own answers at every occasion, per instrument they may see
    themselves (KASAM's licence keeps it with the coach), in `locale` and easy Swedish."""
    by_key: dict[str, list[tuple[Assessment, str]]] = {}
    for assessment, kind in assessments.completed_of(
            session, participant_id=invitation.participant_id, invitation=invitation):
        by_key.setdefault(assessment.instrument_key, []).append((assessment, kind))
    out = []
    for done in by_key.values():
        instrument = assessments.instrument_of(done[-1][0])
        if instrument.shows_individual_results_to("participant"):
            out.append(_progression(session, instrument, done, locale, translations))
    return out


def _progression(session: Session, instrument: Instrument, done: list[tuple[Assessment, str]],
                 locale: str, translations) -> Progression:
    scored = [(kind, _scores(session, a, assessments.instrument_of(a))) for a, kind in done]
    target = done[-1][0].target_language

    def text(ref: str, language: str) -> str:
        values = {"language": language_name(target, language)} if target else {}
        return localized(instrument, ref, language, translations=translations, **values)

    refs = [(item.key, text(item.key, locale), text(item.key, "sv"))
            for item in instrument.scored_items]
    if instrument.method.chart not in (ChartKind.WHEEL, ChartKind.LEVELS):
        refs = [(None, text("title", locale), text("title", "sv"))]
    rows = tuple(ProgressRow(label, label_sv, tuple(_value_of(instrument, s, ref) for _, s in scored))
                 for ref, label, label_sv in refs)
    return Progression(instrument.key, text("title", locale), text("title", "sv"),
                       tuple(kind for kind, _ in scored), rows)


def results_for(session: Session, invitation: Invitation, *, locale: str, translations=None) -> list[Result]:
    """Results of the invitation's completed assessments, in the order they were filled in."""
    out = []
    for assessment in filter(None, (
            assessments.assessment_for(session, invitation=invitation, instrument_key=key)
            for key in invitation.instrument_keys)):
        if assessment.completed_at is not None:
            out.append(result_for(session, assessment, locale=locale, translations=translations))
    return out
