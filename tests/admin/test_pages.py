"""The administration pages: each administrator reaches their own organisation only (anything
else is 404), forms refuse bad input with clear messages, and the buttons do what they say."""
from __future__ import annotations

import re

import pytest
from sqlmodel import select

from app.models import AuditEvent, StaffUser, Unit

from .. import factories


@pytest.fixture
def two_organisations(session):
    """Organisation A (with a unit, a coach, a unit admin's unit) and organisation B."""
    unit_a, unit_b = factories.make_unit(session), factories.make_unit(session)
    return {"unit_a": unit_a, "unit_b": unit_b,
            "coach_a": factories.make_staff(session, units=[unit_a]),
            "coach_b": factories.make_staff(session, units=[unit_b]),
            "person_b": factories.make_participant(session, unit=unit_b)}


def _browser(app):
    """A second browser (someone else's), reading English."""
    browser = app.test_client()
    browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return browser


def _admin_rules(app, argument):
    return [r for r in app.url_map.iter_rules() if r.endpoint.startswith("admin.") and argument in r.arguments]


@pytest.mark.parametrize(("argument", "key"), [("unit_id", "unit_b"), ("staff_id", "coach_b")])
def test_every_route_answers_404_for_another_organisations_unit_or_staff(
        app, client, session, login_as, two_organisations, argument, key):
    login_as("unit_admin", units=[two_organisations["unit_a"]])
    target = two_organisations[key]
    rules = _admin_rules(app, argument)
    assert len(rules) >= (2 if argument == "unit_id" else 4)
    for rule in rules:
        url = rule.rule.replace(f"<int:{argument}>", str(target.id))
        for method in sorted(rule.methods & {"GET", "POST"}):
            response = client.open(url, method=method, data={"name": "Taken over", "active": "off",
                                                             "role": "coach", "display_name": "x"})
            assert response.status_code == 404, f"{method} {url}"
    session.expire_all()
    assert session.get(StaffUser, two_organisations["coach_b"].id).active
    assert session.get(Unit, two_organisations["unit_b"].id).name != "Taken over"


@pytest.mark.parametrize("role", ["unit_admin", "admin"])
def test_administrators_land_on_the_administration(client, session, role):
    user = factories.make_staff(session, role=role)
    response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    assert response.headers["Location"].endswith("/admin/")
    page = client.get("/admin/").get_data(as_text=True)
    assert "Administration of" in page and 'href="/admin/units' in page


def test_another_organisation_is_not_listed_nor_reachable_by_its_number(
        client, login_as, two_organisations):
    login_as("unit_admin", units=[two_organisations["unit_a"]])
    other = two_organisations["unit_b"].organisation_id
    for path in ("/admin/", "/admin/units", "/admin/staff", "/admin/staff/new", "/admin/units/new",
                 "/admin/participants/move"):
        assert client.get(path).status_code == 200, path
        assert client.get(f"{path}?organisation={other}").status_code == 404, path
    for junk in ("0", "-1", "2147483648", "99999999999999999999"):
        assert client.get(f"/admin/units?organisation={junk}").status_code == 404, junk
    assert client.get("/admin/units?organisation=abc").status_code == 200  # not a number: own
    listed = client.get("/admin/staff").get_data(as_text=True)
    assert two_organisations["coach_a"].email in listed
    assert two_organisations["coach_b"].email not in listed
    assert two_organisations["unit_b"].name not in client.get("/admin/units").get_data(as_text=True)
    moved = client.post("/admin/participants/move", data={
        "code": two_organisations["person_b"].code, "unit": two_organisations["unit_a"].id})
    assert "No participant in your organisation has that code." in moved.get_data(as_text=True)


def test_an_admin_chooses_among_every_organisation(client, login_as, two_organisations):
    login_as("admin", units=[two_organisations["unit_a"]])
    other = two_organisations["unit_b"].organisation_id
    page = client.get(f"/admin/staff?organisation={other}").get_data(as_text=True)
    assert two_organisations["coach_b"].email in page and 'name="organisation"' in page
    assert client.get(f"/admin/staff/{two_organisations['coach_b'].id}").status_code == 200


