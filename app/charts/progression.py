"""Figures for a participant's progression: data in, plotly figure out (no database, no Flask).

Every text arrives already translated, so the same builders serve the coach's language on
the participant page and the participant's language on the printed report. Every occasion
keeps its colour, dash and marker from `OCCASION_STYLE`, so a reader who cannot tell the
colours apart still can tell the occasions apart.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import plotly.graph_objects as go

from . import CHANGE_COLOURS, OCCASION_STYLE, new_figure

# Bars carry a fill pattern per occasion as well as a colour (colour never alone).
OCCASION_PATTERN = {"intake": "", "midway": "/", "exit": ".", "follow_up": "x"}


@dataclass(frozen=True)
class Series:
    """One occasion's values, keyed like the areas/skills/parts they belong to (None = skipped)."""

    occasion: str  # intake | midway | exit | follow_up
    label: str  # e.g. "Intake (2026-01-12)", in the reader's language
    values: Mapping[str, float | None]


Labelled = Sequence[tuple[str, str]]  # (key, label) in display order


def wheel_radar(areas: Labelled, series: Sequence[Series], *, low: int, high: int,
                height: int = 340, width: int | None = None, font_size: int = 14,
                wrap: int | None = None) -> go.Figure:
    """A radar with one closed polygon per occasion; a skipped area leaves a gap.

    `height` is the wheel's own height: polar charts get no automatic margins, so the figure
    adds room above and below for area names as many lines high as the longest (`wrap` breaks
    names onto lines of about that many characters), and below that a legend with a row per
    occasion on a chart of fixed `width` (the printed one), two a row on a screen-wide one.
    The legend never sits on the names and no name is cut off, in any language.
    """
    theta = [wrap_words(label, wrap) if wrap else label for _key, label in areas]
    lines = max((label.count("<br>") + 1 for label in theta), default=1)
    label_room = round(font_size * (1.3 * lines + 1.2))
    legend_rows = len(series) if width else -(-len(series) // 2)
    legend_room = round(legend_rows * font_size * 1.6) + 8
    figure = new_figure(
        height=height + 2 * label_room + legend_room, width=width, showlegend=True,
        font={"size": font_size},
        polar={"radialaxis": {"range": [0, high], "tickvals": list(range(low, high + 1, 3)),
                              "angle": 90, "tickfont": {"size": font_size - 3}},
               "angularaxis": {"direction": "clockwise", "rotation": 90}},
        margin={"l": 8 * font_size, "r": 8 * font_size, "t": label_room,
                "b": label_room + legend_room},
        legend={"orientation": "v" if width else "h", "x": 0, "xanchor": "left",
                "yanchor": "top", "y": -label_room / height},
    )
    for one in series:
        style = OCCASION_STYLE[one.occasion]
        r = [one.values.get(key) for key, _label in areas]
        figure.add_trace(go.Scatterpolar(
            r=r + r[:1], theta=theta + theta[:1], name=one.label, mode="lines+markers",
            connectgaps=False,
            line={"color": style.colour, "dash": style.dash, "width": 2.5},
            marker={"symbol": style.symbol, "size": 8, "color": style.colour},
            hovertemplate="%{theta}: %{r}<extra>" + one.label + "</extra>",
        ))
    return figure


def change_bars(areas: Labelled, before: Series, after: Series, *, axis_title: str,
                height: int = 360) -> go.Figure:
    """Horizontal bars of after − before per area; areas skipped at either occasion get none."""
    deltas = [_delta(before.values.get(key), after.values.get(key)) for key, _label in areas]
    colours = [CHANGE_COLOURS["none" if d in (None, 0) else ("up" if d > 0 else "down")]
               for d in deltas]
    figure = new_figure(
        height=height, showlegend=False,
        xaxis={"title": {"text": axis_title}, "zeroline": True, "zerolinewidth": 2,
               "zerolinecolor": "#1b1b1b", "dtick": 1},
        yaxis={"autorange": "reversed", "automargin": True},
        margin={"l": 24, "r": 24, "t": 16, "b": 56},
    )
    figure.add_trace(go.Bar(
        x=deltas, y=[label for _key, label in areas], orientation="h",
        marker={"color": colours},
        text=[_signed(d) for d in deltas], textposition="outside", cliponaxis=False,
        hovertemplate="%{y}: %{text}<extra></extra>",
    ))
    return figure


def cefr_levels(skills: Labelled, series: Sequence[Series], *, level_names: Sequence[str],
                height: int = 340) -> go.Figure:
    """A dumbbell per skill on the ordinal axis pre-A1 … C2: one marker per occasion, joined
    by a line from the lowest to the highest level reached."""
    labels = [label for _key, label in skills]
    figure = new_figure(
        height=height, showlegend=True,
        xaxis={"tickvals": list(range(len(level_names))), "ticktext": list(level_names),
               "range": [-0.5, len(level_names) - 0.5], "showgrid": True, "gridcolor": "#e5e5e5"},
        yaxis={"autorange": "reversed", "automargin": True},
        margin={"l": 24, "r": 24, "t": 16, "b": 48},
    )
    if len(series) > 1:
        xs: list[float | None] = []
        ys: list[str | None] = []
        for key, label in skills:
            levels = [s.values.get(key) for s in series if s.values.get(key) is not None]
            if len(levels) > 1:
                xs += [min(levels), max(levels), None]
                ys += [label, label, None]
        figure.add_trace(go.Scatter(x=xs, y=ys, mode="lines", showlegend=False, hoverinfo="skip",
                                    line={"color": "#b0b0b0", "width": 6}))
    for one in series:
        style = OCCASION_STYLE[one.occasion]
        values = [one.values.get(key) for key, _label in skills]
        figure.add_trace(go.Scatter(
            x=values, y=labels, mode="markers", name=one.label,
            marker={"symbol": style.symbol, "size": 14, "color": style.colour,
                    "line": {"color": "#ffffff", "width": 1}},
            text=[None if v is None else level_names[int(v)] for v in values],
            hovertemplate="%{y}: %{text}<extra>" + one.label + "</extra>",
        ))
    return figure


def score_bars(parts: Labelled, series: Sequence[Series], *, axis_title: str,
               height: int = 360) -> go.Figure:
    """Grouped bars: one group per part (KASAM total and subscales), one bar per occasion."""
    figure = new_figure(
        height=height, showlegend=True, barmode="group",
        yaxis={"title": {"text": axis_title}, "rangemode": "tozero"},
        margin={"l": 56, "r": 24, "t": 16, "b": 48},
    )
    for one in series:
        style = OCCASION_STYLE[one.occasion]
        values = [one.values.get(key) for key, _label in parts]
        figure.add_trace(go.Bar(
            x=[label for _key, label in parts], y=values, name=one.label,
            marker={"color": style.colour,
                    "pattern": {"shape": OCCASION_PATTERN[one.occasion], "fgcolor": "#ffffff",
                                "fillmode": "overlay"},
                    "line": {"color": "#1b1b1b", "width": 1}},
            text=[_number(v) for v in values], textposition="outside", cliponaxis=False,
            hovertemplate="%{x}: %{text}<extra>" + one.label + "</extra>",
        ))
    return figure


def wrap_words(text: str, width: int) -> str:
    """`text` broken with plotly's `<br>` before words that would pass `width` characters."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def _delta(before: float | None, after: float | None) -> float | None:
    return None if before is None or after is None else after - before


def _signed(value: float | None) -> str:
    return "" if value is None else f"{round(value, 1):+g}"


def _number(value: float | None) -> str:
    return "" if value is None else f"{round(value, 1):g}"
