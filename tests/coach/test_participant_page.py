"""The participant page and the report: four instruments charted with tables, honest about
what is missing, what is not saved, and what a coach may not see."""
import json
import re

import pytest

from app import instruments
from app.charts import OCCASION_STYLE

from .. import factories
from .filled import fill_in


@pytest.fixture
def coach_and_participant(session, login_as):
    unit = factories.make_unit(session)
    coach = login_as("coach", units=[unit])
    coach.preferred_language = "en"  # assertions read the English msgids
    session.add(coach)
    session.commit()
    return coach, factories.make_participant(session, unit=unit, preferred_language="ar")


def _islands(html):
    return {m.group(1): json.loads(m.group(2)) for m in re.finditer(
        r'<script type="application/json" class="chart-data" data-target="([^"]+)">(.*?)</script>',
        html, re.DOTALL)}


def _page(client, participant):
    response = client.get(f"/coach/participants/{participant.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_one_occasion_draws_each_instrument_and_says_no_exit_yet(client, session, coach_and_participant):
    _coach, participant = coach_and_participant
    fill_in(session, participant, "intake")
    html = _page(client, participant)
    islands = _islands(html)
    assert set(islands) == {"chart-work_wheel-radar", "chart-health_wheel-radar",
                            "chart-cefr-levels", "chart-kasam13-scores"}
    assert islands["chart-work_wheel-radar"]["data"][0]["type"] == "scatterpolar"
    assert html.count("no exit assessment yet") == 4
    assert html.count('<table class="result-table">') == 4


def test_two_occasions_add_change_bars_and_reliable_change_in_words(client, session, coach_and_participant):
    _coach, participant = coach_and_participant
    fill_in(session, participant, "intake", seed=1)
    fill_in(session, participant, "exit", seed=2)
    html = _page(client, participant)
    islands = _islands(html)
    assert "chart-work_wheel-change" in islands and "chart-health_wheel-change" in islands
    assert [t["type"] for t in islands["chart-work_wheel-radar"]["data"]] == ["scatterpolar"] * 2
    assert "no exit assessment yet" not in html
    assert re.search(r"\((reliable improvement|no reliable change|reliable worsening)\)", html)
    assert "Change" in html


def test_skipped_answers_show_as_a_dash(client, session, coach_and_participant):
    _coach, participant = coach_and_participant
    health = {item.key: None for item in instruments.latest("health_wheel").items}
    health["sleep"] = 7
    fill_in(session, participant, "intake", {"health_wheel": health}, keys=("health_wheel",))
    html = _page(client, participant)
    radar = _islands(html)["chart-health_wheel-radar"]["data"][0]
    assert [r for r in radar["r"] if r is not None] == [7, 7]  # sleep, and again to close the line
    assert "–" in html


def test_discussion_only_answers_show_while_open_marked_not_saved(client, session, coach_and_participant):
    _coach, participant = coach_and_participant
    invitation = fill_in(session, participant, "intake", keys=("health_wheel",), consent="discussion_only")
    html = _page(client, participant)
    assert "not saved" in html and "chart-health_wheel-radar" in _islands(html)
    client.post(f"/coach/invitations/{invitation.id}/close")
    html = _page(client, participant)
    assert "chart-health_wheel-radar" not in _islands(html)
    assert "No completed assessment yet." in html


def test_statistics_only_instrument_shows_no_individual_result(client, session, coach_and_participant,
                                                                monkeypatch):
    _coach, participant = coach_and_participant
    fill_in(session, participant, "intake", keys=("cefr",))
    hidden = instruments.latest("cefr").model_copy(update={"individual_results": "statistics_only"})
    monkeypatch.setattr(instruments, "get", lambda key, version: hidden)
    monkeypatch.setattr(instruments, "latest", lambda key: hidden)
    html = _page(client, participant)
    assert not _islands(html)
    assert "used only for group statistics" in html


def test_report_is_in_the_participants_language_with_action_plan(client, session, coach_and_participant):
    _coach, participant = coach_and_participant
    fill_in(session, participant, "intake", seed=3)
    fill_in(session, participant, "midway", seed=4)
    fill_in(session, participant, "exit", seed=5)
    response = client.get(f"/coach/participants/{participant.id}/report")
    html = response.get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html
    islands = _islands(html)
    # Wheels drawn; KASAM is for the coach only, so the report says so instead of printing it.
    assert set(islands) == {"report-work_wheel-radar", "report-health_wheel-radar"}
    assert _occasions(islands["report-work_wheel-radar"]) == ["intake", "exit"]
    assert 'class="note not-printed-kasam13"' in html  # one line under the header, no panel
    assert 'report-panel report-kasam13' not in html
    assert html.count('class="write-line"') == 5
    midway = client.get(f"/coach/participants/{participant.id}/report?before=midway&after=exit")
    assert _occasions(_islands(midway.get_data(as_text=True))["report-work_wheel-radar"]) == ["midway", "exit"]


def _occasions(figure) -> list[str]:
    """Which occasions a figure's traces draw, told by their style (labels are translated)."""
    by_colour = {style.colour: kind for kind, style in OCCASION_STYLE.items()}
    return [by_colour[trace["line"]["color"]] for trace in figure["data"]]


def test_report_without_a_catalog_for_the_language_is_not_english_laid_out_right_to_left(
        client, session, catalogs, coach_and_participant):
    catalogs(without=["fa_AF"])
    _coach, participant = coach_and_participant
    participant.preferred_language = "fa_AF"  # Dari: right to left, its catalog missing
    session.add(participant)
    session.commit()
    fill_in(session, participant, "intake")
    html = client.get(f"/coach/participants/{participant.id}/report").get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in html  # the words gettext serves, in their direction
    assert "are not printed." in html


def test_report_controls_stay_in_the_coachs_language(client, session, coach_and_participant):
    _coach, participant = coach_and_participant
    fill_in(session, participant, "intake")
    html = client.get(f"/coach/participants/{participant.id}/report").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html
    assert '<form method="get" class="filters no-print" lang="en" dir="ltr">' in html
    assert ">Show</button>" in html
    assert "→" not in html.split('class="report-head"')[1].split("</header>")[0]  # "←" in Arabic
