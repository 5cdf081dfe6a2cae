"""The administration's front page, and the audit trail (read-only): admins see their
organisation's events, unit admins their units', on the page and as a CSV file of what the
page shows."""
from __future__ import annotations

from datetime import date

from flask import Response, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import Session

from ..db import closing_when_read, engine_of, get_session
from ..security import request_actor
from ..services import administration, audit_trail
from . import bp
from .access import organisation_chooser, organisation_in_view
from .forms import AuditFilterForm


@bp.get("/")
def home():
    """Where administrators land: the organisation in numbers, and the way to each section."""
    organisation = organisation_in_view()
    return render_template("admin/home.html",
                           overview=administration.overview(get_session(), organisation),
                           chooser=organisation_chooser(organisation))


def _trail_filter(db: Session, scope: audit_trail.TrailScope) -> tuple[AuditFilterForm,
                                                                      audit_trail.TrailFilter]:
    """The filter form from the query string and what it selects. A hand-edited value that
    does not validate is simply not applied; a participant code nobody in scope has is said."""
    form = AuditFilterForm(request.args).with_choices(*audit_trail.choices(db, scope=scope))
    form.validate()
    actor, code = form.valid("actor"), form.valid("participant")
    person = audit_trail.participant_in_scope(db, scope, code) if code else None
    if code and person is None:
        form.participant.errors.append(_("None of the participants you can see has that code."))
    return form, audit_trail.TrailFilter(
        action=form.valid("action"), actor_staff_id=int(actor) if actor else None,
        since=form.valid("since"), until=form.valid("until"),
        object_type=form.valid("object_type"), object_id=form.valid("object_id"),
        participant_id=person.id if person else None)


@bp.get("/audit")
def audit():
    """Events newest first, filtered by action, actor, dates, record and participant, paged."""
    db = get_session()
    scope = audit_trail.scope_of(db, current_user.staff)
    form, chosen = _trail_filter(db, scope)
    shown = audit_trail.trail(db, scope=scope, chosen=chosen, page=form.valid("page") or 1,
                              **request_actor())
    return render_template("admin/audit.html", form=form, trail=shown)


@bp.get("/audit.csv")
def audit_csv():
    """The filtered trail as a CSV file, every page of it; the download is audited."""
    db = get_session()
    scope = audit_trail.scope_of(db, current_user.staff)
    _form, chosen = _trail_filter(db, scope)
    own = Session(engine_of(), expire_on_commit=False)  # the body is read after the request
    chunks = audit_trail.trail_csv(own, scope=scope, chosen=chosen, **request_actor())
    return Response(closing_when_read(own, chunks), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="audit-trail-{date.today()}.csv"'})
