"""An organisation's settings: the service checks every one and audits before and after;
the admin's pages show them, refuse what is wrong in the reader's language, and keep unit
admins out."""
from __future__ import annotations

import re
import shutil
from dataclasses import replace

import pytest
from sqlmodel import select

from app.models import AuditEvent, Organisation
from app.services import organisations
from app.services.organisations import OrganisationSettings, SettingRules

from .. import factories

RULES = SettingRules(threshold_floor=5, languages=("sv", "en", "ar"))
GOOD = OrganisationSettings(name="Norrby kommun", retention_months=18, small_cell_threshold=6,
                            controller_name="Arbetsmarknadsnämnden i Norrby",
                            controller_contact="dataskydd@norrby.se",
                            participant_languages=("en",))


def _events(session, action):
    return session.exec(select(AuditEvent).where(AuditEvent.action == action)
                        .order_by(AuditEvent.id)).all()


def _problems(session, settings, rules=RULES, organisation=None):
    """The problems named when `settings` are saved (to a new organisation when none given)."""
    def save():
        if organisation is None:
            return organisations.create_organisation(session, settings=settings, rules=rules)
        return organisations.change_settings(session, organisation=organisation,
                                             settings=settings, rules=rules)

    with pytest.raises(organisations.InvalidSettings) as refused:
        save()
    return {problem.field: str(problem) for problem in refused.value.problems}


# -- the service, without a request -----------------------------------------------------------


def test_an_organisation_is_created_with_its_settings_tidied_and_audited(session):
    admin = factories.make_staff(session, role="admin", units=[])
    created = organisations.create_organisation(
        session, settings=replace(GOOD, name="  Norrby kommun "), rules=RULES, staff_id=admin.id)
    session.refresh(created)
    assert (created.name, created.retention_months, created.small_cell_threshold) == (
        "Norrby kommun", 18, 6)
    assert created.participant_languages == "sv,en"  # Swedish always, first
    assert OrganisationSettings.of(created) == replace(GOOD, participant_languages=("sv", "en"))
    [event] = _events(session, "organisation.created")
    assert (event.actor_staff_id, event.object_id) == (admin.id, created.id)
    assert event.details["after"]["controller_name"] == "Arbetsmarknadsnämnden i Norrby"


def test_a_change_is_audited_with_the_values_before_and_after_only_for_what_changed(session):
    organisation = organisations.create_organisation(session, settings=GOOD, rules=RULES)
    changed = organisations.change_settings(
        session, organisation=organisation, rules=RULES, staff_id=None, ip="192.0.2.7",
        settings=replace(OrganisationSettings.of(organisation), small_cell_threshold=8,
                         require_totp=True, participant_languages=None))
    assert changed == {"small_cell_threshold", "require_totp", "participant_languages"}
    [event] = _events(session, "organisation.settings_changed")
    assert event.details == {
        "before": {"participant_languages": "sv,en", "require_totp": False,
                   "small_cell_threshold": 6},
        "after": {"participant_languages": None, "require_totp": True, "small_cell_threshold": 8},
        "via": "web"}
    assert event.ip == "192.0.2.7"
    again = organisations.change_settings(session, organisation=organisation, rules=RULES,
                                          settings=OrganisationSettings.of(organisation))
    assert again == set() and len(_events(session, "organisation.settings_changed")) == 1


@pytest.mark.parametrize(("change", "field", "says"), [
    ({"small_cell_threshold": 2}, "small_cell_threshold", "cannot be below 5"),
    ({"small_cell_threshold": 4}, "small_cell_threshold", "cannot be below 5"),
    ({"small_cell_threshold": 10**20}, "small_cell_threshold", "at most 100"),
    ({"retention_months": 0}, "retention_months", "from 6 to 120 months"),
    ({"retention_months": 121}, "retention_months", "from 6 to 120 months"),
    ({"controller_name": "   "}, "controller_name", "Name the data controller"),
    ({"controller_contact": ""}, "controller_contact", "contact details"),
    ({"name": ""}, "name", "Give the organisation a name"),
    ({"name": "x" * 201}, "name", "at most 200 characters"),
    ({"name": "Norr\x00by"}, "name", "control characters"),
    ({"controller_contact": "\x1b[31m"}, "controller_contact", "control characters"),
    ({"participant_languages": ("sv", "so")}, "participant_languages", "so is not a language"),
    ({"participant_languages": ("klingon",)}, "participant_languages", "klingon is not"),
])
def test_invalid_settings_are_refused_with_what_is_wrong_and_nothing_saved(session, change,
                                                                            field, says):
    organisation = organisations.create_organisation(session, settings=GOOD, rules=RULES)
    problems = _problems(session, replace(GOOD, **change), organisation=organisation)
    assert field in problems and says in problems[field]
    session.refresh(organisation)
    assert OrganisationSettings.of(organisation) == replace(GOOD, participant_languages=("sv", "en"))
    assert _events(session, "organisation.settings_changed") == []


def test_every_problem_is_named_at_once_and_names_are_unique(session):
    organisations.create_organisation(session, settings=GOOD, rules=RULES)
    problems = _problems(session, replace(GOOD, controller_name="", retention_months=2))
    assert set(problems) == {"name", "controller_name", "retention_months"}
    assert "already called Norrby kommun" in problems["name"]
    assert len(session.exec(select(Organisation)).all()) == 1


def test_the_floor_is_three_whatever_the_installation_says(session):
    problems = _problems(session, replace(GOOD, small_cell_threshold=2),
                         rules=replace(RULES, threshold_floor=1))
    assert "cannot be below 3" in problems["small_cell_threshold"]
    assert organisations.new_settings(replace(RULES, threshold_floor=7)).small_cell_threshold == 7
    assert organisations.new_settings(RULES).small_cell_threshold == 5


