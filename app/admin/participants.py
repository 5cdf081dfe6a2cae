"""Moving a participant to another unit of their organisation."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..db import get_session
from ..i18n import message_of
from ..models import Unit
from ..services import participants as participant_service
from ..services import units as unit_service
from ..services.errors import DomainError
from . import bp
from .access import organisation_chooser, organisation_in_view
from .forms import MoveParticipantForm


@bp.route("/participants/move", methods=["GET", "POST"])
def move_participant():
    """Move a participant, found by their code, to another active unit (`?code=` prefills it
    from the participant's page)."""
    db = get_session()
    organisation = organisation_in_view()
    form = MoveParticipantForm(code=request.args.get("code", "")[:20]).with_units(
        unit_service.units_of(db, organisation.id, active_only=True))
    if form.validate_on_submit():
        try:
            moved = participant_service.move_to_unit(db, actor=current_user.staff,
                                                     code=form.code.data, unit_id=form.unit.data,
                                                     ip=request.remote_addr)
        except participant_service.UnknownCode as refused:
            form.code.errors.append(message_of(refused))
        except DomainError as refused:
            form.unit.errors.append(message_of(refused))
        else:
            flash(_("%(code)s now belongs to %(unit)s.", code=moved.code,
                    unit=db.get(Unit, moved.unit_id).name), "success")
            return redirect(url_for("admin.move_participant", organisation=organisation.id))
    return render_template("admin/move_participant.html", form=form, organisation=organisation,
                           chooser=organisation_chooser(organisation))
