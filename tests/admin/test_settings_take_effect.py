"""The organisation's settings act where they should: its threshold on every figure and
export, its languages on the participant's picker and negotiation, its data controller in the
privacy notice."""
from __future__ import annotations

from app.services import invitations
from app.services.disclosure import threshold_of

from .. import factories
from ..evaluator.cohort_data import make_cohort

SIX = [("woman", 4, 6)] * 6


def _with_six_people(session, **settings):
    organisation = factories.make_organisation(session, **settings)
    unit = factories.make_unit(session, organisation)
    make_cohort(session, unit, SIX)
    return organisation, unit


def test_the_threshold_is_the_organisations_never_below_the_installations(session):
    mine = factories.make_organisation(session, small_cell_threshold=7)
    assert threshold_of(session, mine.id, floor=5) == 7
    assert threshold_of(session, mine.id, floor=9) == 9
    assert threshold_of(session, mine.id + 1000, floor=1) == 3


def test_figures_and_exports_follow_the_organisations_threshold(client, session, login_as):
    organisation, unit = _with_six_people(session)
    login_as("evaluator", units=[unit])
    page = client.get("/evaluator/").get_data(as_text=True)
    assert "fewer than 5 participants" in page
    exported = client.post("/evaluator/export", data={"evaluation": "ESF", "layout": "wide"})
    assert exported.mimetype == "application/zip"
    organisation.small_cell_threshold = 7
    session.add(organisation)
    session.commit()
    page = client.get("/evaluator/").get_data(as_text=True)
    assert "fewer than 7 participants" in page
    refused = client.post("/evaluator/export", data={"evaluation": "ESF", "layout": "wide"})
    assert refused.status_code == 302
    said = client.get(refused.headers["Location"]).get_data(as_text=True)
    assert "The selection has fewer than 7 participants and cannot be exported." in said


def test_the_export_command_follows_the_organisations_threshold(app, session, tmp_path):
    organisation, _unit = _with_six_people(session, small_cell_threshold=7)
    result = app.test_cli_runner().invoke(args=[
        "export", "--evaluation", "Leverans", "--out", str(tmp_path / "x.zip"),
        "--organisation", organisation.name])
    assert result.exit_code != 0 and "fewer than 7 participants" in result.output


def _open(client, session, app, organisation, language=None):
    person = factories.make_participant(session, unit=factories.make_unit(session, organisation))
    with app.test_request_context():
        invitation = invitations.issue(session, participant=person, occasion_kind="intake",
                                       instrument_keys=["work_wheel"], environment="development")
    if language:
        invitations.choose_language(session, invitation=invitation, language=language)
    client.post("/kod", data={"code": invitation.short_code})
    return invitation


def test_participants_are_offered_only_the_organisations_languages(app, client, session):
    organisation = factories.make_organisation(session, participant_languages="sv,ar")
    _open(client, session, app, organisation)
    picker = client.get("/answer/language").get_data(as_text=True)
    assert 'value="sv"' in picker and 'value="ar"' in picker and 'value="en"' not in picker
    # the browser asks for English (the client fixture): not offered, so Swedish
    assert '<html lang="sv"' in picker
    refused = client.post("/answer/language", data={"language": "en", "next": "/answer/"})
    assert refused.status_code == 200 and "field-error" in refused.get_data(as_text=True)
    assert client.post("/answer/language", data={"language": "ar"}).status_code == 302
    assert '<html lang="ar" dir="rtl"' in client.get("/answer/language").get_data(as_text=True)


def test_a_language_no_longer_offered_falls_back_to_what_is(app, client, session):
    organisation = factories.make_organisation(session, participant_languages="sv")
    _open(client, session, app, organisation, language="en")
    assert '<html lang="sv"' in client.get("/answer/about").get_data(as_text=True)


def test_every_language_with_a_catalog_until_the_organisation_chooses(app, client, session):
    organisation = factories.make_organisation(session)
    assert organisation.participant_languages is None
    _open(client, session, app, organisation)
    picker = client.get("/answer/language").get_data(as_text=True)
    assert all(f'value="{code}"' in picker for code in ("sv", "en", "ar"))
    assert '<html lang="en"' in picker


def test_the_privacy_notice_names_the_data_controller(app, client, session):
    organisation = factories.make_organisation(
        session, controller_name="Arbetsmarknadsnämnden i Norrby",
        controller_contact="dataskydd@norrby.se", retention_months=24)
    _open(client, session, app, organisation, language="en")
    about = client.get("/answer/about").get_data(as_text=True)
    assert "Arbetsmarknadsnämnden i Norrby is responsible for your information." in about
    assert "dataskydd@norrby.se" in about and "2 years after you leave the programme" in about
