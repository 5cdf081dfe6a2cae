"""Shared plotly conventions: a slim template, one colour and dash per occasion, and figure JSON
for the page's data island. Builders in this package take plain data and return figures.

The default plotly template adds ~6 KB of JSON per figure; ours carries only what we use.
Occasion colours come from the Okabe–Ito palette, which people with colour-vision deficiency can
tell apart, and each occasion also has its own dash so colour never carries meaning alone.
"""
from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go
import plotly.io as pio


@dataclass(frozen=True)
class OccasionStyle:
    """How one occasion looks on every chart and page."""

    colour: str
    dash: str
    symbol: str


OCCASION_STYLE: dict[str, OccasionStyle] = {
    "intake": OccasionStyle("#7f7f7f", "dot", "circle"),
    "midway": OccasionStyle("#e69f00", "dash", "square"),
    "exit": OccasionStyle("#0072b2", "solid", "diamond"),
    "follow_up": OccasionStyle("#009e73", "dashdot", "triangle-up"),
}
CHANGE_COLOURS = {"up": "#0072b2", "down": "#d55e00", "none": "#7f7f7f"}

SLIM_TEMPLATE = go.layout.Template(
    layout={
        "font": {"family": "system-ui, sans-serif", "size": 14, "color": "#1b1b1b"},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "margin": {"l": 48, "r": 24, "t": 32, "b": 48},
        "legend": {"orientation": "h", "y": -0.15},
        "colorway": [style.colour for style in OCCASION_STYLE.values()],
        "hoverlabel": {"font": {"size": 14}},
    }
)


def new_figure(**layout) -> go.Figure:
    """An empty figure on the slim template (never plotly's heavy default)."""
    return go.Figure(layout={"template": SLIM_TEMPLATE, **layout})


def figure_json(figure: go.Figure) -> str:
    """The figure as JSON for a `<script type="application/json">` data island."""
    return pio.to_json(figure, validate=False, engine="json")

