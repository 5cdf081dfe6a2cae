"""An organisation's evaluation projects, for admins: new, edit, and rotating the secret."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired

from ..db import get_session
from ..i18n import message_of
from ..models import EvaluationProject, Organisation
from ..security import request_actor
from ..services import evaluation_projects
from ..services.evaluation_projects import ProjectTerms
from .installation import found, installation, show_problems


class ProjectForm(FlaskForm):
    """A project's name and purpose; the service says what is wrong."""

    name = StringField(_l("Name of the evaluation"),
                       description=_l("Evaluators choose it by this name when they export."))
    purpose = TextAreaField(
        _l("Purpose of the evaluation"),
        description=_l("Needed for Health Wheel or KASAM answers to be part of its exports."))
    includes_health = BooleanField(_l("The purpose includes Health Wheel answers"))
    includes_kasam = BooleanField(_l("The purpose includes KASAM answers"))

    @classmethod
    def showing(cls, project: EvaluationProject) -> ProjectForm:
        """The form filled with the project's terms unless it was just sent (then what was
        sent is all there is: a field left out is empty, not the old value)."""
        form = cls()
        if not form.is_submitted():
            form.process(obj=project)
        return form

    def terms(self) -> ProjectTerms:
        return ProjectTerms(self.name.data or "", self.purpose.data or "",
                            self.includes_health.data, self.includes_kasam.data)


class RotateForm(FlaskForm):
    """The project's name, typed again: earlier exports stop joining with later ones."""

    confirmation = StringField(_l("The name of the evaluation"), validators=[DataRequired()])


@installation.route("/organisations/<int:organisation_id>/projects/new", methods=["GET", "POST"])
def project_new(organisation_id: int):
    """A new evaluation project of the organisation, with a secret of its own."""
    owner = found(Organisation, organisation_id)
    form = ProjectForm()
    if form.validate_on_submit():
        try:
            created = evaluation_projects.create_project(
                get_session(), organisation=owner, terms=form.terms(), **request_actor())
        except evaluation_projects.InvalidProject as refused:
            show_problems(form, refused)
        else:
            flash(_("The evaluation project %(name)s is created.", name=created.name), "success")
            return redirect(url_for(".organisation", organisation_id=owner.id))
    return render_template("admin/project.html", form=form, organisation=owner, project=None)


@installation.route("/projects/<int:project_id>", methods=["GET", "POST"])
def project(project_id: int):
    """An evaluation project's name and purpose."""
    chosen = found(EvaluationProject, project_id)
    form = ProjectForm.showing(chosen)
    if form.validate_on_submit():
        try:
            evaluation_projects.change_project(get_session(), project=chosen, terms=form.terms(),
                                               **request_actor())
        except evaluation_projects.InvalidProject as refused:
            show_problems(form, refused)
        else:
            flash(_("The evaluation project %(name)s is saved.", name=chosen.name), "success")
            return redirect(url_for(".organisation", organisation_id=chosen.organisation_id))
    return render_template("admin/project.html", form=form, project=chosen,
                           organisation=found(Organisation, chosen.organisation_id))


@installation.route("/projects/<int:project_id>/rotate", methods=["GET", "POST"])
def project_rotate(project_id: int):
    """Explain what a new pseudonym secret means, then make one once the name is typed."""
    chosen = found(EvaluationProject, project_id)
    form = RotateForm()
    if form.validate_on_submit():
        try:
            evaluation_projects.rotate_secret(get_session(), project=chosen,
                                              confirmation=form.confirmation.data,
                                              **request_actor())
        except evaluation_projects.RotationNotConfirmed as refused:
            form.confirmation.errors.append(message_of(refused))
        else:
            flash(_("%(name)s has a new pseudonym secret. Exports from now on get new "
                    "pseudonyms.", name=chosen.name), "success")
            return redirect(url_for(".organisation", organisation_id=chosen.organisation_id))
    return render_template("admin/rotate.html", form=form, project=chosen,
                           organisation=found(Organisation, chosen.organisation_id))
