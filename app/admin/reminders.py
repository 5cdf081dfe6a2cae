"""Reminder rules per unit, set by its unit admin (or an admin of the organisation)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..db import get_session
from ..i18n import message_of
from ..security import request_actor
from ..services import administration, reminders
from . import bp
from .forms import ReminderRulesForm


def _unit_for(db, unit_id: int):
    """The unit if the signed-in user administers it; otherwise 404."""
    unit = administration.unit(db, current_user.staff, unit_id)
    if unit is None:
        abort(404)
    return unit


@bp.get("/reminders")
def reminder_units():
    """Each unit the user looks after, with its reminder rules."""
    db = get_session()
    units = reminders.editable_units(db, staff=current_user.staff)
    return render_template("admin/reminders.html", rows=[
        (unit, reminders.rules_of(db, unit.id)) for unit in units])


@bp.route("/units/<int:unit_id>/reminders", methods=["GET", "POST"])
def reminder_rules(unit_id: int):
    """Change a unit's reminder rules."""
    db = get_session()
    unit = _unit_for(db, unit_id)
    form = ReminderRulesForm(obj=reminders.rules_of(db, unit.id))
    if form.validate_on_submit():
        try:
            reminders.set_rules(db, unit=unit, not_opened_days=form.not_opened_days.data,
                                not_finished_days=form.not_finished_days.data,
                                due_soon_days=form.due_soon_days.data,
                                max_per_invitation=form.max_per_invitation.data, **request_actor())
        except reminders.InvalidReminderRules as refused:
            flash(message_of(refused), "error")
        else:
            flash(_("The reminder rules of %(unit)s are saved.", unit=unit.name), "success")
            return redirect(url_for("admin.reminder_units"))
    return render_template("admin/reminder_rules.html", form=form, unit=unit)
