"""A participant's rights from their page: everything held about them (GDPR art. 15), as a
printable page in their language or as JSON, and erasure (art. 17) after typing their code.

Both are audited by the service; the erasure is a POST with CSRF and a typed confirmation, so
neither a stray click nor a forged link can erase anyone.
"""
from __future__ import annotations

from flask import flash, g, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import refresh
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired

from ..db import get_session
from ..i18n import RequestCatalog, message_of
from ..models import Unit
from ..security import request_actor
from ..services import privacy
from . import bp
from .access import audit_view, participant_for


class EraseForm(FlaskForm):
    """The participant's code, typed again: erasure cannot be undone."""

    confirmation = StringField(_l("The participant's code"), validators=[DataRequired()])


@bp.route("/participants/<int:participant_id>/erase", methods=["GET", "POST"])
def erase(participant_id: int):
    """Ask for the typed code, then erase the person and everything about them."""
    db = get_session()
    person = participant_for(db, current_user, participant_id)
    form = EraseForm()
    if form.validate_on_submit():
        code = person.code
        try:
            privacy.erase(db, participant=person, confirmation=form.confirmation.data,
                          **request_actor())
        except privacy.ConfirmationMismatch as refused:
            form.confirmation.errors.append(message_of(refused))
        else:
            flash(_("%(code)s and everything about them is erased.", code=code), "success")
            return redirect(url_for("coach.caseload"))
    audit_view(db, person, "participant.form_viewed", form="erase")
    return render_template("coach/erase.html", participant=person, form=form)


@bp.get("/participants/<int:participant_id>/access")
def access(participant_id: int):
    """Everything held about the participant, as a printable page in their language."""
    db = get_session()
    person = participant_for(db, current_user, participant_id)
    g.locale = person.preferred_language  # the page, its lang and dir follow the participant
    refresh()
    record = privacy.subject_access(db, participant=person, translations=RequestCatalog(),
                                    **request_actor())
    return render_template("coach/access.html", participant=person, record=record,
                           unit=db.get(Unit, person.unit_id))


@bp.get("/participants/<int:participant_id>/access.json")
def access_json(participant_id: int):
    """The same, as a JSON file to hand over."""
    db = get_session()
    person = participant_for(db, current_user, participant_id)
    g.locale = person.preferred_language
    refresh()
    record = privacy.subject_access(db, participant=person, translations=RequestCatalog(),
                                    via="web-json", **request_actor())
    response = jsonify(record)
    response.headers["Content-Disposition"] = f'attachment; filename="{person.code}.json"'
    return response
