"""The privacy lifecycle from the pages and the command line: erasure after a typed code,
access as a page in the person's language and as JSON, the participant's own copy, and the
promise on the explanation screen following the organisation's setting."""
from __future__ import annotations

import json
import re
from datetime import date

from sqlmodel import select

from app import instruments
from app.models import AuditEvent, Participant
from app.services import invitations

from . import factories
from .coach.filled import fill_in

WHEEL = {"work_wheel": {**{item.key: 7 for item in instruments.latest("work_wheel").scored_items},
                        "other_text": "Truckkort"}}


def _person(session, unit, **overrides):
    person = factories.make_participant(session, unit=unit, display_name="Amal Hemlig",
                                        birth_year=1990, **overrides)
    fill_in(session, person, "intake", WHEEL, keys=("work_wheel", "health_wheel"))
    return person


def test_a_coach_erases_a_participant_after_typing_their_code(client, session, login_as):
    unit = factories.make_unit(session)
    coach = login_as("coach", units=[unit])
    person = _person(session, unit)
    page = client.get(f"/coach/participants/{person.id}/erase")
    assert page.status_code == 200 and person.code in page.get_data(as_text=True)
    wrong = client.post(f"/coach/participants/{person.id}/erase", data={"confirmation": "P-NOPE"})
    assert wrong.status_code == 200 and "Type the participant" in wrong.get_data(as_text=True)
    assert session.get(Participant, person.id) is not None
    person_id = person.id
    done = client.post(f"/coach/participants/{person_id}/erase",
                       data={"confirmation": person.code.lower()})
    assert done.status_code == 302
    session.expunge_all()
    assert session.exec(select(Participant).where(Participant.id == person_id)).first() is None
    erased = session.exec(select(AuditEvent).where(AuditEvent.action == "participant.erased")).one()
    assert erased.actor_staff_id == coach.id and erased.object_id is None


def test_erasure_and_access_stay_within_the_coachs_units(client, session, login_as):
    login_as("coach", units=[factories.make_unit(session)])
    other = _person(session, factories.make_unit(session))
    for path in ("erase", "access", "access.json"):
        assert client.get(f"/coach/participants/{other.id}/{path}").status_code == 404
    assert client.post(f"/coach/participants/{other.id}/erase",
                       data={"confirmation": other.code}).status_code == 404
    assert session.get(Participant, other.id) is not None


def test_access_is_a_page_in_the_persons_language_and_a_json_file(client, session, login_as):
    unit = factories.make_unit(session)
    login_as("unit_admin", units=[unit])
    person = _person(session, unit, preferred_language="ar")
    page = client.get(f"/coach/participants/{person.id}/access")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and re.search(r'<html[^>]*lang="ar"[^>]*dir="rtl"', html)
    assert "Amal Hemlig" in html and "Truckkort" in html
    english_question = instruments.latest("work_wheel").item("health").text.en
    assert english_question not in html  # the questions are in Arabic
    download = client.get(f"/coach/participants/{person.id}/access.json")
    assert download.status_code == 200
    assert "attachment" in download.headers["Content-Disposition"]
    record = download.get_json()
    assert record["participant"]["code"] == person.code and record["consents"]
    actions = session.exec(select(AuditEvent.action).where(
        AuditEvent.action == "participant.access_exported")).all()
    assert len(actions) == 2


def test_the_cli_hands_over_and_erases(app, session, tmp_path):
    unit = factories.make_unit(session)
    person = _person(session, unit)
    runner = app.test_cli_runner()
    out = tmp_path / "access.json"
    result = runner.invoke(args=["participant", "access", person.code, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))["participant"]["display_name"] == "Amal Hemlig"
    refused = runner.invoke(args=["participant", "erase", person.code])
    assert refused.exit_code != 0 and session.get(Participant, person.id) is not None
    person_id = person.id
    erased = runner.invoke(args=["participant", "erase", person.code, "--yes"])
    assert erased.exit_code == 0, erased.output
    session.expunge_all()
    assert session.exec(select(Participant).where(Participant.id == person_id)).first() is None
    unknown = runner.invoke(args=["participant", "erase", person.code, "--yes"])
    assert unknown.exit_code != 0 and "No participant" in unknown.output


def test_flask_purge_prints_what_it_did_and_a_dry_run_changes_nothing(app, session):
    unit = factories.make_unit(session)
    person = _person(session, unit, intake_date=date(2020, 1, 10))
    person.exit_date = date(2021, 1, 1)
    session.add(person)
    session.commit()
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["purge", "--dry-run"])
    assert dry.exit_code == 0 and "Would purge 1 participant" in dry.output
    session.refresh(person)
    assert person.display_name == "Amal Hemlig"
    done = runner.invoke(args=["purge"])
    assert "Purged 1 participant" in done.output
    session.refresh(person)
    assert person.display_name is None and person.purged_at is not None
    assert "Purged 0 participant" in runner.invoke(args=["purge"]).output


def _open(client, session, person, keys=("work_wheel",)):
    invitation = fill_in(session, person, "intake", WHEEL, keys=keys)
    response = client.post("/kod", data={"code": invitation.short_code})
    assert response.status_code == 302
    return invitation


def test_the_participant_gets_their_own_copy_with_a_name_only_if_they_add_one(client, session):
    person = factories.make_participant(session, display_name="Amal Hemlig")
    _open(client, session, person)
    assert "/answer/summary" in client.get("/answer/results").get_data(as_text=True)
    page = client.get("/answer/summary").get_data(as_text=True)
    health = instruments.latest("work_wheel").item("health")
    assert health.text.en in page and "Amal Hemlig" not in person.code
    assert "Amal Hemlig" not in page and person.code not in page
    named = client.post("/answer/summary", data={"name": "Amal Q."})
    assert "Amal Q." in named.get_data(as_text=True)
    download = client.post("/answer/summary", data={"name": "", "download": "Download"})
    assert "attachment" in download.headers["Content-Disposition"]
    stored = json.dumps([str(e.details) for e in session.exec(select(AuditEvent)).all()])
    assert "Amal Q." not in stored
    assert session.exec(select(AuditEvent).where(
        AuditEvent.action == "participant.own_copy_made")).all()


def test_the_own_copy_is_in_the_persons_language_with_easy_swedish(client, session):
    person = factories.make_participant(session)
    invitation = _open(client, session, person)
    invitations.choose_language(session, invitation=invitation, language="ar")
    page = client.get("/answer/summary").get_data(as_text=True)
    health = instruments.latest("work_wheel").item("health")
    assert health.text.sv in page and 'lang="sv"' in page
    assert health.text.en not in page


def test_the_explanation_screen_states_the_organisations_retention(client, session):
    organisation = factories.make_organisation(session, retention_months=18)
    person = factories.make_participant(session, unit=factories.make_unit(session, organisation))
    invitation = invitations.issue(session, participant=person, occasion_kind="intake",
                                   instrument_keys=["work_wheel"], environment="development")
    invitations.choose_language(session, invitation=invitation, language="en")
    client.post("/kod", data={"code": invitation.short_code})
    page = client.get("/answer/about").get_data(as_text=True)
    assert "18 months after you leave the programme" in page
