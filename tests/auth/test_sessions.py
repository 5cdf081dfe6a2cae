"""Sign-in lands coaches in their caseload; idle sessions end on the server's clock."""
import time

import pytest

from app.auth.sessions import LAST_SEEN, idle_expired

from .. import factories


def test_coach_login_lands_on_the_caseload(client, session):
    user = factories.make_staff(session, role="coach")
    response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/coach/")


@pytest.mark.parametrize(("seconds_ago", "expired"), [(None, True), (60, False), (29 * 60, False),
                                                      (31 * 60, True)])
def test_idle_expiry_rule(seconds_ago, expired):
    now = 1_000_000.0
    last = None if seconds_ago is None else now - seconds_ago
    assert idle_expired(last, now=now, idle_minutes=30) is expired


def test_a_session_idle_longer_than_allowed_is_signed_out(client, login_as):
    login_as("coach")
    assert client.get("/coach/").status_code == 200
    with client.session_transaction() as stored:
        stored[LAST_SEEN] = time.time() - 31 * 60
    response = client.get("/coach/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    # Signed out for good, not just redirected once.
    assert client.get("/coach/").status_code == 302


def test_activity_keeps_the_session_alive(client, login_as):
    login_as("coach")
    with client.session_transaction() as stored:
        stored[LAST_SEEN] = time.time() - 29 * 60
    assert client.get("/coach/").status_code == 200
    with client.session_transaction() as stored:
        assert time.time() - stored[LAST_SEEN] < 5


def test_idle_limit_comes_from_settings(app, client, login_as):
    app.config["SESSION_IDLE_MINUTES"] = 1
    login_as("coach")
    with client.session_transaction() as stored:
        stored[LAST_SEEN] = time.time() - 90
    assert client.get("/coach/").status_code == 302


def _in_english(session, user):
    """Signed-in pages follow the user's language; assertions read the English msgids."""
    user.preferred_language = "en"
    session.add(user)
    session.commit()
    return user


def test_change_own_password(client, session, login_as):
    user = _in_english(session, login_as("coach"))
    new = "a much longer new passphrase"
    wrong = client.post("/account/password", data={"current": "nope", "new": new, "confirm": new})
    assert "not your current password" in wrong.get_data(as_text=True)
    ok = client.post("/account/password",
                     data={"current": factories.PASSWORD, "new": new, "confirm": new})
    assert ok.status_code == 302
    client.post("/logout")
    assert client.post("/login", data={"email": user.email, "password": factories.PASSWORD}).status_code == 200
    assert client.post("/login", data={"email": user.email, "password": new}).status_code == 302


def test_short_new_password_is_refused(client, session, login_as):
    _in_english(session, login_as("coach"))
    response = client.post("/account/password",
                           data={"current": factories.PASSWORD, "new": "short", "confirm": "short"})
    assert response.status_code == 200
    assert "at least 12 characters" in response.get_data(as_text=True)
