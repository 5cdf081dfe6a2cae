"""The cohort page and its tables download show the same tables: read the workbook back with
openpyxl and compare it, cell by cell, with the page (on SQLite and PostgreSQL)."""
import io
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from app.models import AuditEvent

from .. import factories
from .cohort_data import add_assessment, make_cohort, wheel

WOMEN = [("woman", 4, 6), ("woman", 5, 6), ("woman", 6, 6), ("woman", 5, 4), ("woman", 5, 8)] * 2
MEN = [("man", 2, 4)] * 5 + [("man", 3, 3)]


class PageTables(HTMLParser):
    """Each table of the page by id: its title and per row the label and the cells' main
    text, interval and n (the parts a workbook puts in columns of their own)."""

    def __init__(self):
        super().__init__()
        self.tables, self.table, self.row, self.part, self.cell = {}, None, None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and (attrs.get("id") or "").startswith("table-"):
            self.table = self.tables.setdefault(attrs["id"][6:], [])
        elif self.table is None:
            return
        elif tag == "tr":
            self.row = None
        elif tag == "th" and attrs.get("scope") == "row":
            self.row = {"label": "", "cells": []}
            self.table.append(self.row)
            self.part = "label"
        elif tag == "td" and self.row is not None:
            self.cell = {"text": "", "ci": "", "n": ""}
            self.row["cells"].append(self.cell)
            self.part = "text"
        elif tag == "span" and self.cell is not None:
            self.part = {"ci": "ci", "cell-n": "n"}.get(attrs.get("class"), self.part)

    def handle_endtag(self, tag):
        if tag == "table":
            self.table = None
        elif tag in ("td", "th"):
            self.part, self.cell = None, None if tag == "td" else self.cell
        elif tag == "span" and self.cell is not None:
            self.part = "text"

    def handle_data(self, data):
        if self.part == "label":
            self.row["label"] += data
        elif self.part and self.cell is not None:
            self.cell[self.part] += data


def shown(value, number_format):
    """A workbook cell as the page (English locale) prints it."""
    if value is None or isinstance(value, str):
        return value or ""
    decimals = len(number_format.split(";")[0].split(".")[1].split(" ")[0]) \
        if "." in number_format else 0
    text = f"{abs(value):,.{decimals}f}"
    if number_format.startswith("+"):
        text = ("+" if value > 0 else "−" if value < 0 else "±") + text
    elif value < 0:
        text = "-" + text
    return text + (" %" if '"%"' in number_format else "")


@pytest.fixture
def cohort_page(client, session, login_as):
    unit = factories.make_unit(session)
    people = make_cohort(session, unit, WOMEN + MEN, days=203)
    for person in people[:3]:  # three leave without an exit answer: registered, not paired
        add_assessment(session, person, "midway", "work_wheel", wheel(5), on=date(2025, 5, 1))
    extra = make_cohort(session, unit, [("woman", 5, 5)] * 1, days=100)
    add_assessment(session, extra[0], "follow_up", "work_wheel", wheel(7),
                   on=date(2025, 2, 3) + timedelta(days=300))
    login_as("evaluator", units=[unit])
    html = client.get("/evaluator/").get_data(as_text=True)
    parser = PageTables()
    parser.feed(html)
    return html, parser.tables


