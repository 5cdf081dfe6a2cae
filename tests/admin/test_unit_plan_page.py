"""The unit plan page, and the unit's order wherever questionnaires are listed or sent."""
from __future__ import annotations

import re
from datetime import date

from sqlmodel import select

from app.models import Invitation, Organisation

from ..factories import make_organisation, make_participant, make_unit

PLAN = {"midway_after_months": "5", "exit_after_months": "10", "follow_up_after_days": "90"}
ORDER = ("work_wheel", "health_wheel", "cefr", "kasam13")  # the default plan's order


def _form(chosen: dict[str, int | None], **plan) -> dict:
    """The plan form's fields: every questionnaire listed, the chosen ones with positions."""
    data = {**PLAN, **plan}
    for number, key in enumerate(ORDER):
        data[f"questionnaires-{number}-key"] = key
        if key in chosen:
            data[f"questionnaires-{number}-chosen"] = "y"
            data[f"questionnaires-{number}-position"] = "" if chosen[key] is None else str(chosen[key])
    return data


def _checkbox_order(html: str, name: str) -> list[str]:
    return re.findall(rf'name="{name}"[^>]*value="([a-z_0-9]+)"', html) or \
        re.findall(rf'value="([a-z_0-9]+)"[^>]*name="{name}"', html)


def test_a_unit_admin_orders_the_questionnaires_by_number(client, session, login_as):
    unit = make_unit(session)
    login_as("unit_admin", units=[unit])
    page = client.get(f"/admin/units/{unit.id}/plan")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count('type="checkbox"') == 4 and "Position of" in html
    saved = client.post(f"/admin/units/{unit.id}/plan",
                        data=_form({"cefr": 1, "kasam13": None, "work_wheel": 2}))
    assert saved.status_code == 302
    session.refresh(unit)
    assert unit.default_instrument_keys == ["cefr", "work_wheel", "kasam13"]
    shown = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "Plan saved." in shown
    rows = re.findall(r'name="questionnaires-\d+-key" type="hidden" value="([a-z_0-9]+)"', shown) or \
        re.findall(r'value="([a-z_0-9]+)"[^>]*name="questionnaires-\d+-key"', shown)
    assert rows[:3] == ["cefr", "work_wheel", "kasam13"]


def test_two_questionnaires_at_one_position_are_refused_with_a_message(client, session, login_as):
    unit = make_unit(session)
    login_as("unit_admin", units=[unit])
    response = client.post(f"/admin/units/{unit.id}/plan",
                           data=_form({"cefr": 1, "work_wheel": 1}))
    assert response.status_code == 200
    assert "Two questionnaires have position 1. Give each its own number." in response.get_data(as_text=True)
    session.refresh(unit)
    assert unit.default_instrument_keys == list(ORDER)


def test_an_impossible_plan_is_refused_in_the_readers_language(client, session, login_as, translated):
    unit = make_unit(session)
    login_as("unit_admin", units=[unit], preferred_language="sv")

    def refusal(**data) -> str:
        response = client.post(f"/admin/units/{unit.id}/plan", data=data)
        assert response.status_code == 200
        return response.get_data(as_text=True)

    assert translated("sv", "Midway must come at least one month after intake and before exit.") \
        in refusal(**_form({"work_wheel": 1}, midway_after_months="10"))
    assert translated("sv", "Choose at least one questionnaire.") in refusal(**_form({}))
    assert translated("sv", "Unknown questionnaire %(key)s.", key="iq_test") in refusal(
        **{**_form({"work_wheel": 1}), "questionnaires-0-key": "iq_test"})
    for bad in ({"midway_after_months": "many"}, {"follow_up_after_days": "-5"},
                {"exit_after_months": "99999999999999999999"}):
        assert 'class="error-message"' in refusal(**_form({"work_wheel": 1}, **bad))
    session.refresh(unit)
    assert unit.default_instrument_keys == list(ORDER) and unit.midway_after_months == 5


