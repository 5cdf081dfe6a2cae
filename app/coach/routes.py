"""Caseload, due list, and a participant's registration, background, exit and occasion dates."""
from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..db import get_session
from ..i18n import message_of
from ..models import Unit
from ..security import request_actor
from ..services import caseload as caseload_service
from ..services import occasions as occasion_service
from ..services import participants as participant_service
from ..services.staff import unit_ids_of
from . import bp
from .access import audit_view, participant_for, units_of
from .forms import CaseloadFilterForm, EmptyForm, ExitForm, OccasionDatesForm, ParticipantForm
from .labels import all_labels


@bp.context_processor
def _labels() -> dict:
    return all_labels()


@bp.get("/")
def caseload():
    """The coach's participants with their occasions, filtered, sorted and paged."""
    db = get_session()
    form = CaseloadFilterForm(request.args).with_units(units_of(db, current_user))
    form.validate()  # a value that is not a choice (a hand-edited address) means the default

    def valid(field, default):
        return default if field.errors or not field.data else field.data

    today = date.today()
    shown = caseload_service.show_caseload(
        db, unit_ids=unit_ids_of(db, current_user), today=today, search=valid(form.q, None),
        unit_id=valid(form.unit, None),
        status=caseload_service.CaseloadFilter(valid(form.status, "all")),
        sort=caseload_service.CaseloadSort(valid(form.sort, "due")), page=valid(form.page, 1),
        **request_actor())
    return render_template("coach/caseload.html", form=form, rows=shown.rows, total=shown.total,
                           pages=shown.pages, page_number=shown.number, today=today,
                           invite_form=EmptyForm())


@bp.get("/due")
def due():
    """Who is due within 14 days or overdue, with one-click invitations and response rates."""
    db = get_session()
    today = date.today()
    shown = caseload_service.show_due(db, unit_ids=unit_ids_of(db, current_user), today=today,
                                      page=request.args.get("page", 1, type=int), **request_actor())
    return render_template(
        "coach/due.html", rows=shown.rows, pages=shown.pages, page_number=shown.number,
        today=today, rates=shown.rates, invite_form=EmptyForm(),
        window=caseload_service.DUE_WINDOW_DAYS)


@bp.route("/participants/new", methods=["GET", "POST"])
def register():
    """Register a participant in one of the coach's units; the code is generated."""
    db = get_session()
    form = ParticipantForm().with_units(units_of(db, current_user, active_only=True))
    if form.validate_on_submit():
        try:
            participant = participant_service.enrol(
                db, unit=db.get(Unit, form.unit.data), intake_date=form.intake_date.data,
                gender=form.gender.data, birth_year=form.birth_year.data,
                preferred_language=form.preferred_language.data,
                display_name=form.display_name.data, registered_by=current_user.staff,
                ip=request_actor()["ip"])
        except (participant_service.NotYourUnit, participant_service.UnitInactive) as refused:
            form.unit.errors.append(message_of(refused))
        else:
            flash(_("Registered %(code)s.", code=participant.code), "success")
            return redirect(url_for("coach.participant", participant_id=participant.id))
    return render_template("coach/participant_form.html", form=form, participant=None)


@bp.route("/participants/<int:participant_id>/edit", methods=["GET", "POST"])
def edit(participant_id: int):
    """Correct a participant's background variables."""
    db = get_session()
    participant = participant_for(db, current_user, participant_id)
    form = ParticipantForm(obj=participant)
    del form.unit, form.intake_date  # the unit and the plan stay; occasions move on their own page
    if form.validate_on_submit():
        participant_service.update_background(
            db, participant=participant, gender=form.gender.data, birth_year=form.birth_year.data,
            preferred_language=form.preferred_language.data, display_name=form.display_name.data,
            **request_actor())
        flash(_("Saved."), "success")
        return redirect(url_for("coach.participant", participant_id=participant.id))
    audit_view(db, participant, "participant.form_viewed", form="edit")
    return render_template("coach/participant_form.html", form=form, participant=participant)


@bp.route("/participants/<int:participant_id>/exit", methods=["GET", "POST"])
def record_exit(participant_id: int):
    """Record that a participant left, when and why; exit and follow-up move to that date."""
    db = get_session()
    participant = participant_for(db, current_user, participant_id)
    form = ExitForm(exit_date=participant.exit_date or date.today(), reason=participant.exit_reason)
    if form.validate_on_submit():
        try:
            participant_service.record_exit(db, participant=participant,
                                            unit=db.get(Unit, participant.unit_id),
                                            exit_date=form.exit_date.data, reason=form.reason.data,
                                            **request_actor())
        except participant_service.ExitBeforeIntake as refused:
            form.exit_date.errors.append(message_of(refused))
        else:
            flash(_("Exit recorded for %(code)s.", code=participant.code), "success")
            return redirect(url_for("coach.participant", participant_id=participant.id))
    audit_view(db, participant, "participant.form_viewed", form="exit")
    return render_template("coach/exit.html", form=form, participant=participant)


@bp.route("/participants/<int:participant_id>/occasions", methods=["GET", "POST"])
def occasions(participant_id: int):
    """Move a participant's planned occasion dates."""
    db = get_session()
    participant = participant_for(db, current_user, participant_id)
    current = {o.kind: o.planned_date for o in occasion_service.occasions_of(db, participant)}
    form = OccasionDatesForm(data=current)
    if form.validate_on_submit():
        planned = {kind: form[kind].data for kind in current}
        try:
            occasion_service.move(db, participant=participant, planned=planned, **request_actor())
        except occasion_service.InvalidOccasionDate as exc:
            form[str(exc)].errors.append(_("An occasion cannot be before the intake date."))
        else:
            flash(_("The occasion dates are saved."), "success")
            return redirect(url_for("coach.participant", participant_id=participant.id))
    audit_view(db, participant, "participant.form_viewed", form="occasions")
    return render_template("coach/occasions.html", form=form, participant=participant)
