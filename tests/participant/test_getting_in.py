"""Getting in: links, short codes, dead links, languages and the headers on token pages."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import select

from app import create_app
from app.models import Invitation, utcnow
from app.services import invitations
from app.tokens import invitation_token

from .conftest import follow


def break_link(app, session, invitation, link, reason):
    """Make `link` fail for `reason`; returns the link to open."""
    if reason == "unknown":
        with app.test_request_context():
            return f"/i/{invitation_token(invitation.id + 999, secret=app.secret_key)}"
    if reason == "tampered":
        return link[:-4] + ("abcd" if not link.endswith("abcd") else "efgh")
    if reason == "expired":
        invitation.expires_at = utcnow() - timedelta(seconds=1)
        session.add(invitation)
        session.commit()
    elif reason == "revoked":
        invitations.revoke(session, invitation=invitation)
    elif reason == "closed":
        invitations.close(session, invitation=invitation)
    return link


@pytest.mark.parametrize(("reason", "status"), [
    ("unknown", 404), ("tampered", 404), ("expired", 410), ("revoked", 410), ("closed", 410)])
def test_each_dead_link_gets_the_friendly_page(app, client, session, invite, catalogs, reason, status,
                                               translated):
    invitation, link = invite(["work_wheel"])
    response = client.get(break_link(app, session, invitation, link, reason),
                          headers={"Accept-Language": "ar"})
    page = response.get_data(as_text=True)
    assert response.status_code == status
    message = "Ask your coach for a new link. Your answers that were saved are not lost."
    assert translated("ar", message) in page and translated("ar", message) != message
    assert translated("sv", message) in page  # easy Swedish as well
    assert '<div class="message-box" lang="sv" dir="ltr">' in page  # easy Swedish as well
    assert '<html lang="ar" dir="rtl">' in page  # the browser's language
    assert "Traceback" not in page and invitation.short_code not in page
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_a_dead_link_also_stops_an_open_session(app, client, session, invite, catalogs):
    invitation, link = invite(["work_wheel"])
    follow(client, client.get(link))
    invitations.revoke(session, invitation=invitation)
    response = client.get("/answer/")
    assert response.status_code == 410 and "has been stopped" in response.get_data(as_text=True)


def test_answer_pages_without_an_invitation_go_to_the_code_page(client):
    assert client.get("/answer/work_wheel/health").headers["Location"].endswith("/kod")


def test_short_code_opens_the_invitation(client, session, invite, catalogs):
    invitation, _ = invite(["work_wheel"])
    code = invitation.short_code.lower()
    response = follow(client, client.post("/kod", data={"code": f"{code[:4]} {code[4:]}"}))
    assert response.request.path == "/answer/language"
    session.refresh(invitation)
    assert invitation.first_opened_at is not None


def test_wrong_short_code_says_so_on_the_same_page(client):
    response = client.post("/kod", data={"code": "AAAA-AAAA"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "We could not find that code." in page and 'href="#code"' in page


def test_short_code_is_rate_limited(database_url):
    limited = create_app({"TESTING": True, "DATABASE_URL": database_url, "WTF_CSRF_ENABLED": False,
                          "RATELIMIT_ENABLED": True, "SECRET_KEY": "x" * 32})
    client = limited.test_client()
    statuses = [client.post("/kod", data={"code": "AAAAAAAA"}).status_code for _ in range(11)]
    assert statuses[:10] == [200] * 10 and statuses[10] == 429


def test_token_pages_send_no_referrer_and_no_store(client, invite, catalogs):
    _, link = invite(["work_wheel"])
    for response in (client.get(link), follow(client, client.get("/answer/")), client.get("/kod")):
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["Cache-Control"] == "no-store, private"


def test_language_is_remembered_on_the_invitation_and_changeable(client, session, opened):
    invitation = opened(keys=["work_wheel"], language="ar")
    session.refresh(invitation)
    assert invitation.language == "ar"
    page = follow(client, client.get("/answer/")).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    assert 'href="/answer/language?next=/answer/about"' in page  # on every screen
    chooser = client.get("/answer/language").get_data(as_text=True)
    assert '<span lang="ar" dir="rtl">العربية</span>' in chooser  # each language in its own script
    assert '<span lang="sv" dir="ltr">Svenska</span>' in chooser
    client.post("/answer/language", data={"language": "en", "next": "/answer/about"})
    assert '<html lang="en" dir="ltr">' in client.get("/answer/about").get_data(as_text=True)


@pytest.mark.parametrize(("code", "html_lang"), [("ar", "ar"), ("fa_AF", "fa-AF")])
def test_right_to_left_languages_mirror(client, opened, code, html_lang):
    opened(keys=["work_wheel"], language=code)
    client.post("/answer/work_wheel/start")
    page = client.get("/answer/work_wheel/health").get_data(as_text=True)
    assert f'<html lang="{html_lang}" dir="rtl">' in page


def test_a_language_without_a_catalog_cannot_be_chosen(client, session, catalogs, opened):
    catalogs(without=["fa_AF"])
    invitation = opened(keys=["work_wheel"], language="sv")
    chooser = client.get("/answer/language").get_data(as_text=True)
    assert "دری" not in chooser  # no Dari catalog, so Dari is not offered
    response = client.post("/answer/language", data={"language": "fa_AF"})
    assert response.status_code == 200 and 'class="error-summary"' in response.get_data(as_text=True)
    session.refresh(invitation)
    assert invitation.language == "sv"


def test_language_page_only_returns_to_our_own_pages(client, opened):
    opened(keys=["work_wheel"])
    response = client.post("/answer/language", data={"language": "sv", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/answer/"


def test_invite_cli_prints_link_and_short_code(app, session, participant):
    result = app.test_cli_runner().invoke(args=[
        "invite", "--participant", participant.code, "--occasion", "intake",
        "--instruments", "work_wheel,cefr", "--base-url", "https://stegvis.example"])
    assert result.exit_code == 0, result.output
    invitation = session.exec(select(Invitation)).one()
    assert re.search(r"^Link: https://stegvis\.example/i/\S+$", result.output, re.MULTILINE)
    assert f"Short code: {invitation.short_code}" in result.output
    assert invitation.instrument_keys == ["work_wheel", "cefr"]
    refused = app.test_cli_runner().invoke(args=[
        "invite", "--participant", participant.code, "--occasion", "intake", "--instruments", "nope"])
    assert refused.exit_code != 0 and "Unknown questionnaire nope" in refused.output


def test_close_expired_cli(app, session, invite):
    invitation, _ = invite(["work_wheel"])
    invitation.expires_at = utcnow() - timedelta(days=1)
    session.add(invitation)
    session.commit()
    result = app.test_cli_runner().invoke(args=["invitations", "close-expired"])
    assert "Closed 1 expired invitation(s)." in result.output


def test_i_am_done_makes_this_browser_forget_the_invitation(client, invite, catalogs):
    _invitation, link = invite(["work_wheel"])
    follow(client, client.get(link))
    assert client.get("/answer/results").status_code == 200
    finished = client.post("/answer/done")
    assert finished.headers["Location"].endswith("/answer/finished")
    assert "You are done" in client.get("/answer/finished").get_data(as_text=True)
    assert client.get("/answer/results").headers["Location"].endswith("/kod")
    assert follow(client, client.get(link)).status_code == 200  # the link itself still works


def test_an_idle_shared_computer_forgets_the_invitation(app, client, invite, catalogs):
    from app.participant.routes import SEEN_KEY

    _invitation, link = invite(["work_wheel"])
    follow(client, client.get(link))
    with client.session_transaction() as stored:
        stored[SEEN_KEY] -= app.config["SESSION_IDLE_MINUTES"] * 60 + 1
    assert client.get("/answer/results").headers["Location"].endswith("/kod")


@pytest.mark.parametrize("target", ["/answer/\r\nSet-Cookie: x=1", "/answer/\t/evil.example",
                                    "/answer/\\evil.example", "/answer/\x00"])
def test_a_language_choice_with_a_hostile_next_goes_back_to_the_answers(client, opened, target):
    opened(["work_wheel"])
    response = client.post("/answer/language", data={"language": "en", "next": target})
    assert response.status_code == 302 and response.headers["Location"].endswith("/answer/")


def test_untranslated_texts_in_a_right_to_left_page_keep_their_own_direction(client, catalogs, opened):
    catalogs(empty=["fa_AF"])  # every Dari text falls back to English
    opened(keys=["work_wheel"], language="fa_AF")
    client.post("/answer/work_wheel/start")
    page = client.get("/answer/work_wheel/health").get_data(as_text=True)
    assert '<html lang="fa-AF" dir="rtl">' in page
    assert '<bdi lang="en" dir="ltr">Health</bdi>' in page
    assert "<title>Health – Stegvis</title>" in page  # the window title holds no markup
