"""What the participant page and the report show per instrument: charts, a table with the
same numbers, and notes in words. Built from `services.occasions.results_of`.

The kind of panel follows the chart its scoring method names, not the instrument's key, so
a new instrument file gets a panel without code: per-item scales draw a wheel, ordinal
levels a dumbbell, totals and subscales grouped bars with the reliable change in words.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import ngettext

from .. import instruments
from ..charts import figure_json
from ..charts import progression as charts
from ..i18n import localized_now
from ..instruments import Instrument
from ..instruments.change import ReliableChange, change
from ..instruments.methods import ChartKind
from ..services.occasions import OccasionResult
from ..vocabulary import OCCASION_LABELS, total_label

MISSING = "–"
LRI, PDI = "\u2066", "\u2069"  # Unicode bidi isolate: left-to-right inside any direction
WORD_JOINER = "\u2060"  # no line break here (browsers break after a hyphen before digits)


@dataclass(frozen=True)
class Chart:
    id: str
    figure: str  # JSON for the data island
    caption: str


@dataclass(frozen=True)
class Table:
    caption: str
    headers: list[str]
    rows: list[tuple[str, list[str]]]


@dataclass(frozen=True)
class OwnWords:
    """What the participant wrote for an area they named themselves (the work wheel's
    "something else"), with the rating they gave it at each occasion they wrote it."""

    area: str
    words: str
    ratings: list[tuple[str, str]]  # (occasion, rating), in occasion order


@dataclass
class Panel:
    """One instrument's section of the participant page (or report)."""

    key: str
    title: str
    charts: list[Chart] = field(default_factory=list)
    table: Table | None = None
    notes: list[str] = field(default_factory=list)
    hidden_reason: str | None = None
    own_words: list[OwnWords] = field(default_factory=list)


def panels(results: dict[str, list[OccasionResult]], *, keys: Sequence[str], audience: str = "coach",
           compact: bool = False, id_prefix: str = "chart") -> list[Panel]:
    """A panel per instrument key in `keys` (latest version names it), in the reader's language."""
    built = []
    for key in keys:
        instrument = instruments.latest(key)
        panel = Panel(key, localized_now(instrument, "title"))
        series = results.get(key, [])
        if not instrument.shows_individual_results_to(audience):
            panel.hidden_reason = (
                _("This questionnaire is used only for group statistics, so nobody sees individual results.")
                if audience == "coach" else
                # Translators: (participant) on the printed summary, after a questionnaire's name
                _("These results are for the coach's work and are not printed."))
        elif not series:
            panel.notes.append(_("No completed assessment yet."))
        else:
            _fill(panel, series, compact=compact, chart_id=f"{id_prefix}-{key}")
        built.append(panel)
    return built


def _fill(panel: Panel, series: list[OccasionResult], *, compact: bool, chart_id: str) -> None:
    instrument = series[-1].instrument
    comparable = [r for r in series if instruments.comparable(r.instrument, instrument)]
    if len(comparable) < len(series):
        # Translators: (participant) also on the participant's printed summary
        panel.notes.append(_("Earlier answers were given to a version of this questionnaire that "
                             "cannot be compared with the latest one, so they are not shown."))
        series = comparable
    if len(series) == 1:
        # Translators: (participant) also on the participant's printed summary
        panel.notes.append(_("Only one assessment so far (%(occasion)s): no exit assessment yet. "
                             "The change shows here after the next assessment.",
                             occasion=OCCASION_LABELS[series[0].kind]))
    if any(r.not_saved for r in series):
        # Translators: (participant) also on the participant's printed summary
        panel.notes.append(_("Answers marked “not saved” are shown only while the invitation is "
                             "open. They are deleted when it closes."))
    draw = {ChartKind.WHEEL: _wheel, ChartKind.LEVELS: _levels,
            ChartKind.TOTALS: _subscales}[instrument.method.chart]
    draw(panel, instrument, series, compact=compact, chart_id=chart_id)
    panel.own_words = own_words(instrument, series, compact=compact)


