"""Programme goals, kept by the organisation's administrators (admins for every
organisation, unit admins for their own): list, add, change, remove. Evaluators read them,
measured, on their goals page."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length

from ..choices import as_choices
from ..db import get_session
from ..i18n import message_of
from ..models import ProgrammeGoal
from ..security import request_actor
from ..services import goals
from ..services.cohort import current_instruments, reported_refs
from ..validators import finite, parsed, plausible_date
from ..vocabulary import MEASURE_CHOICES, MEASURE_LABELS, goal_subject, instrument_title, ref_label
from . import bp
from .access import goal_for

HEADLINE = ""  # the score choice meaning "the questionnaire's headline score"


class GoalForm(FlaskForm):
    """A goal: whom it covers, what it measures, its target and its period."""

    applies_to = SelectField(_l("Applies to"), validators=[InputRequired()])
    title = StringField(_l("Goal"), validators=[DataRequired(), Length(max=goals.TITLE_LENGTH)],
                        description=_l("For example: 90 percent feel more able to cope (KASAM)."))
    instrument = SelectField(_l("Questionnaire"), validators=[InputRequired()])
    score = SelectField(_l("Score"), default=HEADLINE)
    measure = SelectField(_l("Measure"), choices=as_choices(MEASURE_CHOICES),
                          validators=[InputRequired()])
    target_value = DecimalField(_l("Target"), validators=[InputRequired(), parsed, finite],
                                description=_l("A percentage for a share; points for a mean change."))
    period_start = DateField(_l("Period from"), validators=[InputRequired(), parsed, plausible_date])
    period_end = DateField(_l("Period to"), validators=[InputRequired(), parsed, plausible_date])

    def with_choices(self, scopes: dict[str, tuple[int, int | None, str]]) -> GoalForm:
        """Whom a goal may cover (`scopes`: value → organisation, unit, label) and every
        questionnaire with its scores."""
        self.scopes = scopes
        self.applies_to.choices = as_choices((value, label) for value, (*_ids, label) in scopes.items())
        every = current_instruments()
        self.instrument.choices = as_choices((i.key, instrument_title(i)) for i in every)
        self.score.choices = {  # one group per questionnaire (None: outside every group)
            None: as_choices([(HEADLINE, _("The questionnaire's main score"))]),
            **{instrument_title(i): as_choices((f"{i.key}:{ref}", ref_label(i, ref))
                                               for ref in reported_refs(i)) for i in every}}
        return self

    def spec(self) -> goals.GoalSpec:
        """The goal as written; a score of another questionnaire stays as written, for the
        service to refuse by name."""
        organisation_id, unit_id, _label = self.scopes[self.applies_to.data]
        key, _sep, ref = (self.score.data or "").partition(":")
        score_ref = None if not self.score.data else ref if key == self.instrument.data \
            else self.score.data
        return goals.GoalSpec(
            organisation_id=organisation_id, unit_id=unit_id, title=self.title.data,
            instrument_key=self.instrument.data, measure=self.measure.data, score_ref=score_ref,
            target_value=float(self.target_value.data), period_start=self.period_start.data,
            period_end=self.period_end.data)

    def fill(self, goal: ProgrammeGoal) -> GoalForm:
        """The goal's settings in the form."""
        self.applies_to.data = f"unit:{goal.unit_id}" if goal.unit_id else f"org:{goal.organisation_id}"
        self.title.data, self.instrument.data = goal.title, goal.instrument_key
        self.score.data = f"{goal.instrument_key}:{goal.score_ref}" if goal.score_ref else HEADLINE
        self.measure.data, self.target_value.data = goal.measure, goal.target_value
        self.period_start.data, self.period_end.data = goal.period_start, goal.period_end
        return self


def _scopes(organisation_id: int | None = None) -> dict[str, tuple[int, int | None, str]]:
    """Whom a goal may cover, as the "applies to" choices: each organisation the user
    administers (only `organisation_id` when given: a goal stays in its organisation), whole
    or one of its units."""
    found = {}
    for organisation, units in goals.goal_scopes(get_session(), current_user.staff):
        if organisation_id is not None and organisation.id != organisation_id:
            continue
        found[f"org:{organisation.id}"] = (organisation.id, None, _(
            "%(organisation)s: whole organisation", organisation=organisation.name))
        for unit in units:
            found[f"unit:{unit.id}"] = (organisation.id, unit.id, f"{organisation.name}: {unit.name}")
    return found


@bp.get("/goals")
def goal_list():
    """The goals of the organisations the user administers."""
    return render_template("admin/goals.html", rows=goals.goals_administered(
        get_session(), current_user.staff), remove_form=FlaskForm(), subject=goal_subject,
        measure_label=MEASURE_LABELS)


@bp.route("/goals/new", methods=["GET", "POST"])
def goal_new():
    """Add a goal."""
    form, problem = GoalForm().with_choices(_scopes()), None
    if form.validate_on_submit():
        problem = _save(form, None)
        if problem is None:
            return redirect(url_for("admin.goal_list"))
    return render_template("admin/goal_form.html", form=form, problem=problem, goal=None)


@bp.route("/goals/<int:goal_id>/edit", methods=["GET", "POST"])
def goal_edit(goal_id: int):
    """Change a goal (within its organisation)."""
    goal = goal_for(goal_id)
    form, problem = GoalForm().with_choices(_scopes(goal.organisation_id)), None
    if request.method == "GET":
        form.fill(goal)
    elif form.validate_on_submit():
        problem = _save(form, goal)
        if problem is None:
            return redirect(url_for("admin.goal_list"))
    return render_template("admin/goal_form.html", form=form, problem=problem, goal=goal)


def _save(form: GoalForm, goal: ProgrammeGoal | None) -> str | None:
    """Create or change the goal; the service's refusal in the reader's words, or None."""
    try:
        if goal is None:
            goals.create_goal(get_session(), actor=current_user.staff, spec=form.spec(),
                              ip=request_actor()["ip"])
        else:
            goals.update_goal(get_session(), actor=current_user.staff, goal=goal,
                              spec=form.spec(), ip=request_actor()["ip"])
    except goals.InvalidGoal as refused:
        return message_of(refused)
    flash(_("Goal saved."), "success")
    return None


@bp.post("/goals/<int:goal_id>/delete")
def goal_delete(goal_id: int):
    """Remove a goal."""
    goal = goal_for(goal_id)
    if FlaskForm().validate_on_submit():
        goals.delete_goal(get_session(), actor=current_user.staff, goal=goal,
                          ip=request_actor()["ip"])
        flash(_("Goal removed."), "success")
    return redirect(url_for("admin.goal_list"))
