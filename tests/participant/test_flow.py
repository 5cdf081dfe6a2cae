"""Filling in on a phone: the whole flow through the test client, as a participant would."""
from __future__ import annotations

import re

import pytest
from sqlmodel import select

from app import instruments
from app.models import Answer, Assessment, AuditEvent, Consent
from app.services import invitations

from .conftest import ALL_FOUR, follow


def answer_everything(client, *, consent="store", value="5", level="2", text="Cooking"):
    """Walk from wherever the participant is to the thank-you page; return the pages seen."""
    seen = []
    response = follow(client, client.get("/answer/"))
    for _ in range(80):
        path = response.request.path
        seen.append(path)
        if path == "/answer/thanks":
            return seen
        if path == "/answer/about":
            response = follow(client, client.get("/answer/work_wheel/start"
                                                 if "work_wheel" in response.get_data(as_text=True)
                                                 else re.search(r'href="(/answer/[a-z0-9_]+/start)"',
                                                                response.get_data(as_text=True))[1]))
            continue
        if path.endswith("/start"):
            data = {"consent": consent, "target_language": "sv"}
        elif 'name="text"' in response.get_data(as_text=True):
            data = {"text": text}
        elif 'class="statements"' in response.get_data(as_text=True):
            data = {"value": level}
        else:
            data = {"value": value}
        response = follow(client, client.post(path, data=data))
        assert response.status_code == 200, (path, response.get_data(as_text=True)[-800:])
    raise AssertionError(f"never reached the end: {seen[-5:]}")


def test_complete_all_four_instruments(client, session, opened):
    invitation = opened()
    seen = answer_everything(client)
    assert seen.count("/answer/work_wheel/start") == 1
    assert "/answer/work_wheel/other_text" in seen and "/answer/work_wheel/other" in seen
    rows = session.exec(select(Assessment).where(Assessment.invitation_id == invitation.id)).all()
    assert {a.instrument_key for a in rows} == set(ALL_FOUR)
    assert all(a.completed_at is not None for a in rows)
    session.refresh(invitation)
    assert invitation.completed_at is not None
    actions = [e.action for e in session.exec(select(AuditEvent)).all()]
    assert actions.count("assessment.completed") == 4 and "invitation.opened" in actions
    assert actions.count("consent.recorded") == 2  # health wheel and KASAM


def test_results_show_own_wheel_and_levels_but_not_kasam(client, opened):
    opened()
    answer_everything(client)
    page = client.get("/answer/results").get_data(as_text=True)
    assert "<svg class=\"wheel\"" in page and "<polygon" in page
    assert "A2" in page  # CEFR level per skill
    assert "Your coach will go through these answers with you." in page  # KASAM: coach only
    assert "plotly" not in page.lower()


def test_free_text_area_skipped_means_its_rating_is_not_asked(client, session, opened):
    opened(keys=["work_wheel"])
    seen = answer_everything(client, text="")
    assert "/answer/work_wheel/other_text" in seen and "/answer/work_wheel/other" not in seen


def test_resume_after_interruption_on_a_new_device(app, client, session, invite, catalogs):
    _, link = invite(["work_wheel"])
    follow(client, client.get(link))
    client.post("/answer/language", data={"language": "sv"})
    client.post("/answer/work_wheel/start")
    items = ["competence", "communication", "health", "network", "self_knowledge"]
    for item in items:  # questions 1–5
        assert client.post(f"/answer/work_wheel/{item}", data={"value": "6"}).status_code == 302
    other_phone = app.test_client()  # no cookies at all
    response = follow(other_phone, other_phone.get(link))
    assert response.request.path == "/answer/work_wheel/goals"  # question 6
    assert "Question 6 of" in response.get_data(as_text=True) or "6" in response.get_data(as_text=True)


