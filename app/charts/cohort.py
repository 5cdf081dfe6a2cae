"""Cohort charts: intake vs exit means per area, and how change is distributed.

Built only from cells that survived small-cell suppression (a suppressed cell is None and is
simply not drawn), so a chart never shows what the table hides. Data in, figure out.
"""
from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from . import CHANGE_COLOURS, OCCASION_STYLE, new_figure


def means_figure(labels: Sequence[str], cells: Sequence, *, intake_name: str, exit_name: str,
                 axis_title: str) -> go.Figure:
    """Horizontal grouped bars per area (labels stay readable): mean at intake and at exit."""
    shown = [(label, cell) for label, cell in zip(labels, cells, strict=True) if cell is not None]
    figure = new_figure(barmode="group", xaxis={"title": {"text": axis_title}, "rangemode": "tozero"},
                        yaxis={"automargin": True, "autorange": "reversed"},
                        height=140 + 44 * max(len(shown), 1))
    for name, kind, values in (
        (intake_name, "intake", [cell.intake_mean for _, cell in shown]),
        (exit_name, "exit", [cell.exit_mean for _, cell in shown]),
    ):
        style = OCCASION_STYLE[kind]
        figure.add_bar(
            name=name, orientation="h", y=[label for label, _ in shown], x=values,
            marker={"color": style.colour, "line": {"color": "#1b1b1b", "width": 1},
                    "pattern": {"shape": "" if kind == "exit" else "/"}},
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
