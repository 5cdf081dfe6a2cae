"""Hostile and malformed input gets a clear 4xx or the page with a message, never a 500, and
changes nothing stored (the causes found by fuzzing, one test each)."""
from __future__ import annotations

import pytest
from sqlmodel import select

from app.models import Participant

from . import factories


@pytest.mark.parametrize("query", ["status=x", "sort=x", "unit=x", "unit=999999", "page=-1",
                                   "page=abc", "q=" + "x" * 500, "status=%20&sort=%00"])
def test_the_caseload_treats_a_hand_edited_filter_as_the_default(client, login_as, query):
    login_as("coach")
    response = client.get(f"/coach/?{query}")
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/coach/participants/9223372036854775808",
                                  "/coach/participants/2147483648",
                                  "/coach/invitations/99999999999999999999"])
def test_an_id_no_column_can_hold_is_not_found(client, login_as, path):
    login_as("coach")
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1989-12-31"])
def test_an_implausible_date_is_refused_with_a_message(client, session, login_as, day):
    unit = factories.make_unit(session)
    login_as("coach", units=[unit])
    before = len(session.exec(select(Participant)).all())
    response = client.post("/coach/participants/new", data={
        "unit": unit.id, "intake_date": day, "gender": "woman", "preferred_language": "sv"})
    assert response.status_code == 200
    assert "Choose a date between 1990-01-01 and 2100-12-31." in response.get_data(as_text=True)
    assert len(session.exec(select(Participant)).all()) == before
    person = factories.make_participant(session, unit=unit)
    exit_page = client.post(f"/coach/participants/{person.id}/exit",
                            data={"exit_date": day, "reason": "work"})
    assert exit_page.status_code == 200
    session.refresh(person)
    assert person.exit_date is None


@pytest.mark.parametrize("target", ["/coach/\r\nSet-Cookie: x=1", "/coach/\n", "/\t/evil.example",
                                    "/\\evil.example", "/coach/\x00", "//evil.example"])
def test_a_next_target_with_control_characters_lands_on_the_home_page(client, session, target):
    user = factories.make_staff(session, role="coach")
    response = client.post("/login", query_string={"next": target},
                           data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/coach/")


EVALUATOR_JUNK = ["age_band=%20", "instrument=%20", "instrument=%09", "unit=%20", "period=%00",
                  "gender=x", "exit_reason=" + "x" * 5000, "comparison=%20", "organisation=%20",
                  "organisation=abc", "organisation=99999999999999999999", "instrument=x:y",
                  "instrument=work_wheel:99999999999999999999", "age_band=%E2%80%AE"]


@pytest.mark.parametrize("query", EVALUATOR_JUNK)
@pytest.mark.parametrize("path", ["/evaluator/", "/evaluator/tables.xlsx"])
def test_the_dashboard_treats_a_hand_edited_filter_as_not_chosen(client, session, login_as, path,
                                                                 query):
    unit = factories.make_unit(session)
    for _index in range(6):
        factories.make_participant(session, unit=unit)
    login_as("evaluator", units=[unit])
    assert client.get(f"{path}?{query}").status_code == 200


@pytest.mark.parametrize("data", [{}, {"evaluation": ""}, {"evaluation": "x" * 201},
                                  {"evaluation": "ESF", "layout": "tall"},
                                  {"evaluation": "ESF", "csv_format": "tab"},
                                  {"evaluation": "ESF", "include_health": "y"}])
def test_an_invalid_export_form_is_sent_back_with_a_message(client, session, login_as, data):
    from app.models import AuditEvent
    unit = factories.make_unit(session)
    login_as("evaluator", units=[unit])
    response = client.post("/evaluator/export?instrument=%20", data=data)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'class="notice notice-error"' in page
    assert not session.exec(select(AuditEvent).where(AuditEvent.action == "export")).all()


@pytest.mark.parametrize(("value", "message"), [
    ("sNaN", "Enter a number."), ("NaN", "Enter a number."), ("Infinity", "Enter a number."),
    ("-Infinity", "Enter a number."), ("1e309", "A share must be between 0 and 100 %."),
    ("many", "Not a valid decimal value.")])
def test_a_goal_target_that_is_not_a_number_is_refused_with_a_message(client, session, login_as,
                                                                      value, message):
    from app.models import ProgrammeGoal
    unit = factories.make_unit(session)
    login_as("unit_admin", units=[unit])
    response = client.post("/admin/goals/new", data={
        "applies_to": f"org:{unit.organisation_id}", "title": "Goal", "instrument": "work_wheel",
        "score": "", "measure": "any_increase", "target_value": value,
        "period_start": "2025-01-01", "period_end": "2025-12-31"})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert not session.exec(select(ProgrammeGoal)).all()
