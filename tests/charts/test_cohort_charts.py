"""Cohort charts put means on the score's full range, whatever the data's spread."""
import pytest

from app import instruments
from app.charts.cohort import means_figure
from app.statistics.paired import summarise_pairs
from app.statistics.refs import MEAN_OF_ITEMS, TOTAL, score_range


@pytest.mark.parametrize(("key", "ref", "expected"), [
    ("work_wheel", "health", (1, 10)),
    ("work_wheel", MEAN_OF_ITEMS, (1, 10)),
    ("kasam13", TOTAL, (13, 91)),
    ("kasam13", "comprehensibility", (5, 35)),
    ("kasam13", "meaningfulness", (4, 28)),
])
def test_score_ranges_from_the_definitions(key, ref, expected):
    assert score_range(instruments.latest(key), ref) == expected


def test_the_mean_axis_spans_the_scale_not_the_data():
    cell = summarise_pairs([5.0, 5, 6], [6.0, 6, 6])
    figure = means_figure(["Hälsa", "Nätverk"], [cell, None], names=("Exit", "Follow-up"),
                          kinds=("exit", "follow_up"), axis_title="Mean", axis_range=(1, 10))
    assert list(figure.layout.xaxis.range) == [1, 10]
    assert [bar.name for bar in figure.data] == ["Exit", "Follow-up"]
    assert list(figure.data[1].x) == [6]  # the hidden cell is not drawn
