"""Every progression chart builder returns a valid plotly figure for 1–4 occasions and skips."""
import json

import plotly.graph_objects as go
import pytest

from app.charts import OCCASION_STYLE, figure_json
from app.charts import progression as charts
from app.models import OCCASION_ORDER

AREAS = [("health", "Health"), ("network", "Network"), ("language", "Language")]
LEVELS = ["pre-A1", "A1", "A2", "B1", "B2", "C1", "C2"]


def _series(count, *, skipped=False):
    return [charts.Series(kind, kind.title(), {"health": 3 + i, "network": None if skipped else 5,
                                                "language": 2 + i})
            for i, kind in enumerate(OCCASION_ORDER[:count])]


def _valid(figure) -> dict:
    """Round-trip through JSON and let plotly validate every property."""
    data = json.loads(figure_json(figure))
    go.Figure(data)
    return data


BUILDERS = {
    "wheel_radar": lambda s: charts.wheel_radar(AREAS, s, low=1, high=10),
    "change_bars": lambda s: charts.change_bars(AREAS, s[0], s[-1], axis_title="Change"),
    "cefr_levels": lambda s: charts.cefr_levels(AREAS, s, level_names=LEVELS),
    "score_bars": lambda s: charts.score_bars(AREAS, s, axis_title="Score"),
}


@pytest.mark.parametrize("count", [1, 2, 3, 4])
@pytest.mark.parametrize("skipped", [False, True])
@pytest.mark.parametrize("builder", sorted(BUILDERS))
def test_builder_makes_a_valid_figure(builder, count, skipped):
    data = _valid(BUILDERS[builder](_series(count, skipped=skipped)))
    assert data["data"], "a figure without traces draws nothing"
    assert "template" in data["layout"] and len(json.dumps(data["layout"]["template"])) < 1000


@pytest.mark.parametrize("count", [1, 2, 3, 4])
def test_wheel_is_a_radar_with_one_closed_polygon_per_occasion(count):
    data = _valid(charts.wheel_radar(AREAS, _series(count), low=1, high=10))
    assert [trace["type"] for trace in data["data"]] == ["scatterpolar"] * count
    for trace, kind in zip(data["data"], OCCASION_ORDER[:count], strict=True):
        assert trace["r"][0] == trace["r"][-1] and len(trace["r"]) == len(AREAS) + 1
        assert trace["line"]["color"] == OCCASION_STYLE[kind].colour
        assert trace["line"]["dash"] == OCCASION_STYLE[kind].dash


def test_skipped_area_is_a_gap_not_a_zero():
    data = _valid(charts.wheel_radar(AREAS, _series(1, skipped=True), low=1, high=10))
    assert data["data"][0]["r"][1] is None


def test_change_bars_show_after_minus_before_and_nothing_for_skips():
    before, after = _series(2, skipped=True)
    data = _valid(charts.change_bars(AREAS, before, after, axis_title="Change"))
    assert data["data"][0]["x"] == [1, None, 1]


def test_cefr_axis_is_ordinal_pre_a1_to_c2():
    data = _valid(charts.cefr_levels(AREAS, _series(2), level_names=LEVELS))
    assert data["layout"]["xaxis"]["ticktext"] == LEVELS
    assert data["layout"]["xaxis"]["tickvals"] == list(range(7))
    markers = [t for t in data["data"] if t.get("mode") == "markers"]
    assert [t["marker"]["symbol"] for t in markers] == ["circle", "square"]


def test_long_area_names_wrap_on_small_charts():
    assert charts.wrap_words("Alcohol, tobacco and other drugs", 14) == "Alcohol,<br>tobacco and<br>other drugs"
    data = _valid(charts.wheel_radar([("a", "Alcohol, tobacco and other drugs")], _series(1),
                                     low=1, high=10, wrap=14))
    assert data["data"][0]["theta"][0] == "Alcohol,<br>tobacco and<br>other drugs"


def test_versions_that_are_not_comparable_are_left_out_and_said(app):
    from datetime import date

    from app import instruments
    from app.coach.panels import panels
    from app.instruments.scoring import score
    from app.services.occasions import OccasionResult

    first = instruments.latest("work_wheel")
    second = first.model_copy(update={"version": first.version + 1, "comparable_versions": []})
    answers = {item.key: 5 for item in first.scored_items}

    def result(kind, instrument):
        return OccasionResult(kind, date(2026, 1, 1), None, instrument, answers,
                              score(instrument, answers), False)

    with app.test_request_context(headers={"Accept-Language": "en"}):
        panel, = panels({"work_wheel": [result("intake", first), result("exit", second)]},
                        keys=["work_wheel"])
    assert any("cannot be compared" in note for note in panel.notes)
    assert any("Only one assessment so far" in note for note in panel.notes)


@pytest.mark.parametrize(("size", "count"), [
    ({"height": 160, "width": 330, "font_size": 9, "wrap": 16}, 2),  # the printed report
    ({"height": 340, "wrap": 18}, 4),  # the participant page
])
def test_radar_names_and_legend_get_room_of_their_own(size, count):
    """Polar charts get no automatic margins: the figure must leave room above and below the
    wheel for names as many lines high as the longest, and put the legend below them (it used
    to sit on the bottom names, and a three-line top name was cut off in print)."""
    areas = [("competence", "Kompetens för jobbet du vill ha"), ("health", "Hälsa"),
             ("network", "Kontakter i arbetslivet"), ("mobility", "Att ta dig fram")]
    layout = _valid(charts.wheel_radar(areas, _series(count), low=1, high=10, **size))["layout"]
    font = size.get("font_size", 14)
    lines = max(charts.wrap_words(label, size["wrap"]).count("<br>") + 1 for _, label in areas)
    names = lines * font * 1.2  # the height of the tallest name
    margin, wheel = layout["margin"], size["height"]
    assert lines == 3 if font == 9 else lines == 2
    assert margin["t"] >= names + font and layout["height"] == wheel + margin["t"] + margin["b"]
    legend_top = -layout["legend"]["y"] * wheel  # pixels below the wheel
    assert layout["legend"]["yanchor"] == "top" and legend_top >= names + font
    rows = count if "width" in size else -(-count // 2)
    assert margin["b"] - legend_top >= rows * font * 1.5  # every legend row fits in the margin