def test_a_unit_admin_sees_admins_but_cannot_open_or_reset_them(client, session, login_as):
    unit = factories.make_unit(session)
    login_as("unit_admin", units=[unit])
    admin = factories.make_staff(session, role="admin", units=[unit])
    listed = client.get("/admin/staff").get_data(as_text=True)
    assert admin.email in listed and f"/admin/staff/{admin.id}" not in listed
    assert client.get(f"/admin/staff/{admin.id}").status_code == 404
    assert client.post(f"/admin/staff/{admin.id}/password").status_code == 404
    new = client.get("/admin/staff/new").get_data(as_text=True)
    assert 'value="admin"' not in new and 'value="unit_admin"' in new


@pytest.mark.parametrize(("form", "field", "message"), [
    ({"display_name": "", "email": "x@example.org", "role": "coach"}, "display_name", "Enter the person"),
    ({"display_name": "Ann", "email": "not an email", "role": "coach"}, "email",
     "Enter an email address like name@example.org."),
    ({"display_name": "Ann", "email": "", "role": "coach"}, "email", "Enter the email address they sign in with."),
    ({"display_name": "Ann", "email": "ann@example.org"}, "role", "Choose a role."),
    ({"display_name": "Ann", "email": "ann@example.org", "role": "coach"}, "unit_ids",
     "Choose at least one unit: this role works with the participants of its units."),
    ({"display_name": "Ann", "email": "ann@example.org", "role": "admin"}, "role", "Not a valid choice."),
    ({"display_name": "Ann", "email": "TAKEN@example.org", "role": "evaluator"}, "email",
     "There is already an account with that email."),
])
def test_the_staff_form_says_what_is_wrong_and_adds_nobody(client, session, login_as, form, field, message):
    unit = factories.make_unit(session)
    login_as("unit_admin", units=[unit])
    factories.make_staff(session, email="taken@example.org", units=[unit])
    before = len(session.exec(select(StaffUser)).all())
    response = client.post("/admin/staff/new", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "error-summary" in html
    assert f'href="#{field}"' in html and message in html, html
    assert len(session.exec(select(StaffUser)).all()) == before


@pytest.mark.parametrize(("name", "message"), [
    ("", "Give the unit a name."), ("   ", "Give the unit a name."),
    ("x" * 201, "Field cannot be longer than 200 characters."),
    ("jobbspår", "The organisation already has a unit called jobbspår.")])
def test_the_unit_form_says_what_is_wrong(client, session, login_as, name, message):
    unit = factories.make_unit(session, name="Jobbspår")
    login_as("unit_admin", units=[unit])
    response = client.post("/admin/units/new", data={"name": name})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "error-summary" in html and message in html
    renamed = client.post(f"/admin/units/{unit.id}", data={"name": name})
    assert "error-summary" in renamed.get_data(as_text=True) or name.strip().lower() == "jobbspår"


def test_the_unit_pages_add_rename_and_deactivate(client, session, login_as):
    unit = factories.make_unit(session, name="Jobbspår")
    login_as("unit_admin", units=[unit])
    added = client.post("/admin/units/new", data={"name": "Språkspår"})
    assert added.status_code == 302
    new = session.exec(select(Unit).where(Unit.name == "Språkspår")).one()
    assert client.post(f"/admin/units/{new.id}", data={"name": "Språk och arbete"}).status_code == 302
    assert client.post(f"/admin/units/{new.id}/active", data={"active": "off"}).status_code == 302
    assert client.post(f"/admin/units/{new.id}/active", data={"active": "maybe"}).status_code == 302
    session.refresh(new)
    assert (new.name, new.active) == ("Språk och arbete", False)
    listing = client.get("/admin/units").get_data(as_text=True)
    assert "Språk och arbete" in listing and "Inactive" in listing
    register = client.get("/coach/participants/new").get_data(as_text=True)
    assert "Jobbspår" in register and "Språk och arbete" not in register  # not a member, and inactive


def test_an_inactive_unit_is_not_offered_for_new_participants(client, session, login_as):
    open_unit, closed = factories.make_unit(session), factories.make_unit(session)
    closed.active = False
    session.add(closed)
    session.commit()
    login_as("coach", units=[open_unit, closed])
    page = client.get("/coach/participants/new").get_data(as_text=True)
    assert open_unit.name in page and closed.name not in page
    refused = client.post("/coach/participants/new", data={
        "unit": closed.id, "intake_date": "2026-01-12", "gender": "woman", "preferred_language": "sv"})
    assert refused.status_code == 200 and "error-summary" in refused.get_data(as_text=True)


def test_deactivating_someone_ends_their_session_and_sign_in(app, client, session, login_as):
    unit = factories.make_unit(session)
    coach = factories.make_staff(session, units=[unit])
    coach_browser = _browser(app)
    coach_browser.post("/login", data={"email": coach.email, "password": factories.PASSWORD})
    assert coach_browser.get("/coach/").status_code == 200
    login_as("unit_admin", units=[unit])
    done = client.post(f"/admin/staff/{coach.id}/active", data={"active": "off"}, follow_redirects=True)
    assert "is deactivated and signed out everywhere" in done.get_data(as_text=True)
    assert coach_browser.get("/coach/").status_code == 302  # the open session is gone
    again = coach_browser.post("/login", data={"email": coach.email, "password": factories.PASSWORD})
    assert again.status_code == 200 and "Wrong email or password." in again.get_data(as_text=True)


def _link_in(html: str) -> str:
    return re.search(r'id="password-link" class="link-box" value="https://stegvis\.test(/password/[^"]+)"',
                     html).group(1)


def test_a_reset_forces_a_new_password(app, client, session, login_as):
    unit = factories.make_unit(session)
    coach = factories.make_staff(session, units=[unit])
    login_as("unit_admin", units=[unit])
    page = client.post(f"/admin/staff/{coach.id}/password")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "No mail is sent" in html
    link = _link_in(html)
    browser = _browser(app)
    old = browser.post("/login", data={"email": coach.email, "password": factories.PASSWORD})
    assert "Wrong email or password." in old.get_data(as_text=True)
    assert browser.get(link).status_code == 200
    short = browser.post(link, data={"new": "short", "confirm": "short"})
    assert "Use at least 12 characters." in short.get_data(as_text=True)
    differ = browser.post(link, data={"new": "a brand new passphrase", "confirm": "something else"})
    assert "The two new passwords differ." in differ.get_data(as_text=True)
    done = browser.post(link, data={"new": "a brand new passphrase", "confirm": "a brand new passphrase"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/login")
    assert browser.get(link).status_code == 410  # once only
    assert browser.post("/login", data={"email": coach.email,
                                        "password": "a brand new passphrase"}).status_code == 302
    assert browser.get("/password/not-a-token").status_code == 404


def test_own_account_keeps_its_role_and_has_no_self_lockout_buttons(client, login_as):
    me = login_as("unit_admin")
    page = client.get(f"/admin/staff/{me.id}").get_data(as_text=True)
    assert "You cannot change your own role." in page and "Deactivate the account" not in page
    refused = client.post(f"/admin/staff/{me.id}/active", data={"active": "off"}, follow_redirects=True)
    assert "You cannot do this to your own account." in refused.get_data(as_text=True)
    assert client.get("/admin/").status_code == 200


def test_two_factor_reset_from_the_page_is_audited(client, session, login_as):
    unit = factories.make_unit(session)
    coach = factories.make_staff(session, units=[unit])
    coach.totp_secret = "JBSWY3DPEHPK3PXP"
    session.add(coach)
    session.commit()
    admin = login_as("unit_admin", units=[unit])
    assert "Reset two-factor sign-in" in client.get(f"/admin/staff/{coach.id}").get_data(as_text=True)
    client.post(f"/admin/staff/{coach.id}/two-factor")
    session.refresh(coach)
    assert coach.totp_secret is None
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "totp_reset")).one()
    assert (event.actor_staff_id, event.object_id) == (admin.id, coach.id)


@pytest.mark.parametrize("path", ["/admin/", "/admin/units", "/admin/units/new", "/admin/staff",
                                  "/admin/staff/new", "/admin/participants/move", "/admin/audit"])
def test_every_admin_page_has_the_section_navigation_in_each_language(client, login_as, path, translated):
    for language, direction in (("sv", "ltr"), ("en", "ltr"), ("ar", "rtl")):
        login_as("admin", preferred_language=language)  # staff read their own language
        response = client.get(path)
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert f'lang="{language}" dir="{direction}"' in html
        assert 'class="admin-sections"' in html and 'aria-current="page"' in html
        assert translated(language, "Move a participant") in html
        assert all('nonce="' in tag for tag in re.findall(r"<script[^>]*>", html))
