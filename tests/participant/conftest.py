"""Participant fixtures: an invitation opened in a test client, with languages on offer
(`catalogs`, in tests/conftest.py, changes which)."""
from __future__ import annotations

import pytest

from app import instruments
from app.services import assessments, invitations
from tests.factories import make_participant

ALL_FOUR = ["work_wheel", "health_wheel", "cefr", "kasam13"]


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