def test_the_workbook_holds_the_page_tables_exactly(client, session, cohort_page):
    html, page = cohort_page
    response = client.get("/evaluator/tables.xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith('.xlsx"')
    book = load_workbook(io.BytesIO(response.data))
    cover, *sheets = book.worksheets
    assert [s.title for s in sheets][:2] == ["Intake and exit", "The MAP2020 table"]
    assert set(page) >= {"means", "map2020", "shares", "effect", "periods", "attrition"}
    by_title = {sheet.cell(row=1, column=1).value: sheet for sheet in sheets}
    compared = 0
    for key, rows in page.items():
        title = html.split(f'id="{key}-heading">')[1].split("<")[0]
        sheet = by_title[title.replace("&#39;", "'")]
        lines = list(sheet.iter_rows())
        first = next(i for i, line in enumerate(lines) if line[0].value == rows[0]["label"])
        headings = [c.value for c in lines[first - 1]]
        data_rows = {line[0].value: line for line in lines[first:] if line[0].value}
        for row in rows:
            cells = list(data_rows[row["label"]][1:])
            column = 0
            for cell in row["cells"]:
                written = cells[column]
                assert shown(written.value, written.number_format) == cell["text"].strip(), (
                    key, row["label"], column)
                column += 1
                if column < len(cells) and headings[column + 1] == "95 % CI":
                    assert (cells[column].value or "") == cell["ci"].strip().replace(",", "")
                    column += 1
                if column < len(cells) and headings[column + 1] == "n":
                    expected = cell["n"].replace("n = ", "").strip()
                    assert str(cells[column].value or "") == expected, (key, row["label"])
                    column += 1
                compared += 1
    assert compared > 100
    assert "–" in [c.value for s in sheets for r in s.iter_rows() for c in r]  # hidden stays hidden
    lines = {r[0].value: r[1].value for r in cover.iter_rows()}
    assert lines["Smallest group shown (k)"] == "5"
    assert lines["Compare"] == "Intake → exit" and lines["Unit"] == "All"
    assert lines["Downloaded"] == date.today().isoformat()
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "tables.downloaded")).one()
    assert "means" in event.details["tables"]


def test_the_page_names_the_test_and_gives_n_for_every_share(cohort_page):
    html, page = cohort_page
    health = next(r for r in page["effect"] if r["label"].startswith("Health"))
    tests = [c["text"].strip() for c in health["cells"][2::3]]
    assert tests[0] == "exact, with ties" and all(t for t in tests)
    for row in page["shares"]:
        assert all(c["n"].startswith("n = ") or c["text"] == "–" for c in row["cells"])
    assert "at least 6 of the 7 areas" in html
    assert 'id="health-wheel-note"' in html and 'value="health_wheel"' not in html


def test_health_wheel_statistics_and_its_sources_once_the_organisation_opted_in(
        client, session, login_as):
    from app.models import Organisation
    from app.services.organisations import set_health_statistics

    unit = factories.make_unit(session)
    set_health_statistics(session, organisation=session.get(Organisation, unit.organisation_id),
                          on=True)
    login_as("evaluator", units=[unit])
    html = client.get("/evaluator/?instrument=health_wheel").get_data(as_text=True)
    assert 'selected value="health_wheel"' in html and 'id="health-wheel-note"' not in html
    sources = html.split('id="area-sources">')[1].split("</p>")[0]
    assert "Areas from MAP2020's Health Wheel: Stress, Food and meals, Moving your body" in sources
    assert "Areas Stegvis added: Sleep" in sources
    assert "at least 7 of the 9 areas" in html


@pytest.mark.parametrize("instrument", ["work_wheel", "kasam13", "cefr"])
@pytest.mark.parametrize("comparison", ["intake-exit", "exit-follow_up"])
def test_every_questionnaire_and_comparison_renders_and_downloads(client, login_as, instrument,
                                                                  comparison):
    login_as("evaluator")
    query = f"?instrument={instrument}&comparison={comparison}"
    page = client.get(f"/evaluator/{query}")
    assert page.status_code == 200 and f'selected value="{comparison}"' in page.get_data(as_text=True)
    book = load_workbook(io.BytesIO(client.get(f"/evaluator/tables.xlsx{query}").data))
    assert len(book.worksheets) >= 3


def test_no_text_in_the_workbook_is_stored_as_a_formula():
    from app.services.tables import workbook_bytes
    hostile = ['=HYPERLINK("http://x")', "@SUM(1)"]
    content = workbook_bytes([], [("Unit", hostile[0]), ("Gender", hostile[1])],
                             labels={"cover": "Selection", "interval": "95 %"})
    sheet = load_workbook(io.BytesIO(content)).active
    cells = [cell for line in sheet.iter_rows() for cell in line if cell.column == 2]
    assert [(cell.value, cell.data_type) for cell in cells] == [(hostile[0], "s"), (hostile[1], "s")]
