"""The action plan on the participant's page: add a step, correct it, tick it done, remove it.

Every change goes through `services.action_plans`, which audits it. A step that is not in the
participant's plan is 404, like a participant outside the coach's units.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..db import get_session
from ..i18n import message_of
from ..models import ActionStep, Participant
from ..security import request_actor
from ..services import action_plans
from . import bp
from .access import audit_view, participant_for
from .forms import EmptyForm, StepDoneForm, StepForm
from .results import participant_page


def _step_for(db, participant_id: int, step_id: int) -> tuple[Participant, ActionStep]:
    """The participant (in the coach's units) and their step `step_id`, or 404."""
    person = participant_for(db, current_user, participant_id)
    step = action_plans.step_of(db, person, step_id)
    if step is None:
        abort(404)
    return person, step


def _back_to_plan(person: Participant):
    return redirect(url_for("coach.participant", participant_id=person.id, _anchor="plan"))


def _saved(form: StepForm, save: Callable[[], object]) -> bool:
    """Whether `form` is valid and `save` (one service call) stored it; a step the service
    refuses puts its reason on the step's words, where the coach fixes it."""
    if not form.validate_on_submit():
        return False
    try:
        save()
    except action_plans.InvalidStep as refused:
        form.text.errors = [*form.text.errors, message_of(refused)]
        return False
    return True


@bp.post("/participants/<int:participant_id>/plan")
def plan_add(participant_id: int):
    """Add a step agreed in the conversation; a refused one comes back with its words kept."""
    db = get_session()
    person = participant_for(db, current_user, participant_id)
    form = StepForm()
    if _saved(form, lambda: action_plans.add_step(
            db, participant=person, text=form.text.data, owner=form.owner.data,
            due_date=form.due_date.data, **request_actor())):
        flash(_("The step is added to the plan."), "success")
        return _back_to_plan(person)
    return participant_page(db, person, step_form=form, status=400)


@bp.route("/participants/<int:participant_id>/plan/<int:step_id>", methods=["GET", "POST"])
def plan_step(participant_id: int, step_id: int):
    """Correct a step: its words, who, by when, done."""
    db = get_session()
    person, step = _step_for(db, participant_id, step_id)
    form = StepForm(obj=step, done=step.done_at is not None)
    if _saved(form, lambda: action_plans.change_step(
            db, step=step, text=form.text.data, owner=form.owner.data,
            due_date=form.due_date.data, done=form.done.data, **request_actor())):
        flash(_("The step is saved."), "success")
        return _back_to_plan(person)
    audit_view(db, person, "participant.form_viewed", form="action_step")
    return render_template("coach/plan_step.html", participant=person, step=step, form=form,
                           delete_form=EmptyForm()), 400 if form.errors else 200


@bp.post("/participants/<int:participant_id>/plan/<int:step_id>/done")
def plan_done(participant_id: int, step_id: int):
    """Tick a step done (done=1) or open it again (done=0), from the plan's table."""
    db = get_session()
    person, step = _step_for(db, participant_id, step_id)
    form = StepDoneForm()
    if form.validate_on_submit():
        action_plans.mark_step(db, step=step, done=form.done.data == "1", **request_actor())
    return _back_to_plan(person)


@bp.post("/participants/<int:participant_id>/plan/<int:step_id>/delete")
def plan_delete(participant_id: int, step_id: int):
    """Remove a step from the plan."""
    db = get_session()
    person, step = _step_for(db, participant_id, step_id)
    if EmptyForm().validate_on_submit():
        action_plans.delete_step(db, step=step, **request_actor())
        flash(_("The step is removed from the plan."), "success")
    return _back_to_plan(person)