def test_double_submit_stores_one_answer_and_no_error(client, session, opened):
    invitation = opened(keys=["work_wheel"])
    client.post("/answer/work_wheel/start")
    first = client.post("/answer/work_wheel/competence", data={"value": "4"})
    second = client.post("/answer/work_wheel/competence", data={"value": "4"})
    assert first.status_code == second.status_code == 302
    rows = session.exec(select(Answer).where(Answer.item_key == "competence")).all()
    assert [(row.value, row.skipped) for row in rows] == [(4, False)]
    client.post("/answer/work_wheel/start")  # starting twice is harmless too
    assert len(session.exec(select(Assessment).where(Assessment.invitation_id == invitation.id)).all()) == 1


@pytest.mark.parametrize(("value", "message"), [
    ("11", "That answer is not possible"),
    ("0", "That answer is not possible"),
    ("seven", "That answer is not possible"),
    ("", "Choose an answer."),
])
def test_invalid_values_are_refused_with_a_message_and_earlier_answers_kept(client, session, opened,
                                                                             value, message):
    opened(keys=["work_wheel"])
    client.post("/answer/work_wheel/start")
    client.post("/answer/work_wheel/competence", data={"value": "8"})
    response = client.post("/answer/work_wheel/communication", data={"value": value})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page and 'class="error-summary"' in page and 'id="answer-error"' in page
    assert 'href="#answer-1"' in page  # the summary links to the field
    kept = session.exec(select(Answer)).all()
    assert [(a.item_key, a.value) for a in kept] == [("competence", 8)]
    back = client.get("/answer/work_wheel/competence").get_data(as_text=True)
    assert 'value="8" checked' in back  # Back shows the answer given


def test_skip_only_where_allowed(client, session, opened):
    opened(keys=["work_wheel", "cefr"])
    client.post("/answer/work_wheel/start")
    page = client.get("/answer/work_wheel/competence").get_data(as_text=True)
    assert "I don&#39;t want to answer" not in page and "I don't want to answer" not in page
    response = client.post("/answer/work_wheel/competence", data={"skip": "1"})
    assert response.status_code == 200 and "Choose an answer." in response.get_data(as_text=True)
    client.post("/answer/cefr/start", data={"target_language": "sv"})
    assert client.post("/answer/cefr/listening", data={"skip": "1"}).status_code == 302
    skipped = session.exec(select(Answer).where(Answer.item_key == "listening")).one()
    assert skipped.skipped and skipped.value is None


def test_consent_is_recorded_with_text_version_before_health_questions(client, session, opened, translated):
    invitation = opened(keys=["health_wheel"], language="ar")
    assert client.get("/answer/health_wheel/sleep").headers["Location"].endswith("/answer/health_wheel/start")
    refused = client.post("/answer/health_wheel/start", data={})
    message = translated("ar", "Choose what should happen with your answers.")
    assert message != "Choose what should happen with your answers."  # the page speaks Arabic
    assert refused.status_code == 200 and message in refused.get_data(as_text=True)
    client.post("/answer/health_wheel/start", data={"consent": "discussion_only"})
    consent = session.exec(select(Consent)).one()
    assert (consent.choice, consent.text_version, consent.language) == ("discussion_only", "health-consent-1", "ar")
    assert consent.invitation_id == invitation.id and consent.given_at is not None
    assessment = session.exec(select(Assessment)).one()
    assert (assessment.storage, assessment.consent_id) == ("discussion_only", consent.id)


def test_discussion_only_answers_are_gone_after_the_invitation_closes(client, session, opened):
    invitation = opened(keys=["health_wheel"])
    answer_everything(client, consent="discussion_only")
    assert len(session.exec(select(Answer)).all()) == 9
    assert "<polygon" in client.get("/answer/results").get_data(as_text=True)  # shown while open
    session.refresh(invitation)
    invitations.close(session, invitation=invitation)
    assert session.exec(select(Answer)).all() == [] and session.exec(select(Assessment)).all() == []
    assert client.get("/answer/results").status_code == 410


