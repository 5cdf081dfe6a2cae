"""Behind a proxy: the participant link never follows the Host header, X-Forwarded-* counts only
from trusted proxies (the audit's IP, HSTS), and rate limits fall on one account or one address,
so no guesser can lock a whole programme out."""
import re

import pyotp
import pytest
from sqlmodel import select

from app import create_app, security
from app.models import AuditEvent
from app.qr import qr_svg
from app.services import invitations as invitation_service

from . import factories

CLIENT_IP, OTHER_IP = "203.0.113.7", "198.51.100.9"


def _invitation_page(client, session, login_as, **request_options):
    unit = factories.make_unit(session)
    coach = login_as("coach", units=[unit])
    participant = factories.make_participant(session, unit=unit)
    invitation = invitation_service.issue(session, participant=participant, occasion_kind="intake",
                                          instrument_keys=["work_wheel"], created_by_id=coach.id,
                                          valid_days=14, environment="development")
    forged_host = request_options.get("headers", {}).get("Host")
    if forged_host:  # the browser sends its cookie to the host it believes it talks to
        cookie = client.get_cookie("session", domain="stegvis.test")
        client.set_cookie("session", cookie.value, domain=forged_host)
    response = client.get(f"/coach/invitations/{invitation.id}", **request_options)
    assert response.status_code == 200
    return invitation, response.get_data(as_text=True)


@pytest.mark.parametrize("headers", [{"Host": "evil.example"},
                                     {"X-Forwarded-Host": "evil.example"}])
@pytest.mark.parametrize("hops", [0, 1])
def test_a_forged_host_does_not_change_the_participant_link_or_qr(
        app, client, session, login_as, headers, hops):
    security.trust_proxies(app, hops)
    _, page = _invitation_page(client, session, login_as, headers=headers)
    assert "evil.example" not in page
    links = set(re.findall(r"[a-z]+://[^\s\"'<>]+/i/[\w.-]+", page))
    assert len(links) == 1
    link = links.pop()
    assert link.startswith("https://stegvis.test/i/")  # STEGVIS_BASE_URL (tests/conftest.py)
    with app.test_request_context():
        expected_qr = qr_svg(link, title="x")
    qr = re.search(r"<svg.*?</svg>", page, re.DOTALL).group(0)
    assert re.sub(r"<title>.*?</title>", "", qr) == re.sub(r"<title>.*?</title>", "", expected_qr)


def _failed_sign_in_ip(client, session, **request_options) -> str:
    client.post("/login", data={"email": "nobody@example.org", "password": "wrong password"},
                **request_options)
    return session.exec(select(AuditEvent.ip).where(AuditEvent.action == "login_failed")).one()


def test_trusted_proxy_gives_the_audit_the_client_address(app, client, session):
    security.trust_proxies(app, 1)
    assert _failed_sign_in_ip(client, session, headers={"X-Forwarded-For": CLIENT_IP}) == CLIENT_IP


def test_without_trusted_proxies_forwarded_for_is_ignored(client, session):
    assert _failed_sign_in_ip(client, session, headers={"X-Forwarded-For": CLIENT_IP}) == "127.0.0.1"


@pytest.mark.parametrize(("hops", "hsts"), [(1, True), (0, False)])
def test_forwarded_https_gives_hsts_only_from_a_trusted_proxy(app, client, hops, hsts):
    security.trust_proxies(app, hops)
    response = client.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert ("Strict-Transport-Security" in response.headers) is hsts
    assert "Strict-Transport-Security" not in client.get("/login").headers


def test_a_direct_https_request_gets_hsts(client):
    response = client.get("/login", base_url="https://stegvis.test")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.fixture
def limited(app, database_url):
    """A client of an app with rate limits on, behind one trusted proxy (created after `app`,
    whose limiter settings it replaces; `app` empties the tables afterwards)."""
    limited_app = create_app({"TESTING": True, "DATABASE_URL": database_url,
                              "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": True,
                              "SECRET_KEY": "k" * 32, "SERVER_NAME": "stegvis.test",
                              "TRUSTED_PROXIES": 1})
    return limited_app.test_client()


def _from(ip: str) -> dict:
    return {"headers": {"X-Forwarded-For": ip}}


def _sign_in(client, user, password=factories.PASSWORD, ip=CLIENT_IP) -> int:
    return client.post("/login", data={"email": user.email, "password": password},
                       **_from(ip)).status_code


def test_wrong_passwords_lock_that_account_only(limited, session):
    target = factories.make_staff(session, role="coach")
    colleague = factories.make_staff(session, role="coach")
    assert [_sign_in(limited, target, "wrong password") for _ in range(5)] == [200] * 5
    assert _sign_in(limited, target) == 429  # the right password waits too
    assert _sign_in(limited, target, ip=OTHER_IP) == 429  # from anywhere
    assert _sign_in(limited, colleague) == 302  # the same address, another account: not blocked
    limited.post("/logout")
    assert _sign_in(limited, colleague, "wrong password") == 200


def test_email_case_does_not_give_extra_guesses(limited, session):
    target = factories.make_staff(session, role="coach")
    for variant in (target.email, target.email.upper(), target.email.title(), " " + target.email,
                    target.email.upper()):
        limited.post("/login", data={"email": variant, "password": "wrong password"}, **_from(CLIENT_IP))
    assert _sign_in(limited, target) == 429


def test_successful_sign_ins_are_not_counted(limited, session):
    user = factories.make_staff(session, role="coach")
    for _ in range(7):
        assert _sign_in(limited, user) == 302
        limited.post("/logout")


def test_one_address_guessing_many_accounts_is_stopped_without_blocking_others(limited, session):
    guessed = [factories.make_staff(session, role="coach") for _ in range(5)]
    spray = [_sign_in(limited, user, "wrong password") for user in guessed for _ in range(4)]
    assert spray == [200] * 20
    assert _sign_in(limited, factories.make_staff(session, role="coach")) == 429  # that address
    assert _sign_in(limited, guessed[0], ip=OTHER_IP) == 302  # the account itself is not locked


def test_wrong_one_time_codes_lock_that_account_only(limited, session):
    def with_code(user):
        user.totp_secret = pyotp.random_base32()
        session.add(user)
        session.commit()
        return user

    target, colleague = with_code(factories.make_staff(session)), with_code(factories.make_staff(session))
    thief, other = limited, limited.application.test_client()
    assert _sign_in(thief, target) == 302
    statuses = [thief.post("/login/code", data={"code": "000000"}, **_from(CLIENT_IP)).status_code
                for _ in range(6)]
    assert statuses == [200] * 5 + [429]
    assert _sign_in(other, colleague) == 302
    right = other.post("/login/code", data={"code": pyotp.TOTP(colleague.totp_secret).now()},
                       **_from(CLIENT_IP))
    assert right.status_code == 302 and right.headers["Location"].endswith("/coach/")


def test_short_code_guesses_are_limited_per_address(limited):
    def guess(ip):
        return limited.post("/kod", data={"code": "AAAAAAAA"}, **_from(ip)).status_code

    assert [guess(CLIENT_IP) for _ in range(11)] == [200] * 10 + [429]
    assert guess(OTHER_IP) == 200  # a participant elsewhere (same proxy) still gets in
