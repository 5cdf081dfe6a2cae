"""Ending staff sessions for real: a copied cookie dies with sign-out, a new password,
deactivation and "sign out everywhere"; a forged one never lives; none outlives SESSION_MAX_HOURS.

"Copied" means what an attacker at a shared computer does: take the cookie jar of a signed-in
browser and replay it from another (here: a second test client).
"""
import time

import pytest
from flask import Flask
from sqlmodel import select

from app.auth.sessions import LAST_SEEN, SIGNED_IN_AT, lifetime_expired
from app.config import DEV_SECRET_KEY
from app.models import AuditEvent, StaffUser

from .. import factories

NEW_PASSWORD = "a much longer new passphrase"


def _copy_of(app, client):
    """A second browser holding a copy of `client`'s session cookie."""
    domain = app.config["SERVER_NAME"]
    stolen = client.get_cookie("session", domain=domain)
    assert stolen is not None, "the first browser is not signed in"
    thief = app.test_client()
    thief.set_cookie("session", stolen.value, domain=domain)
    return thief


def _signed_in(browser) -> bool:
    response = browser.get("/coach/")
    assert response.status_code in (200, 302)
    return response.status_code == 200


@pytest.fixture
def coach_and_copy(app, client, login_as):
    """A signed-in coach and a copy of their cookie, which works as long as the session does."""
    coach = login_as("coach")
    thief = _copy_of(app, client)
    assert _signed_in(thief) and _signed_in(client)
    return coach, thief


def test_signing_out_ends_the_copied_session_too(client, coach_and_copy):
    _, thief = coach_and_copy
    client.post("/logout")
    assert not _signed_in(thief)
    assert not _signed_in(client)


def test_a_new_password_ends_other_sessions_and_keeps_this_one(client, coach_and_copy):
    _, thief = coach_and_copy
    response = client.post("/account/password", data={
        "current": factories.PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert not _signed_in(thief)
    assert _signed_in(client)


def test_a_password_set_from_the_command_line_ends_every_session(app, client, coach_and_copy):
    coach, thief = coach_and_copy
    result = app.test_cli_runner().invoke(args=["staff", "set-password", "--email", coach.email,
                                                "--password", NEW_PASSWORD])
    assert result.exit_code == 0, result.output
    assert not _signed_in(thief) and not _signed_in(client)


def test_deactivation_ends_every_session_and_reactivation_does_not_revive_them(
        app, client, session, coach_and_copy):
    coach, thief = coach_and_copy
    result = app.test_cli_runner().invoke(args=["staff", "deactivate", "--email", coach.email])
    assert result.exit_code == 0, result.output
    assert not _signed_in(thief) and not _signed_in(client)
    session.expire_all()
    stored = session.get(StaffUser, coach.id)
    assert stored.active is False
    stored.active = True  # turned on again, e.g. someone came back
    session.add(stored)
    session.commit()
    assert not _signed_in(thief)
    actions = session.exec(select(AuditEvent.action).where(AuditEvent.object_id == coach.id)).all()
    assert "staff_deactivated" in actions


def test_sign_out_everywhere_is_a_button_on_the_account_page_and_is_audited(
        client, session, coach_and_copy):
    coach, thief = coach_and_copy
    page = client.get("/account/password").get_data(as_text=True)
    assert 'action="/account/sign-out-everywhere"' in page
    response = client.post("/account/sign-out-everywhere")
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert not _signed_in(thief) and not _signed_in(client)
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "signed_out_everywhere")).one()
    assert event.actor_staff_id == coach.id and event.object_id == coach.id


def test_signing_out_on_one_device_does_not_touch_another_user(app, client, session, login_as):
    other = factories.make_staff(session, role="coach")
    elsewhere = app.test_client()
    elsewhere.post("/login", data={"email": other.email, "password": factories.PASSWORD})
    login_as("coach")
    client.post("/account/sign-out-everywhere")
    assert _signed_in(elsewhere)


def _forged_cookie(secret: str, claims: dict) -> str:
    """A session cookie as Flask would sign it with `secret`."""
    forger = Flask("forger")
    forger.secret_key = secret
    return forger.session_interface.get_signing_serializer(forger).dumps(claims)


def test_a_cookie_forged_with_the_public_development_secret_is_refused(app, session):
    coach = factories.make_staff(session, role="coach")
    now = time.time()
    claims = {"_user_id": f"{coach.id}:{coach.session_generation}", "_fresh": True,
              LAST_SEEN: now, SIGNED_IN_AT: now}
    forged, control = app.test_client(), app.test_client()
    forged.set_cookie("session", _forged_cookie(DEV_SECRET_KEY, claims), domain="stegvis.test")
    assert not _signed_in(forged)
    # The same claims signed with the app's own secret do get in: the refusal is the secret's.
    control.set_cookie("session", _forged_cookie(app.secret_key, claims), domain="stegvis.test")
    assert _signed_in(control)


@pytest.mark.parametrize("user_id", ["{id}", "{id}:{old}", "{id}:x", "99999999999999999999999:0"])
def test_a_session_without_the_current_generation_is_refused(client, session, login_as, user_id):
    coach = login_as("coach")
    client.post("/logout")  # the generation moves on
    client.post("/login", data={"email": coach.email, "password": factories.PASSWORD})
    session.refresh(coach)
    with client.session_transaction() as stored:
        stored["_user_id"] = user_id.format(id=coach.id, old=coach.session_generation - 1)
    assert not _signed_in(client)


@pytest.mark.parametrize(("hours_ago", "expired"), [(None, True), (1, False), (9.9, False),
                                                    (10.1, True)])
def test_lifetime_rule(hours_ago, expired):
    now = 1_000_000.0
    started = None if hours_ago is None else now - hours_ago * 3600
    assert lifetime_expired(started, now=now, max_hours=10) is expired


def test_an_active_session_still_ends_after_the_absolute_lifetime(app, client, login_as):
    app.config["SESSION_MAX_HOURS"] = 2
    login_as("coach")
    with client.session_transaction() as stored:
        stored[SIGNED_IN_AT] = time.time() - 2 * 3600 - 60
        stored[LAST_SEEN] = time.time() - 10  # busy right up to now
    response = client.get("/coach/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert "signed in many hours ago" in client.get("/login").get_data(as_text=True)
    assert not _signed_in(client)


def test_a_session_within_its_lifetime_carries_on(app, client, login_as):
    login_as("coach")
    with client.session_transaction() as stored:
        stored[SIGNED_IN_AT] = time.time() - 9 * 3600
    assert _signed_in(client)