def test_withdrawing_consent_on_the_start_screen_leads_on_not_into_an_emptied_questionnaire(
        client, session, opened):
    opened(keys=["health_wheel", "work_wheel"])
    client.post("/answer/health_wheel/start", data={"consent": "store"})
    for item in instruments.latest("health_wheel").items:
        client.post(f"/answer/health_wheel/{item.key}", data={"value": "5"})
    assert session.exec(select(Assessment)).one().completed_at is not None
    withdrawn = client.post("/answer/health_wheel/start", data={"consent": "discussion_only"})
    assert withdrawn.headers["Location"].endswith("/answer/work_wheel/start")
    assert session.exec(select(Answer)).all() == []  # the withdrawal deleted them at once


def test_with_coach_mode_is_shown_and_stored(client, session, opened):
    opened(keys=["work_wheel"], mode="with_coach")
    page = follow(client, client.post("/answer/work_wheel/start")).get_data(as_text=True)
    assert "together with your coach" in page
    assert session.exec(select(Assessment)).one().mode == "with_coach"


def test_bilingual_toggle_shows_easy_swedish_under_the_question(client, session, opened):
    opened(keys=["work_wheel"], language="en")
    client.post("/answer/work_wheel/start")
    before = client.get("/answer/work_wheel/health").get_data(as_text=True)
    assert 'lang="sv"' not in before.split("<main")[1]
    assert 'aria-pressed="false"' in before and '<span class="toggle-state" aria-hidden="true">Off</span>' in before
    client.post("/answer/bilingual", data={"next": "/answer/work_wheel/health"})
    page = client.get("/answer/work_wheel/health").get_data(as_text=True)
    assert '<p class="sv-text" lang="sv" dir="ltr">Hur nöjd är du med den här delen av ditt liv? Hälsa</p>' in page
    # The switch keeps its name; its state is aria-pressed and a visible word.
    assert 'aria-pressed="true"' in page and '<span class="toggle-state" aria-hidden="true">On</span>' in page
    assert "Show the question in Swedish too" in page


def test_read_aloud_says_when_the_device_has_no_voice_and_plays_a_recording_when_there_is_one(
        client, opened, monkeypatch):
    opened(keys=["work_wheel"], language="en")
    client.post("/answer/work_wheel/start")
    page = client.get("/answer/work_wheel/health").get_data(as_text=True)
    assert 'data-no-voice-label="This phone or computer cannot read this language aloud."' in page
    assert 'data-speech-lang="en-GB"' in page and "data-audio" not in page
    work = instruments.latest("work_wheel")
    recorded = work.model_copy(update={"items": tuple(
        item.model_copy(update={"audio": {"en": "audio/health.en.mp3"}}) if item.key == "health"
        else item for item in work.items)})
    real_get = instruments.get
    monkeypatch.setattr(instruments, "get", lambda key, version: recorded if key == "work_wheel"
                        else real_get(key, version))
    page = client.get("/answer/work_wheel/health").get_data(as_text=True)
    assert 'data-audio="/static/audio/health.en.mp3"' in page


def test_cefr_asks_the_target_language_and_shows_seven_statements(client, session, opened):
    opened(keys=["cefr"], language="en")
    page = client.get("/answer/cefr/start").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*value="sv"', page)  # Swedish by default
    client.post("/answer/cefr/start", data={"target_language": "en"})
    page = client.get("/answer/cefr/reading").get_data(as_text=True)
    assert "how well do you read English?" in page
    assert page.count('name="value"') == 7 and 'class="statements"' in page
    assert session.exec(select(Assessment)).one().target_language == "en"


def test_licensed_kasam_wording_replaces_the_demo_text(app, client, session, opened, tmp_path):
    from tests.instruments.test_licences import licensed_file

    path = tmp_path / "kasam-sv.toml"
    path.write_text(licensed_file("sv"), encoding="utf-8")
    loaded = app.test_cli_runner().invoke(
        args=["instruments", "load", str(path), "--permission", "Avtal 1", "--granted-by", "Innehavaren"])
    assert loaded.exit_code == 0, loaded.output
    opened(keys=["kasam13"], language="sv")
    client.post("/answer/kasam13/start", data={"consent": "store"})
    page = client.get("/answer/kasam13/q1").get_data(as_text=True)
    assert "Licensierad q1 (test)" in page and "Demo text" not in page
    assert "Låg ände (test)" in page and "Hög ände (test)" in page