def test_the_database_refuses_a_threshold_below_three_from_anywhere(session):
    from sqlalchemy.exc import IntegrityError

    session.add(Organisation(name="Direkt", small_cell_threshold=2))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()


# -- the pages --------------------------------------------------------------------------------


FORM = {"name": "Norrby kommun", "controller_name": "Arbetsmarknadsnämnden",
        "controller_contact": "dataskydd@norrby.se", "retention_months": "24",
        "small_cell_threshold": "5", "participant_languages": ["en"], "require_totp": "y"}


def test_an_admin_creates_an_organisation_and_changes_its_settings(client, session, login_as):
    admin = login_as("admin", units=[])
    form = client.get("/admin/organisations/new").get_data(as_text=True)
    assert 'value="24"' in form and 'value="5"' in form  # the defaults
    created = client.post("/admin/organisations/new", data=FORM)
    assert created.status_code == 302
    organisation = session.exec(select(Organisation).where(
        Organisation.name == "Norrby kommun")).one()
    assert created.headers["Location"].endswith(f"/admin/organisations/{organisation.id}")
    assert organisation.require_totp and organisation.participant_languages == "sv,en"
    page = client.get(f"/admin/organisations/{organisation.id}").get_data(as_text=True)
    assert "Arbetsmarknadsnämnden" in page and "Evaluation projects" in page
    saved = client.post(f"/admin/organisations/{organisation.id}",
                        data={**FORM, "small_cell_threshold": "7", "require_totp": ""})
    assert saved.status_code == 302
    session.refresh(organisation)
    assert organisation.small_cell_threshold == 7 and not organisation.require_totp
    [event] = _events(session, "organisation.settings_changed")
    assert event.actor_staff_id == admin.id
    assert event.details["before"] == {"require_totp": True, "small_cell_threshold": 5}
    listing = client.get("/admin/organisations").get_data(as_text=True)
    assert "Norrby kommun" in listing and "24 months" in listing


def test_invalid_settings_come_back_with_messages_in_the_readers_language(
        client, session, login_as, translated):
    login_as("admin", units=[], preferred_language="sv")
    organisation = factories.make_organisation(session, controller_name="Nämnden")
    sent = client.post(f"/admin/organisations/{organisation.id}", data={
        **FORM, "name": organisation.name, "small_cell_threshold": "2",
        "retention_months": "600", "controller_contact": "", "participant_languages": ["xx"]})
    html = sent.get_data(as_text=True)
    assert sent.status_code == 200 and "error-summary" in html
    for msgid, values in [
            ("The threshold cannot be below %(floor)d: smaller groups could show who someone is.",
             {"floor": 5}),
            ("Choose from %(low)d to %(high)d months after exit.", {"low": 6, "high": 120}),
            ("%(code)s is not a language this installation offers.", {"code": "xx"})]:
        assert translated("sv", msgid, **values) in html
    not_a_number = client.post(f"/admin/organisations/{organisation.id}",
                               data={**FORM, "retention_months": "två år"})
    assert not_a_number.status_code == 200 and "field-error" in not_a_number.get_data(as_text=True)
    session.refresh(organisation)
    assert (organisation.small_cell_threshold, organisation.retention_months) == (5, 24)


def test_the_installation_floor_is_stated_and_kept(app, client, session, login_as):
    app.config["SMALL_CELL_THRESHOLD"] = 8
    login_as("admin", units=[])
    form = client.get("/admin/organisations/new").get_data(as_text=True)
    assert "At least 8 on this installation" in form and 'value="8"' in form
    refused = client.post("/admin/organisations/new", data=FORM)
    assert refused.status_code == 200 and "cannot be below 8" in refused.get_data(as_text=True)


def test_only_languages_with_a_catalog_are_offered_and_swedish_cannot_be_cleared(
        app, client, session, login_as, tmp_path):
    from app.config import PROJECT_ROOT
    from app.i18n import _catalog_exists

    translations = tmp_path / "translations"  # the real catalogs but Somali's
    shutil.copytree(PROJECT_ROOT / "translations", translations)
    shutil.rmtree(translations / "so")
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(translations)
    _catalog_exists.cache_clear()
    login_as("admin", units=[])
    organisation = factories.make_organisation(session)
    page = client.get(f"/admin/organisations/{organisation.id}").get_data(as_text=True)
    _catalog_exists.cache_clear()
    boxes = page.split('id="participant_languages"')[1].split("</fieldset>")[0]
    assert 'value="ar"' in boxes and 'value="so"' not in boxes
    swedish = re.search(r'<input[^>]*value="sv"[^>]*>', boxes).group(0)
    assert "disabled" in swedish and "checked" in swedish


@pytest.mark.parametrize(("role", "status"), [("coach", 403), ("evaluator", 403),
                                              ("unit_admin", 403), ("admin", 200)])
def test_only_admins_reach_the_organisations(client, session, login_as, role, status):
    login_as(role)
    organisation = factories.make_organisation(session)
    for path in ("/admin/organisations", "/admin/organisations/new",
                 f"/admin/organisations/{organisation.id}"):
        assert client.get(path).status_code == status, path
    assert client.post(f"/admin/organisations/{organisation.id}", data=FORM).status_code in (
        (302,) if role == "admin" else (403,))


def test_an_unknown_organisation_is_not_found(client, login_as):
    login_as("admin", units=[])
    assert client.get("/admin/organisations/999999").status_code == 404
    assert client.get("/admin/organisations/99999999999").status_code == 404
