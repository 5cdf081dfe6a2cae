"""Cohort charts: means at the two occasions compared per area, and how change is distributed.

Built only from cells that survived small-cell suppression (a suppressed cell is None and is
simply not drawn), so a chart never shows what the table hides. Data in, figure out. Mean
axes span the score's whole possible range (1 to 10 for a wheel area): an axis cut to the
data makes a change of half a point look like a leap.
"""
from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from . import CHANGE_COLOURS, OCCASION_STYLE, new_figure


def means_figure(labels: Sequence[str], cells: Sequence, *, names: tuple[str, str],
                 kinds: tuple[str, str] = ("intake", "exit"), axis_title: str,
                 axis_range: tuple[float, float]) -> go.Figure:
    """Horizontal grouped bars per area (labels stay readable): the mean at the earlier and
    at the later occasion, on the score's full range `axis_range`."""
    shown = [(label, cell) for label, cell in zip(labels, cells, strict=True) if cell is not None]
    figure = new_figure(barmode="group",
                        xaxis={"title": {"text": axis_title}, "range": list(axis_range)},
                        yaxis={"automargin": True, "autorange": "reversed"},
                        height=140 + 44 * max(len(shown), 1))
    for name, kind, values in (
        (names[0], kinds[0], [cell.before_mean for _, cell in shown]),
        (names[1], kinds[1], [cell.after_mean for _, cell in shown]),
    ):
        style = OCCASION_STYLE[kind]
        figure.add_bar(
            name=name, orientation="h", y=[label for label, _ in shown], x=values,
            marker={"color": style.colour, "line": {"color": "#1b1b1b", "width": 1},
                    "pattern": {"shape": "" if kind == kinds[1] else "/"}},
            hovertemplate="%{y}<br>" + name + ": %{x:.2f}<extra></extra>",
        )
    return figure


def change_figure(labels: Sequence[str], cells: Sequence, *, names: dict[str, str]) -> go.Figure:
    """Stacked horizontal bars per area: % improved, unchanged, worsened (each 0–100)."""
    shown = [(label, cell) for label, cell in zip(labels, cells, strict=True) if cell is not None]
    figure = new_figure(barmode="stack", xaxis={"range": [0, 100], "ticksuffix": " %"},
                        yaxis={"automargin": True, "autorange": "reversed"},
                        height=120 + 36 * max(len(shown), 1))
    for key, attribute, colour, pattern in (
        ("improved", "improved", CHANGE_COLOURS["up"], ""),
        ("same", "same", CHANGE_COLOURS["none"], "."),
        ("worsened", "worsened", CHANGE_COLOURS["down"], "x"),
    ):
        figure.add_bar(
            name=names[key], orientation="h",
            y=[label for label, _ in shown],
            x=[100 * (getattr(cell, attribute).proportion or 0) for _, cell in shown],
            marker={"color": colour, "pattern": {"shape": pattern}},
            hovertemplate="%{y}<br>" + names[key] + ": %{x:.0f} %<extra></extra>",
        )
    return figure
