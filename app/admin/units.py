"""An organisation's units: the list, a new unit, a new name, active or inactive."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..db import get_session
from ..i18n import message_of
from ..models import Organisation
from ..services import units as unit_service
from . import bp
from .access import organisation_chooser, organisation_in_view, unit_for
from .forms import ActiveForm, UnitForm


@bp.get("/units")
def units():
    """The organisation's units with their staff and participants in numbers."""
    organisation = organisation_in_view()
    return render_template(
        "admin/units.html", organisation=organisation, chooser=organisation_chooser(organisation),
        rows=unit_service.unit_summaries(get_session(), organisation.id))


@bp.route("/units/new", methods=["GET", "POST"])
def unit_new():
    """Add a unit to the organisation; it starts active, with the default plan."""
    organisation = organisation_in_view()
    form = UnitForm()
    if form.validate_on_submit():
        try:
            unit = unit_service.add_unit(get_session(), actor=current_user.staff,
                                         organisation=organisation, name=form.name.data,
                                         ip=request.remote_addr)
        except unit_service.UnitNameProblem as refused:
            form.name.errors.append(message_of(refused))
        else:
            flash(_("The unit %(name)s is added.", name=unit.name), "success")
            return redirect(url_for("admin.units", organisation=organisation.id))
    return render_template("admin/unit_form.html", form=form, organisation=organisation, unit=None)


@bp.route("/units/<int:unit_id>", methods=["GET", "POST"])
def unit_edit(unit_id: int):
    """Rename a unit; its page also makes it active or inactive."""
    unit = unit_for(unit_id)
    form = UnitForm(obj=unit)
    if form.validate_on_submit():
        try:
            unit_service.rename_unit(get_session(), actor=current_user.staff, unit=unit,
                                     name=form.name.data, ip=request.remote_addr)
        except unit_service.UnitNameProblem as refused:
            form.name.errors.append(message_of(refused))
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("admin.units", organisation=unit.organisation_id))
    return render_template("admin/unit_form.html", form=form, unit=unit, active_form=ActiveForm(),
                           organisation=get_session().get(Organisation, unit.organisation_id))


@bp.post("/units/<int:unit_id>/active")
def unit_active(unit_id: int):
    """Make a unit active or inactive (`active`: on or off)."""
    unit = unit_for(unit_id)
    form = ActiveForm()
    if form.validate_on_submit():
        unit_service.set_unit_active(get_session(), actor=current_user.staff, unit=unit,
                                     active=form.wanted, ip=request.remote_addr)
        flash(_("%(name)s is active again.", name=unit.name) if unit.active else
              _("%(name)s is inactive: it takes no new participants.", name=unit.name), "success")
    return redirect(url_for("admin.unit_edit", unit_id=unit.id))
