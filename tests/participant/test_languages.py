"""Each language a participant can choose carries them through all four questionnaires: every
page in that language, laid out in its direction, with no English left on the way."""
from __future__ import annotations

import pytest
from markupsafe import escape
from sqlmodel import select

from app.catalogs import read_catalog
from app.config import PROJECT_ROOT
from app.i18n import BY_CODE
from app.models import Assessment

from .conftest import ALL_FOUR, follow
from .test_flow import answer_everything

LANGUAGES = ["fa_AF", "so", "ti", "uk"]
# English a participant would see if a page fell back to the source language.
ENGLISH = ["How satisfied are you with this part of your life?", "Next", "Question 1 of",
           "Choose the last sentence that is true for you", "Thank you!"]


class Recording:
    """A test client that keeps every page it was given, for asserts on the whole walk."""

    def __init__(self, client):
        self.client, self.pages = client, []

    def _keep(self, response):
        if response.status_code == 200 and response.mimetype == "text/html":
            self.pages.append((response.request.path, response.get_data(as_text=True)))
        return response

    def get(self, *args, **kwargs):
        return self._keep(self.client.get(*args, **kwargs))

    def post(self, *args, **kwargs):
        return self._keep(self.client.post(*args, **kwargs))


def _catalog_text(locale: str, msgid: str, context: str | None = None) -> str:
    """The msgstr as a page shows it (HTML-escaped)."""
    message = read_catalog(PROJECT_ROOT / "translations", locale).get(msgid, context=context)
    assert message and message.string, (locale, context, msgid)
    return str(escape(message.string))


@pytest.mark.parametrize("code", LANGUAGES)
def test_a_participant_completes_all_four_questionnaires_in_their_language(
        client, session, invite, code):
    language = BY_CODE[code]
    invitation, link = invite(ALL_FOUR)
    follow(client, client.get(link))
    chooser = client.get("/answer/language").get_data(as_text=True)
    assert (f'<span lang="{language.html_lang}" dir="{language.direction}">'
            f"{language.native_name}</span>") in chooser
    assert client.post("/answer/language", data={"language": code, "next": "/answer/"}).status_code == 302

    browser = Recording(client)
    seen = answer_everything(browser)
    browser.get("/answer/results")

    rows = session.exec(select(Assessment).where(Assessment.invitation_id == invitation.id)).all()
    assert {row.instrument_key for row in rows} == set(ALL_FOUR)
    assert all(row.completed_at is not None for row in rows)
    pages = dict(browser.pages)
    assert len(pages) >= len(set(seen)) - 1  # every page of the walk was seen (redirects aside)
    for path, page in browser.pages:
        assert f'<html lang="{language.html_lang}" dir="{language.direction}">' in page, path
        leaked = [text for text in ENGLISH if text in page]
        assert leaked == [], (path, leaked)
    question = pages["/answer/work_wheel/competence"]
    assert _catalog_text(code, "How satisfied are you with this part of your life?",
                         "work_wheel-1.question") in question
    assert _catalog_text(code, "Next") in question
    assert _catalog_text(code, "Not at all satisfied", "health_wheel-1.scale.satisfaction.1") \
        in pages["/answer/health_wheel/sleep"]
    statements = pages["/answer/cefr/listening"]
    assert _catalog_text(code, "I understand short, clear talk about everyday things, like shopping "
                               "and work.", "cefr-1.listening.A2") in statements
    assert _catalog_text(code, "Thank you!") in pages["/answer/thanks"]
    assert _catalog_text(code, "Your answers") in pages["/answer/results"]