def own_words(instrument: Instrument, series: list[OccasionResult], *,
              compact: bool = False) -> list[OwnWords]:
    """Per occasion, the words of each free-text item that names an area, beside that area's
    rating: a coach reads "7" for "something else" only knowing what it was about."""
    found: list[OwnWords] = []
    for namer in (item for item in instrument.items if item.names_item):
        area = short_label(localized_now(instrument, namer.names_item))
        for result in series:
            words = result.answers.get(namer.key)
            if not isinstance(words, str) or not words.strip():
                continue
            rating = (occasion_label(result, with_date=not compact),
                      _format(result.scores.items.get(namer.names_item)))
            if found and (found[-1].area, found[-1].words) == (area, words.strip()):
                found[-1].ratings.append(rating)  # the same words again: one line, two ratings
            else:
                found.append(OwnWords(area, words.strip(), [rating]))
    return found


def occasion_label(result: OccasionResult, *, with_date: bool = True) -> str:
    """'Exit (2026-03-12)', marked when the answers are not saved. ISO dates, as Swedish
    offices write them, read the same in every language and direction: the date is a
    left-to-right isolate, or Arabic text around it would turn it into 12-03-2026 (the label
    also goes into chart SVG, where no <bdi> can be used), and a table heading never breaks
    it after a hyphen."""
    when = result.completed_at.date() if result.completed_at else result.planned_date
    label = str(OCCASION_LABELS[result.kind])
    if with_date:
        label = _("%(occasion)s (%(date)s)", occasion=label,
                  date=_unbroken(when) if when else MISSING)
    # Translators: (participant) an occasion whose answers are not kept, e.g. "Exit, not saved"
    return _("%(label)s, not saved", label=label) if result.not_saved else label


def _unbroken(day) -> str:
    return LRI + day.isoformat().replace("-", "-" + WORD_JOINER) + PDI


def short_label(text: str) -> str:
    """An area's name for a chart axis: the words before the first colon."""
    return text.split(":")[0].strip()


def _series(rows: list[OccasionResult], values) -> list[charts.Series]:
    return [charts.Series(r.kind, occasion_label(r), values(r)) for r in rows]


def _format(value) -> str:
    """Scores to one decimal at most (KASAM subscales can be fractional after substitution)."""
    if value is None:
        return MISSING
    return f"{round(value, 1):g}" if isinstance(value, (int, float)) else str(value)


def _signed(before, after) -> str:
    if before is None or after is None:
        return MISSING
    return f"{round(after - before, 1):+g}"


def _table(caption: str, rows_spec, series: list[OccasionResult], values, name=_format, *,
           compact: bool = False) -> Table:
    """Rows × occasions, plus first → latest change when there are two or more occasions.

    The printed report names occasions without dates (its header has them) to save width.
    """
    # Translators: (participant) column heading: the areas of a wheel, or language skills
    headers = [_("Area")] + [occasion_label(r, with_date=not compact) for r in series]
    if len(series) > 1:
        # Translators: (participant) column heading: the difference from first to last time
        headers.append(_("Change"))
    rows = []
    for key, label in rows_spec:
        cells = [name(values(r).get(key)) for r in series]
        if len(series) > 1:
            cells.append(_signed(values(series[0]).get(key), values(series[-1]).get(key)))
        rows.append((label, cells))
    return Table(caption, headers, rows)


def _wheel(panel, instrument: Instrument, series, *, compact, chart_id) -> None:
    # An optional area nobody named at any occasion (the work wheel's "something else") is left out.
    areas = [(item.key, short_label(localized_now(instrument, item.key)))
             for item in instrument.scored_items
             if not item.skippable or any(r.scores.items.get(item.key) is not None for r in series)]
    scale = instrument.scale_of(instrument.scored_items[0])
    data = _series(series, lambda r: dict(r.scores.items))
    # The printed page gets a fixed size, so screen and paper draw it alike.
    size = ({"height": 160, "width": 330, "font_size": 9, "wrap": 16} if compact
            else {"height": 340, "wrap": 18})
    radar = charts.wheel_radar(areas, data, low=scale.min, high=scale.max, **size)
    panel.charts.append(Chart(f"{chart_id}-radar", figure_json(radar),
                              # Translators: (participant) caption of the wheel chart
                              _("%(title)s: one line per occasion, 1 = not at all satisfied, "
                                "10 = completely satisfied.", title=panel.title)))
    if len(series) > 1 and not compact:
        bars = charts.change_bars(areas, data[0], data[-1], axis_title=_("Change in points"))
        panel.charts.append(Chart(f"{chart_id}-change", figure_json(bars),
                                  _("Change per area from %(first)s to %(last)s.",
                                    first=data[0].label, last=data[-1].label)))
    panel.table = _table(_("%(title)s: answers per area (– = skipped)", title=panel.title),
                         areas, series, lambda r: r.scores.items, compact=compact)


