"""All in the browser (the test client): a unit admin adds a unit and a coach to it, the coach
follows the set-password link, chooses a password, signs in and registers a participant."""
from __future__ import annotations

import re

from sqlmodel import select

from app.models import AuditEvent, Participant, Unit

from .. import factories


def _browser(app):
    browser = app.test_client()
    browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return browser


def test_a_unit_admin_sets_up_a_unit_and_a_coach_who_then_registers_a_participant(app, session):
    organisation = factories.make_organisation(session, name="Norrby kommun")  # no two-factor rule
    first_unit = factories.make_unit(session, organisation, name="Jobbspår")
    unit_admin = factories.make_staff(session, role="unit_admin", units=[first_unit])

    admin_browser = _browser(app)
    signed_in = admin_browser.post("/login", data={"email": unit_admin.email, "password": factories.PASSWORD})
    assert signed_in.headers["Location"].endswith("/admin/")
    assert "Administration of Norrby kommun" in admin_browser.get("/admin/").get_data(as_text=True)

    added = admin_browser.post("/admin/units/new", data={"name": "Språk och arbete"}, follow_redirects=True)
    assert "The unit Språk och arbete is added." in added.get_data(as_text=True)
    unit = session.exec(select(Unit).where(Unit.name == "Språk och arbete")).one()

    form = admin_browser.get("/admin/staff/new").get_data(as_text=True)
    assert f'value="{unit.id}"' in form
    created = admin_browser.post("/admin/staff/new", data={
        "display_name": "Nora Coach", "email": "nora@norrby.se", "role": "coach", "unit_ids": [unit.id]})
    page = created.get_data(as_text=True)
    assert created.status_code == 200 and "nora@norrby.se is added" in page
    link = re.search(r'value="https://stegvis\.test(/password/[^"]+)"', page).group(1)

    coach_browser = _browser(app)
    too_early = coach_browser.post("/login", data={"email": "nora@norrby.se", "password": ""})
    assert too_early.status_code == 200
    chooser = coach_browser.get(link).get_data(as_text=True)
    assert "nora@norrby.se" in chooser
    chosen = coach_browser.post(link, data={"new": "tre ord i rad", "confirm": "tre ord i rad"},
                                follow_redirects=True)
    assert "Your password is set." in chosen.get_data(as_text=True)
    coach_in = coach_browser.post("/login", data={"email": "Nora@Norrby.se", "password": "tre ord i rad"})
    assert coach_in.headers["Location"].endswith("/coach/")

    registration = coach_browser.get("/coach/participants/new").get_data(as_text=True)
    assert "Språk och arbete" in registration and "Jobbspår" not in registration
    registered = coach_browser.post("/coach/participants/new", data={
        "unit": unit.id, "intake_date": "2026-11-02", "gender": "woman", "birth_year": "1990",
        "preferred_language": "ar"})
    assert registered.status_code == 302
    person = session.exec(select(Participant).where(Participant.unit_id == unit.id)).one()
    assert coach_browser.get(registered.headers["Location"]).status_code == 200

    trail = [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.id))]
    for action in ("unit.created", "staff.created", "password_changed", "login", "participant.registered"):
        assert action in trail, action
    audit_page = admin_browser.get("/admin/audit").get_data(as_text=True)
    assert "staff.created" in audit_page and "unit.created" in audit_page
    assert person.code not in audit_page and link.rpartition("/")[2] not in audit_page
