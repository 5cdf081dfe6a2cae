"""The coach's conversation page: the action plan on the participant page and the printed
report, the participant's own words beside their rating, and "n of m done" counted from the
invitation's own instruments."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlmodel import select

from app import instruments
from app.models import ActionStep, AuditEvent, Unit
from app.services import action_plans, invitations

from .. import factories
from .filled import fill_in

WORDS = "Söka praktik på äldreboendet Solgläntan"


@pytest.fixture
def person(session, login_as):
    unit = factories.make_unit(session)
    login_as("coach", units=[unit])
    return factories.make_participant(session, unit=unit, preferred_language="ar")


def _page(client, person) -> str:
    response = client.get(f"/coach/participants/{person.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _steps(session, person) -> list[ActionStep]:
    return session.exec(select(ActionStep).where(ActionStep.participant_id == person.id)).all()


# -- the action plan on the participant page ------------------------------------------------


def test_a_step_added_on_the_page_is_shown_in_the_plan(client, session, person):
    page = _page(client, person)
    assert "No steps yet." in page and 'id="plan"' in page
    response = client.post(f"/coach/participants/{person.id}/plan", data={
        "text": WORDS, "owner": "together", "due_date": "2026-03-02"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/coach/participants/{person.id}#plan")
    [step] = _steps(session, person)
    assert (step.text, step.owner, step.due_date) == (WORDS, "together", date(2026, 3, 2))
    page = _page(client, person)
    plan = page[page.index('id="plan"'):page.index('class="add-step"')]
    assert WORDS in plan and "Together" in plan and "2026-03-02" in plan and "Mark done" in plan


@pytest.mark.parametrize(("form", "message"), [
    ({"text": "", "owner": "participant"}, "This field is required."),
    ({"text": "x" * 301, "owner": "participant"}, "Field cannot be longer than 300 characters."),
    ({"text": WORDS, "owner": "the neighbour"}, "Not a valid choice."),
    ({"text": WORDS, "owner": "coach", "due_date": "1850-01-01"}, "Choose a date between"),
])
def test_a_refused_step_comes_back_with_its_message_and_the_words_kept(client, session, person,
                                                                     form, message):
    response = client.post(f"/coach/participants/{person.id}/plan", data=form)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html and "There is a problem" in html
    assert (form["text"] or "") in html  # nothing typed is lost
    assert _steps(session, person) == []


def test_a_step_is_ticked_done_and_opened_again(client, session, person):
    step = action_plans.add_step(session, participant=person, text=WORDS, owner="participant")
    url = f"/coach/participants/{person.id}/plan/{step.id}/done"
    assert client.post(url, data={"done": "1"}).status_code == 302
    session.refresh(step)
    assert step.done_at is not None
    page = _page(client, person)
    assert 'class="step-done"' in page and "Not done" in page
    assert client.post(url, data={"done": "0"}).status_code == 302
    session.refresh(step)
    assert step.done_at is None
    assert client.post(url, data={"done": "maybe"}).status_code == 302  # refused: nothing changes
    session.refresh(step)
    assert step.done_at is None


def test_a_step_is_corrected_on_its_own_page_and_removed_there(client, session, person):
    step = action_plans.add_step(session, participant=person, text="Söka jobb", owner="participant")
    url = f"/coach/participants/{person.id}/plan/{step.id}"
    page = client.get(url)
    assert page.status_code == 200 and "Söka jobb" in page.get_data(as_text=True)
    response = client.post(url, data={"text": WORDS, "owner": "coach", "due_date": "",
                                      "done": "y"})
    assert response.status_code == 302
    session.refresh(step)
    assert (step.text, step.owner, step.done_at is not None) == (WORDS, "coach", True)
    refused = client.post(url, data={"text": " ", "owner": "coach"})
    assert refused.status_code == 400 and "There is a problem" in refused.get_data(as_text=True)
    assert client.post(f"{url}/delete").status_code == 302
    assert _steps(session, person) == []


def test_the_audit_never_holds_the_steps_words(client, session, person):
    client.post(f"/coach/participants/{person.id}/plan", data={"text": WORDS, "owner": "coach"})
    [step] = _steps(session, person)
    client.post(f"/coach/participants/{person.id}/plan/{step.id}",
                data={"text": WORDS + " i vår", "owner": "coach"})
    client.post(f"/coach/participants/{person.id}/plan/{step.id}/delete")
    events = session.exec(select(AuditEvent).where(AuditEvent.action.startswith("action_plan."))).all()
    assert [e.action for e in events] == ["action_plan.step_added", "action_plan.step_changed",
                                          "action_plan.step_deleted"]
    assert all(WORDS not in str(e.details) for e in events)


def test_a_step_of_another_participant_or_unit_is_not_found(client, session, person):
    other_unit = factories.make_unit(session)
    stranger = factories.make_participant(session, unit=other_unit)
    theirs = action_plans.add_step(session, participant=stranger, text=WORDS, owner="coach")
    neighbour = factories.make_participant(session, unit=session.get(Unit, person.unit_id))
    mine = action_plans.add_step(session, participant=neighbour, text=WORDS, owner="coach")
    assert client.post(f"/coach/participants/{stranger.id}/plan",
                       data={"text": WORDS, "owner": "coach"}).status_code == 404
    for step_owner, step in ((stranger, theirs), (person, mine)):  # wrong unit; wrong person
        base = f"/coach/participants/{step_owner.id}/plan/{step.id}"
        assert client.get(base).status_code == 404
        assert client.post(f"{base}/done", data={"done": "1"}).status_code == 404
        assert client.post(f"{base}/delete").status_code == 404
    assert len(_steps(session, stranger)) == len(_steps(session, neighbour)) == 1


# -- the printed report ---------------------------------------------------------------------


def test_the_report_prints_the_plan_instead_of_blank_lines(client, session, person):
    fill_in(session, person, "intake", keys=("work_wheel",))
    blank = client.get(f"/coach/participants/{person.id}/report").get_data(as_text=True)
    assert blank.count('class="write-line"') == 5
    step = action_plans.add_step(session, participant=person, text=WORDS, owner="coach",
                                 due_date=date(2026, 4, 30))
    action_plans.add_step(session, participant=person, text="Boka tid", owner="participant")
    action_plans.mark_step(session, step=step, done=True)
    html = client.get(f"/coach/participants/{person.id}/report").get_data(as_text=True)
    plan = html[html.index('class="action-plan'):]
    assert 'class="write-line"' not in plan and "Boka tid" in plan and WORDS in plan
    assert '<bdi dir="ltr">2026-04-30</bdi>' in plan and "✓" in plan
    assert "مرشدي" in plan and "Min coach" in plan  # "My coach" in Arabic, Swedish beside it


def test_a_long_plan_prints_its_first_steps_and_says_how_many_more(client, session, person):
    for number in range(10):
        action_plans.add_step(session, participant=person, text=f"Steg {number}", owner="participant")
    html = client.get(f"/coach/participants/{person.id}/report").get_data(as_text=True)
    assert html.count("<tr><td><bdi>Steg ") == 8 and "2 steg till finns i planen." in html


# -- the participant's own words ------------------------------------------------------------


def _wheel_with_words(base: int, words: str) -> dict:
    wheel = instruments.latest("work_wheel")
    return {**{item.key: base for item in wheel.scored_items}, "other_text": words, "other": base + 1}


def test_the_own_words_show_beside_their_rating(client, session, person):
    fill_in(session, person, "intake", {"work_wheel": _wheel_with_words(3, "Körkortet")},
            keys=("work_wheel",))
    fill_in(session, person, "exit", {"work_wheel": _wheel_with_words(6, "Körkortet")},
            keys=("work_wheel",))
    page = _page(client, person)
    said = page[page.index('class="own-words"'):]
    said = said[:said.index("</dl>")]
    assert said.count("Körkortet") == 1  # the same words at both occasions: said once
    date = r"\u2066\d{4}-\u2060\d\d-\u2060\d\d\u2069"  # left to right, unbroken
    assert re.search(rf"Intake \({date}\): rated 4", said)
    assert re.search(rf"Exit \({date}\): rated 7", said)
    report = client.get(f"/coach/participants/{person.id}/report").get_data(as_text=True)
    line = report[report.index('<p class="own-words">'):]
    line = line[:line.index("</p>")]
    assert "Körkortet" in line and '<bdi dir="ltr">4</bdi>' in line and '<bdi dir="ltr">7</bdi>' in line


def test_no_own_words_no_section(client, session, person):
    wheel = instruments.latest("work_wheel")
    fill_in(session, person, "intake", {"work_wheel": {
        item.key: 5 for item in wheel.scored_items if not item.skippable}}, keys=("work_wheel",))
    assert 'class="own-words"' not in _page(client, person)


# -- "n of m done" ----------------------------------------------------------------------------


def test_started_counts_the_invitations_own_instruments(client, session, person):
    invitation = invitations.issue(session, participant=person, occasion_kind="intake",
                                   instrument_keys=["work_wheel", "cefr"],
                                   environment="development")
    from app.services import assessments

    begun = assessments.begin(session, invitation=invitation, instrument_key="work_wheel",
                              language="sv")
    for item in instruments.latest("work_wheel").scored_items:
        if not item.skippable:
            assessments.save_answer(session, assessment=begun, item_key=item.key, value=5)
    assessments.complete(session, assessment=begun, invitation=invitation)
    assert "1 of 2 done" in _page(client, person)
    assert "1 of 2 done" in client.get("/coach/").get_data(as_text=True)


def test_without_an_invitation_the_units_instruments_are_counted(session, person):
    from app.services import caseload

    [row] = caseload.caseload(session, unit_ids=[person.unit_id])
    intake = row.occasion("intake")
    assert intake.invited == () and intake.missing(("a", "b", "c")) == ["a", "b", "c"]


def test_the_latest_invitation_of_an_occasion_decides_what_was_asked(session, person):
    from app.services import caseload

    first = invitations.issue(session, participant=person, occasion_kind="intake",
                              instrument_keys=["work_wheel", "cefr", "kasam13"],
                              environment="development")
    invitations.revoke(session, invitation=first, staff_id=None)
    later = invitations.issue(session, participant=person, occasion_kind="intake",
                              instrument_keys=["cefr"], environment="development")
    later.created_at = first.created_at + timedelta(seconds=1)
    session.add(later)
    session.commit()
    [row] = caseload.caseload(session, unit_ids=[person.unit_id])
    assert row.occasion("intake").invited == ("cefr",)


def test_everything_we_keep_lists_the_plan_in_the_persons_language(client, session, person):
    action_plans.add_step(session, participant=person, text=WORDS, owner="coach",
                          due_date=date(2026, 5, 4))
    html = client.get(f"/coach/participants/{person.id}/access").get_data(as_text=True)
    assert WORDS in html and "مرشدي" in html and "2026-05-04" in html  # "My coach" in Arabic
    assert client.get(f"/coach/participants/{person.id}/access.json").get_json()[
        "action_plan"][0]["step"] == WORDS
