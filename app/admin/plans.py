"""A unit's plan: its questionnaires in order, and when occasions fall due.

The order is given by a position number per questionnaire, so it works without JavaScript
and without dragging (keyboard, screen readers, switch access)."""
from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, FieldList, Form, FormField, HiddenField, IntegerField
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError

from .. import instruments
from ..db import get_session
from ..i18n import localized_now, message_of
from ..models import Unit
from ..security import request_actor
from ..services import unit_plans
from ..services.licences import may_send
from ..validators import parsed
from . import bp
from .access import unit_for

LAST_POSITION = 99


class QuestionnaireRow(Form):
    """One questionnaire of the plan: whether the unit uses it, and where in the order."""

    key = HiddenField()
    chosen = BooleanField()
    position = IntegerField(validators=[Optional(), parsed, NumberRange(min=1, max=LAST_POSITION)])


class PlanForm(FlaskForm):
    """The unit's questionnaires (chosen, positioned) and its occasion intervals."""

    questionnaires = FieldList(FormField(QuestionnaireRow), max_entries=50)
    midway_after_months = IntegerField(
        _l("Midway: months after intake"),
        validators=[InputRequired(), parsed, NumberRange(min=1, max=unit_plans.MAX_MONTHS)])
    exit_after_months = IntegerField(
        _l("Planned exit: months after intake"),
        validators=[InputRequired(), parsed, NumberRange(min=1, max=unit_plans.MAX_MONTHS)])
    follow_up_after_days = IntegerField(
        _l("Follow-up: days after exit"),
        validators=[InputRequired(), parsed, NumberRange(min=0, max=unit_plans.MAX_FOLLOW_UP_DAYS)])

    def validate_questionnaires(self, field) -> None:
        """Two chosen questionnaires at one position would leave their order to chance."""
        taken = [row.position.data for row in field if row.chosen.data and row.position.data]
        for position in taken:
            if taken.count(position) > 1:
                raise ValidationError(_("Two questionnaires have position %(number)d. Give each "
                                        "its own number.", number=position))

    def plan(self) -> unit_plans.UnitPlan:
        """The plan as chosen: the ticked questionnaires by position (unnumbered last, in the
        order listed)."""
        rows = [row for row in self.questionnaires if row.chosen.data]
        rows.sort(key=lambda row: row.position.data or LAST_POSITION + 1)
        return unit_plans.UnitPlan(tuple(row.key.data for row in rows),
                                   self.midway_after_months.data, self.exit_after_months.data,
                                   self.follow_up_after_days.data)

    def fill(self, unit: Unit) -> PlanForm:
        """The unit's plan: its questionnaires first, numbered in order, then the others."""
        chosen = unit.default_instrument_keys
        for key in unit.in_plan_order(instruments.registry().keys()):
            self.questionnaires.append_entry({
                "key": key, "chosen": key in chosen,
                "position": chosen.index(key) + 1 if key in chosen else None})
        for name in ("midway_after_months", "exit_after_months", "follow_up_after_days"):
            self[name].data = getattr(unit, name)
        return self


def _questionnaire_facts(keys) -> dict[str, dict]:
    """Per key: the title in the reader's language, and whether it waits for a licence."""
    db = get_session()
    facts = {}
    for key in keys:
        try:
            instrument = instruments.latest(key)
        except instruments.UnknownInstrument:
            facts[key] = {"title": key, "waiting": False}
            continue
        waiting = not may_send(db, instrument, environment="production").allowed
        facts[key] = {"title": localized_now(instrument, "title"), "waiting": waiting}
    return facts


@bp.route("/units/<int:unit_id>/plan", methods=["GET", "POST"])
def unit_plan(unit_id: int):
    """Choose and order the unit's questionnaires and set its occasion plan."""
    unit = unit_for(unit_id)
    form = PlanForm()
    if request.method == "GET":
        form.fill(unit)
    elif form.validate_on_submit():
        try:
            change = unit_plans.change_plan(get_session(), actor=current_user.staff, unit=unit,
                                            plan=form.plan(), today=date.today(),
                                            ip=request_actor()["ip"])
        except unit_plans.InvalidUnitPlan as refused:
            flash(message_of(refused), "error")
        else:
            flash(_plan_saved_message(change), "success")
            return redirect(url_for("admin.unit_plan", unit_id=unit.id))
    facts = _questionnaire_facts(row.key.data for row in form.questionnaires)
    return render_template("admin/unit_plan.html", form=form, unit=unit, facts=facts)


def _plan_saved_message(change: unit_plans.PlanChange) -> str:
    if not change.changed:
        return _("Nothing was changed.")
    return ngettext("Plan saved. %(num)d planned occasion moved to the new plan.",
                    "Plan saved. %(num)d planned occasions moved to the new plan.",
                    change.occasions_moved)
