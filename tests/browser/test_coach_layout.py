"""The coach's pages in Chromium: they fit a 1280 px laptop in Swedish, English and Arabic, and
every demo participant's report prints on one A4 page with no table running into another, no
text outside its column and no chart label cut off (in the participant's language and
direction, Swedish alongside)."""
from __future__ import annotations

import re

import pytest
from sqlmodel import select

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1280, "height": 800}
WIDTHS = """() => [document.documentElement.scrollWidth,
  Math.max(0, ...[...document.querySelectorAll('.table-scroll')].map(e => e.scrollWidth - e.clientWidth))]"""
# In print layout: elements wider than their box or sticking out of their parent, tables of
# neighbouring panels overlapping, chart texts outside their SVG.
PRINT_PROBLEMS = """() => {
  const problems = [];
  const inside = (r, p) => r.left >= p.left - 1 && r.right <= p.right + 1;
  for (const el of document.querySelectorAll('.report table, .report-panel, .action-plan, .report .chart-canvas')) {
    if (el.scrollWidth > el.clientWidth + 1 || !inside(el.getBoundingClientRect(), el.parentElement.getBoundingClientRect()))
      problems.push('too wide: ' + el.className);
  }
  const tables = [...document.querySelectorAll('.report-grid table')].map(t => t.getBoundingClientRect());
  tables.forEach((a, i) => tables.slice(i + 1).forEach(b => {
    if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) problems.push('tables overlap');
  }));
  for (const svg of document.querySelectorAll('.report svg.main-svg')) {
    const s = svg.getBoundingClientRect();
    for (const t of svg.querySelectorAll('text')) {
      const r = t.getBoundingClientRect();
      if (r.width && (r.left < s.left - 1 || r.right > s.right + 1 || r.top < s.top - 1 || r.bottom > s.bottom + 1))
        problems.push('cut off: ' + t.textContent);
    }
  }
  return problems;
}"""


@pytest.fixture(scope="module")
def demo(live_app):
    """The demo organisation in the live app: (base_url, every demo participant's id and
    language, the ids of the widest participant pages: most occasions answered, own words)."""
    from sqlalchemy import func

    from app.db import session_scope
    from app.demo import UNITS, load_demo
    from app.models import Answer, Assessment, Participant, Unit

    app, base_url = live_app
    with session_scope(app) as session:
        load_demo(session, password="stegvis-demo")
        demo_units = select(Unit.id).where(Unit.name.in_(UNITS))
        people = session.exec(select(Participant.id, Participant.preferred_language)
                              .where(Participant.unit_id.in_(demo_units))
                              .order_by(Participant.id)).all()
        by_occasions = session.exec(
            select(Assessment.participant_id).where(Assessment.participant_id.in_([p for p, _ in people]))
            .group_by(Assessment.participant_id)
            .order_by(func.count(func.distinct(Assessment.occasion_id)).desc(),
                      Assessment.participant_id).limit(4)).all()
        with_words = session.exec(
            select(Assessment.participant_id).join(Answer, Answer.assessment_id == Assessment.id)
            .where(Answer.text.is_not(None), Assessment.participant_id.in_([p for p, _ in people]))
            .distinct().limit(2)).all()
    return base_url, people, sorted(set(by_occasions) | set(with_words))


def _open(page, url: str) -> None:
    """Load `url` and wait until every chart is drawn (charts size themselves to their box)."""
    page.goto(url)
    page.wait_for_function("[...document.querySelectorAll('.chart-canvas')]"
                           ".every(c => c.querySelector('svg.main-svg'))")


def _coach(browser, base_url):
    """A laptop browser signed in as the demo coach."""
    page = browser.new_context(viewport=LAPTOP).new_page()
    page.goto(f"{base_url}/login")
    page.fill("input[name=email]", "coach@example.org")
    page.fill("input[name=password]", "stegvis-demo")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    return page


def _speak(live_app, language: str) -> None:
    """The demo coach's pages in `language` from their next request on."""
    from app.db import session_scope
    from app.services.staff import find_by_email

    app, _ = live_app
    with session_scope(app) as session:
        coach = find_by_email(session, "coach@example.org")
        coach.preferred_language = language
        session.add(coach)
        session.commit()


@pytest.mark.parametrize("language", ["sv", "en", "ar"])
def test_coach_pages_fit_a_1280_px_laptop(browser, live_app, demo, language):
    base_url, _people, widest = demo
    _speak(live_app, language)
    page = _coach(browser, base_url)
    too_wide = {}
    paths = ["/coach/", "/coach/due"] + [f"/coach/participants/{pid}" for pid in widest]
    for path in paths:
        _open(page, base_url + path)
        assert page.locator("html").get_attribute("lang").startswith(language[:2])
        page_width, hidden_in_scroll_box = page.evaluate(WIDTHS)
        if page_width > LAPTOP["width"] or hidden_in_scroll_box:
            too_wide[path] = (page_width, hidden_in_scroll_box)
    page.context.close()
    assert too_wide == {}, f"wider than 1280 px (page width, columns scrolled out of view): {too_wide}"


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def test_every_demo_report_prints_on_one_page_without_overlap(browser, live_app, demo):
    base_url, people, _widest = demo
    _speak(live_app, "sv")
    page = _coach(browser, base_url)
    languages, faults = set(), {}
    for pid, language in people:
        _open(page, f"{base_url}/coach/participants/{pid}/report")
        languages.add(page.locator("html").get_attribute("dir"))
        page.emulate_media(media="print")
        problems = page.evaluate(PRINT_PROBLEMS)
        page.emulate_media(media=None)
        pages = _pages(page.pdf(format="A4", prefer_css_page_size=True))
        if problems or pages != 1:
            faults[(pid, language)] = (pages, problems)
    page.context.close()
    assert languages == {"ltr", "rtl"}
    assert faults == {}, f"reports that do not print right (pages, problems): {faults}"