def test_each_role_reaches_only_the_units_it_administers(client, session, login_as):
    unit = make_unit(session)
    sibling = make_unit(session, session.get(Organisation, unit.organisation_id))
    foreign = make_unit(session, make_organisation(session))
    login_as("unit_admin", units=[unit])
    assert client.get(f"/admin/units/{sibling.id}/plan").status_code == 200  # same organisation
    assert client.get(f"/admin/units/{foreign.id}/plan").status_code == 404
    assert client.post(f"/admin/units/{foreign.id}/plan", data=_form({"cefr": 1})).status_code == 404
    assert client.get("/admin/units/999999/plan").status_code == 404
    client.post("/logout")
    login_as("admin", units=[unit])
    assert client.get(f"/admin/units/{foreign.id}/plan").status_code == 200
    for role in ("coach", "evaluator"):
        client.post("/logout")
        login_as(role, units=[unit])
        assert client.get(f"/admin/units/{unit.id}/plan").status_code == 403


def test_the_coach_invite_form_lists_the_units_questionnaires_first_in_its_order(
        client, session, login_as):
    unit = make_unit(session, default_instruments="kasam13,work_wheel")
    person = make_participant(session, unit=unit)
    login_as("coach", units=[unit])
    html = client.get(f"/coach/participants/{person.id}/invite").get_data(as_text=True)
    listed = [key for key in re.findall(r'value="([a-z_0-9]+)"', html) if key in ORDER]
    assert listed == ["kasam13", "work_wheel", "cefr", "health_wheel"]
    # A browser sends ticked boxes in page order; any order reaches the participant as planned.
    client.post(f"/coach/participants/{person.id}/invite", data={
        "occasion": "intake", "mode": "own_device", "instrument_keys": ["cefr", "work_wheel", "kasam13"]})
    assert session.exec(select(Invitation)).one().instrument_keys == ["kasam13", "work_wheel", "cefr"]


def test_the_participant_starts_with_the_units_first_questionnaire(app, client, session, login_as):
    unit = make_unit(session)
    person = make_participant(session, unit=unit, intake_date=date(2026, 1, 12))
    login_as("unit_admin", units=[unit])
    client.post(f"/admin/units/{unit.id}/plan", data=_form({"cefr": 1, "work_wheel": 2}))
    client.post(f"/coach/participants/{person.id}/invite", data={
        "occasion": "intake", "mode": "own_device", "instrument_keys": ["work_wheel", "cefr"]})
    invitation = session.exec(select(Invitation)).one()
    client.post("/logout")
    from app.services import invitations

    link = invitations.link_for(invitation, base_url="", secret=app.secret_key)
    participant = app.test_client()
    participant.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    participant.get(link)
    participant.post("/answer/language", data={"language": "en", "next": "/answer/"})
    about = participant.get("/answer/about").get_data(as_text=True)
    assert 'href="/answer/cefr/start"' in about
    begin = participant.get("/answer/cefr/start").get_data(as_text=True)
    assert "Part 1 of 2" in begin


def test_the_invite_command_follows_the_units_order(app, session):
    unit = make_unit(session)
    person = make_participant(session, unit=unit)
    cli = app.test_cli_runner()
    made = cli.invoke(args=["invite", "--participant", person.code, "--occasion", "intake"])
    assert made.exit_code == 0, made.output
    assert session.exec(select(Invitation)).one().instrument_keys[0] == "work_wheel"
    unit.default_instruments = "cefr,work_wheel"
    session.add(unit)
    session.commit()
    again = cli.invoke(args=["invite", "--participant", person.code, "--occasion", "midway",
                             "--instruments", "work_wheel,cefr"])
    assert again.exit_code == 0, again.output
    newest = session.exec(select(Invitation).order_by(Invitation.id.desc())).first()
    assert newest.instrument_keys == ["cefr", "work_wheel"]
