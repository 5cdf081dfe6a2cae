"""A participant completes all four instruments on a 360 px phone, in every language on offer;
every kind of participant page gets an axe-core run, and no request leaves 127.0.0.1."""
from __future__ import annotations

import os
from urllib.parse import urlsplit

import pytest

from app.i18n import BY_CODE

pytestmark = pytest.mark.browser

ALL_FOUR = ["work_wheel", "health_wheel", "cefr", "kasam13"]
AXE_RUN = """async () => {
  const r = await axe.run(document, {runOnly: {type: 'tag', values:
    ['wcag2a','wcag2aa','wcag21a','wcag21aa','wcag22aa','best-practice']}, resultTypes: ['violations']});
  return r.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}));
}"""
SCREENSHOTS = os.environ.get("STEGVIS_SCREENSHOTS")  # a folder to keep screenshots in


def page_kind(page) -> str:
    """A name for the kind of screen, so axe runs once per kind and language."""
    path = urlsplit(page.url).path
    if path.endswith("/start"):
        return "start-consent" if page.locator("input[name=consent]").count() else (
            "start-language" if page.locator("input[name=target_language]").count() else "start")
    if path.startswith("/answer/") and path.count("/") == 3 and page.locator("form[data-instant]").count():
        if page.locator("textarea").count():
            return "question-text"
        return "question-statements" if page.locator(".statements").count() else "question-scale"
    return path.strip("/").replace("/", "-") or "home"


def new_invitation(app, base_url, keys=ALL_FOUR):
    from app.db import session_scope
    from app.services import invitations
    from tests.factories import make_participant

    with app.test_request_context(), session_scope(app) as session:
        invitation = invitations.issue(session, participant=make_participant(session),
                                       occasion_kind="intake", instrument_keys=keys,
                                       environment="development")
        return invitations.link_for(invitation, base_url=base_url, secret=app.secret_key)


class Walk:
    """One phone going through an invitation, checking every new kind of page with axe."""

    def __init__(self, browser, axe, language):
        self.context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True,
                                           has_touch=True, device_scale_factor=2,
                                           locale=BY_CODE[language].html_lang)
        self.page = self.context.new_page()
        self.axe, self.language = axe, language
        self.foreign: list[str] = []
        self.violations: dict[str, list] = {}
        self.kinds: list[str] = []
        self.overflow: list[str] = []
        self.page.on("request", self._request)

    def _request(self, request):
        if urlsplit(request.url).hostname not in ("127.0.0.1", None):
            self.foreign.append(request.url)

    def check(self):
        kind = page_kind(self.page)
        if kind in self.kinds:
            return kind
        self.kinds.append(kind)
        self.page.evaluate(self.axe)
        found = self.page.evaluate(AXE_RUN)
        if found:
            self.violations[kind] = found
        if self.page.evaluate("document.documentElement.scrollWidth > window.innerWidth"):
            self.overflow.append(kind)
        if SCREENSHOTS:
            self.page.screenshot(path=f"{SCREENSHOTS}/{self.language}-{kind}.png", full_page=True)
        return kind

    def next(self):
        with self.page.expect_navigation():
            self.page.locator("form.question-form button[type=submit]:not([name]), "
                              "main form button.button-wide").first.click()

    def answer_everything(self, link):
        page = self.page
        page.goto(link)
        self.check()
        page.locator(f"input[name=language][value={self.language}]").locator("xpath=..").click()
        self.next()
        for _ in range(60):
            kind = self.check()
            if kind == "answer-about":
                with page.expect_navigation():
                    page.locator("a.button").click()
            elif kind.startswith("start"):
                for name in ("consent", "target_language"):
                    choice = page.locator(f"input[name={name}]")
                    if choice.count():
                        choice.first.locator("xpath=..").click()
                self.next()
            elif kind == "question-text":
                page.fill("textarea", "Matlagning" if self.language == "sv" else "طبخ")
                self.next()
            elif kind.startswith("question"):
                options = page.locator("input[name=value]")
                with page.expect_navigation():  # a tap saves and moves on by itself
                    options.nth(min(3, options.count() - 1)).locator("xpath=..").click()
            elif kind == "answer-thanks":
                with page.expect_navigation():
                    page.locator("a.button").click()
                self.check()
                return
        raise AssertionError(f"did not reach the end; kinds seen: {self.kinds}")


@pytest.mark.parametrize("language", ["sv", "ar", "en", "fa_AF", "so", "ti", "uk"])
def test_complete_all_four_on_a_phone_with_no_axe_violations(browser, axe, live_app, language):
    app, base_url = live_app
    walk = Walk(browser, axe, language)
    walk.answer_everything(new_invitation(app, base_url))
    walk.page.goto(f"{base_url}/kod")
    walk.check()
    walk.page.goto(f"{base_url}/i/not-a-real-token")
    walk.check()
    html = walk.page.locator("html")
    assert html.get_attribute("dir") == BY_CODE[language].direction
    walk.context.close()
    assert {"question-scale", "question-statements", "question-text", "start-consent",
            "start-language", "answer-results", "answer-thanks", "kod"} <= set(walk.kinds)
    assert walk.violations == {}, walk.violations
    assert walk.foreign == [], walk.foreign
    assert walk.overflow == [], f"wider than 360 px: {walk.overflow}"
