"""Organisations and their settings, for admins: the list, a new one, one's settings."""
from __future__ import annotations

from dataclasses import asdict

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectMultipleField, StringField, widgets
from wtforms.validators import InputRequired

from ..choices import as_choices
from ..db import get_session
from ..i18n import catalog_languages, language
from ..languages import DEFAULT_LANGUAGE
from ..models import Organisation
from ..security import request_actor
from ..services import evaluation_projects, organisations
from ..services.organisations import RETENTION_MONTHS, OrganisationSettings
from .installation import found, installation, setting_rules, show_problems

WHOLE_NUMBER = _l("Write a whole number.")


class OrganisationForm(FlaskForm):
    """An organisation's settings. The form only reads them; the service says what is wrong."""

    name = StringField(_l("Name of the organisation"))
    controller_name = StringField(
        _l("Data controller"),
        description=_l("Named in the privacy notice participants read: who is responsible for "
                       "their information, e.g. the municipality's labour-market committee."))
    controller_contact = StringField(
        _l("The data controller's contact details"),
        description=_l("An address, e-mail or telephone number participants can use."))
    retention_months = IntegerField(
        _l("Months after exit before the participant's code and name are deleted"),
        validators=[InputRequired(message=WHOLE_NUMBER)])
    small_cell_threshold = IntegerField(
        _l("Smallest group shown in statistics and exports"),
        validators=[InputRequired(message=WHOLE_NUMBER)])
    require_totp = BooleanField(
        _l("Staff who see participant data must sign in with a one-time code as well"))
    aggregate_health_wheel = BooleanField(
        _l("Health Wheel answers may be pooled in the cohort statistics"))
    participant_languages = SelectMultipleField(
        _l("Languages offered to participants"), validate_choice=False,
        widget=widgets.ListWidget(prefix_label=False), option_widget=widgets.CheckboxInput())

    @classmethod
    def showing(cls, settings: OrganisationSettings) -> OrganisationForm:
        """The form with the languages this installation has, filled with `settings` unless
        it was just sent."""
        form = cls()
        languages = catalog_languages()
        form.participant_languages.choices = as_choices(
            (language.code, language.native_name) for language in languages)
        if not form.is_submitted():
            codes = settings.participant_languages or [language.code for language in languages]
            form.process(data={**asdict(settings), "participant_languages": list(codes)})
        return form

    def settings(self) -> OrganisationSettings:
        """What was sent, as settings (Swedish is always offered: its box cannot be cleared)."""
        return OrganisationSettings(
            name=self.name.data or "", require_totp=self.require_totp.data,
            retention_months=self.retention_months.data,
            small_cell_threshold=self.small_cell_threshold.data,
            controller_name=self.controller_name.data or "",
            controller_contact=self.controller_contact.data or "",
            aggregate_health_wheel=self.aggregate_health_wheel.data,
            participant_languages=(DEFAULT_LANGUAGE, *self.participant_languages.data))


def _page(form: OrganisationForm, organisation: Organisation | None = None):
    db = get_session()
    return render_template(
        "admin/organisation.html", form=form, organisation=organisation, language_of=language,
        floor=setting_rules().threshold_floor, retention=RETENTION_MONTHS,
        projects=evaluation_projects.projects_of(db, organisation.id) if organisation else [])


@installation.get("/organisations")
def organisation_list():
    """Every organisation of the installation, with the settings that matter most."""
    return render_template("admin/organisations.html",
                           organisations=organisations.all_organisations(get_session()))


@installation.route("/organisations/new", methods=["GET", "POST"])
def organisation_new():
    """A new organisation, with its settings from the start."""
    form = OrganisationForm.showing(organisations.new_settings(setting_rules()))
    if form.validate_on_submit():
        try:
            created = organisations.create_organisation(
                get_session(), settings=form.settings(), rules=setting_rules(), **request_actor())
        except organisations.InvalidSettings as refused:
            show_problems(form, refused)
        else:
            flash(_("%(name)s is created.", name=created.name), "success")
            return redirect(url_for(".organisation", organisation_id=created.id))
    return _page(form)


@installation.route("/organisations/<int:organisation_id>", methods=["GET", "POST"])
def organisation(organisation_id: int):
    """One organisation's settings, saved when every one of them is valid; its projects."""
    chosen = found(Organisation, organisation_id)
    form = OrganisationForm.showing(OrganisationSettings.of(chosen))
    if form.validate_on_submit():
        try:
            organisations.change_settings(get_session(), organisation=chosen,
                                          settings=form.settings(), rules=setting_rules(),
                                          **request_actor())
        except organisations.InvalidSettings as refused:
            show_problems(form, refused)
        else:
            flash(_("The settings of %(name)s are saved.", name=chosen.name), "success")
            return redirect(url_for(".organisation", organisation_id=chosen.id))
    return _page(form, chosen)
