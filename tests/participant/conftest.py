"""Participant fixtures: an invitation opened in a test client, with languages on offer.

Languages are offered when their catalog exists; tests that need a language whose catalog is
not written yet point the app at a copy of the real catalogs with an empty one added.
"""
from __future__ import annotations

import shutil

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from app import instruments
from app.config import PROJECT_ROOT
from app.i18n import _catalog_exists
from app.services import assessments, invitations
from tests.factories import make_participant

ALL_FOUR = ["work_wheel", "health_wheel", "cefr", "kasam13"]


@pytest.fixture
def catalogs(app, tmp_path):
    """Offer extra languages (e.g. fa_AF) by adding an empty compiled catalog beside copies of
    the real ones (a language is offered once its compiled catalog exists)."""
    directory = tmp_path / "translations"
    shutil.copytree(PROJECT_ROOT / "translations", directory)

    def offer(*codes: str) -> None:
        for code in codes:
            folder = directory / code / "LC_MESSAGES"
            folder.mkdir(parents=True, exist_ok=True)
            if not (folder / "messages.mo").exists():
                (folder / "messages.po").write_text("", encoding="utf-8")
                with (folder / "messages.mo").open("wb") as handle:
                    write_mo(handle, Catalog(locale=code))
        app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(directory)
        _catalog_exists.cache_clear()

    offer()
    yield offer
    _catalog_exists.cache_clear()


@pytest.fixture
def participant(session):
    return make_participant(session)


@pytest.fixture
def invite(app, session, participant):
    """Issue an invitation; returns (invitation, its link path)."""

    def make(keys=ALL_FOUR, **kwargs):
        with app.test_request_context():
            invitation = invitations.issue(session, participant=participant, occasion_kind="intake",
                                           instrument_keys=list(keys),
                                           **{"environment": "development", **kwargs})
            link = invitations.link_for(invitation, base_url="", secret=app.secret_key)
        return invitation, link

    return make


@pytest.fixture
def opened(client, invite, catalogs):
    """An invitation opened with `language` chosen (English by default, so asserts read the
    msgids); returns the invitation."""

    def make(keys=ALL_FOUR, language="en", **kwargs):
        invitation, link = invite(keys, **kwargs)
        assert client.get(link).status_code == 302
        response = client.post("/answer/language", data={"language": language, "next": "/answer/"})
        assert response.status_code == 302, response.get_data(as_text=True)
        return invitation

    return make


def follow(client, response, limit=5):
    """Follow redirects; returns the final response."""
    while response.status_code == 302 and limit:
        response = client.get(response.headers["Location"])
        limit -= 1
    return response


def answer_items(session, assessment, items) -> None:
    """Answer `items` of the assessment through the service: a name for free-text items, 6
    for the rest (a value on every integer scale the instruments use)."""
    instrument = instruments.get(assessment.instrument_key, assessment.instrument_version)
    for item in items:
        value = "Cooking" if instrument.scale_of(item).kind == "text" else 6
        assessments.save_answer(session, assessment=assessment, item_key=item.key, value=value)
