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


def results_for(session: Session, invitation: Invitation, *, locale: str, translations=None) -> list[Result]:
    """Results of the invitation's completed assessments, in the order they were filled in."""
    out = []
    for assessment in filter(None, (
            assessments.assessment_for(session, invitation=invitation, instrument_key=key)
            for key in invitation.instrument_keys)):
        if assessment.completed_at is not None:
            out.append(result_for(session, assessment, locale=locale, translations=translations))
    return out