def _levels(panel, instrument: Instrument, series, *, compact, chart_id) -> None:
    scale = instrument.scale_of(instrument.scored_items[0])
    names = [level_display(scale.value_names.get(v, str(v))) for v in range(scale.min, scale.max + 1)]
    skills = [(item.key, short_label(localized_now(instrument, item.key)))
              for item in instrument.scored_items]
    data = _series(series, lambda r: dict(r.scores.items))
    if not compact:
        panel.charts.append(Chart(
            f"{chart_id}-levels",
            figure_json(charts.cefr_levels(skills, data, level_names=names)),
            _("Level per skill at each occasion, from pre-A1 (left) to C2 (right).")))
    overall = [("total", total_label(instrument))]
    panel.table = _table(_("Level per skill (– = skipped)"), skills + overall, series,
                         lambda r: {**r.scores.items, "total": r.scores.total},
                         name=lambda v: MISSING if v is None else names[int(v) - scale.min],
                         compact=compact)
    # The change column counts steps on the level scale. The signed number is isolated, so
    # it reads "+1" beside Arabic words too (the cell takes its direction from the words).
    for _label, cells in panel.table.rows:
        if len(series) > 1 and cells[-1] != MISSING:
            # Translators: (participant) change of language level, e.g. "+2 steps"
            cells[-1] = ngettext("%(steps)s step", "%(steps)s steps", abs(int(cells[-1])),
                                 steps=f"{LRI}{cells[-1]}{PDI}")


def level_display(name: str) -> str:
    """'preA1' as people write it: 'pre-A1'."""
    return name.replace("pre", "pre-") if name.startswith("pre") else name


def _subscales(panel, instrument: Instrument, series, *, compact, chart_id) -> None:
    parts = [("total", total_label(instrument))] + [
        (s.key, localized_now(instrument, f"subscale.{s.key}")) for s in instrument.subscales]
    def values(result):
        return {**result.scores.subscales, "total": result.scores.total}

    data = _series(series, values)
    if not compact:
        panel.charts.append(Chart(f"{chart_id}-scores",
                                  figure_json(charts.score_bars(parts, data, axis_title=_("Score"))),
                                  _("Total and subscales at each occasion.")))
    panel.table = _table(_("%(title)s: total and subscales (– = too many skipped)", title=panel.title),
                         parts, series, values, compact=compact)
    if len(series) > 1:
        first, last = series[0], series[-1]
        report = change(first.instrument, first.scores, last.scores, after_instrument=last.instrument)
        if report.total and report.total.reliable_change:
            panel.notes.insert(0, reliable_change_words(report.total.reliable_change,
                                                        occasion_label(first), occasion_label(last)))


def reliable_change_words(outcome: ReliableChange, first: str, last: str) -> str:
    """The reliable-change classification of the total, said in a sentence."""
    sentence = {
        ReliableChange.reliably_improved: _(
            "From %(first)s to %(last)s the total improved by more than measurement error "
            "explains (reliable improvement)."),
        ReliableChange.no_reliable_change: _(
            "From %(first)s to %(last)s the total did not change by more than measurement error "
            "explains (no reliable change)."),
        ReliableChange.reliably_worsened: _(
            "From %(first)s to %(last)s the total got worse by more than measurement error "
            "explains (reliable worsening)."),
    }[outcome]
    return sentence % {"first": first, "last": last}
