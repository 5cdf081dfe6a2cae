"""Licensed instruments in the browser: the list of versions, and loading licensed wording."""
from __future__ import annotations

import io

import pytest
from sqlmodel import select

from app.models import AuditEvent, InstrumentLicence
from app.services import licences

from ..instruments.test_licences import licensed_file

PERMISSION = {"permission_ref": "Avtal 2024-17", "granted_by": "Innehavaren",
              "granted_on": "2024-05-02", "scope": "Norrby kommun 2024–2026"}


def _upload(client, content: bytes, name: str = "kasam-sv.toml", **fields):
    return client.post("/admin/instruments/licences/new", content_type="multipart/form-data",
                       data={**PERMISSION, **fields, "file": (io.BytesIO(content), name)})


def test_the_list_shows_every_version_and_what_waits_for_a_licence(client, login_as):
    login_as("admin")
    html = client.get("/admin/instruments").get_data(as_text=True)
    for key in ("work_wheel", "health_wheel", "cefr", "kasam13"):
        assert f"({key})" in html
    assert html.count("No licence needed") == 3
    assert "Waiting for a licence" in html and "None loaded" in html


def test_an_admin_loads_licensed_wording_with_its_permission(client, session, login_as):
    admin = login_as("admin")
    response = _upload(client, licensed_file("sv").encode())
    assert response.status_code == 302, response.get_data(as_text=True)
    row = session.exec(select(InstrumentLicence)).one()
    assert (row.instrument_key, row.language, row.permission_ref, row.loaded_by_id) == (
        "kasam13", "sv", "Avtal 2024-17", admin.id)
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "licence.loaded")).one()
    assert event.actor_staff_id == admin.id and event.ip
    assert event.details == {"instrument": "kasam13-1", "language": "sv",
                             "permission": "Avtal 2024-17", "replaced": False}
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Licensed wording loaded." in html and "Waiting for a licence" not in html
    assert "permission Avtal 2024-17, granted by Innehavaren" in html


def test_loading_a_language_again_needs_the_replace_choice(client, session, login_as):
    login_as("admin")
    assert _upload(client, licensed_file("sv").encode()).status_code == 302
    again = _upload(client, licensed_file("sv").encode(), permission_ref="Avtal 2")
    assert "already has licensed wording in the language sv" in again.get_data(as_text=True)
    assert session.exec(select(InstrumentLicence)).one().permission_ref == "Avtal 2024-17"
    replaced = _upload(client, licensed_file("sv").encode(), permission_ref="Avtal 2", replace="y")
    assert replaced.status_code == 302
    session.expire_all()
    assert session.exec(select(InstrumentLicence)).one().permission_ref == "Avtal 2"
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "licence.loaded")
                         .order_by(AuditEvent.id.desc())).first()
    assert event.details["replaced"] is True
    assert event.details["permission"] == {"before": "Avtal 2024-17", "after": "Avtal 2"}


BROKEN = [
    (licensed_file("sv", flip="q1").encode(), "kasam-sv.toml: items[0].reverse: is"),
    (licensed_file("sv", drop_anchor="q2").encode(), "kasam-sv.toml: items[1].anchors: points"),
    (b'key = "kasam13"\nversion = 1\nlanguage = "sv"\nitems = [\n', "kasam-sv.toml: not valid TOML"),
    (b"a = " + b"[" * 50_000, "kasam-sv.toml: not valid TOML: nested too deeply"),
    (b"key = \"kasam13\"\nversion = 1\ntitle = \"\xff\xfe\"\n", "kasam-sv.toml: not UTF-8 text"),
    (b"version = 1\n", "kasam-sv.toml: key: required field is missing"),
    (b'key = "kasam13"\nversion = [1]\n', "kasam-sv.toml: version: must be a whole number"),
    (b'key = "kasam13"\nversion = true\n', "kasam-sv.toml: version: must be a whole number"),
    (b'key = ["kasam13"]\nversion = 1\n', "kasam-sv.toml: key: must be text"),
    (b'key = "kasam13"\nversion = 9\n', "Stegvis has no instrument kasam13-9 to load wording for."),
    (b'key = "work_wheel"\nversion = 1\n', "work_wheel-1 needs no licence: there is nothing to load."),
    (b'key = "kasam13"\nversion = 1\nlanguage = "sv"\n', "kasam-sv.toml: items: required field is missing"),
    (licensed_file("sv").replace('language = "sv"', 'language = "svenska!"').encode(),
     "kasam-sv.toml: language:"),
    (b"\x00\x01\x02 PK zip?", "kasam-sv.toml: not valid TOML"),
]


@pytest.mark.parametrize(("content", "problem"), BROKEN, ids=[p for _, p in BROKEN])
def test_a_broken_licence_file_is_refused_with_its_problem_named(client, session, login_as,
                                                                  content, problem):
    login_as("admin")
    response = _upload(client, content)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "error-summary" in html and problem in html.replace("&#39;", "'").replace("&#34;", '"')
    assert session.exec(select(InstrumentLicence)).all() == []
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "licence.loaded")).all() == []


def test_an_oversized_upload_is_refused_before_it_is_read(client, session, login_as):
    login_as("admin")
    big = b"# " + b"x" * (licences.MAX_FILE_BYTES + 10)
    refused = _upload(client, big)
    assert refused.status_code == 200 and "The file is larger than 256 KB." in refused.get_data(as_text=True)
    huge = _upload(client, big * 2)
    assert huge.status_code == 413 and "The file is larger than 256 KB." in huge.get_data(as_text=True)
    assert session.exec(select(InstrumentLicence)).all() == []


def test_the_form_asks_for_the_file_and_the_permission(client, session, login_as):
    login_as("admin")
    html = client.post("/admin/instruments/licences/new", data={}).get_data(as_text=True)
    assert "Choose the file to load." in html and "This field is required." in html
    missing = _upload(client, licensed_file("sv").encode(), permission_ref=" ")
    assert "error-summary" in missing.get_data(as_text=True)
    assert session.exec(select(InstrumentLicence)).all() == []


@pytest.mark.parametrize("role", ["unit_admin", "coach", "evaluator"])
def test_only_admins_reach_the_licences(client, login_as, role):
    login_as(role)
    assert client.get("/admin/instruments").status_code == 403
    assert _upload(client, licensed_file("sv").encode()).status_code == 403
