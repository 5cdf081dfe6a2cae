"""The administration's front page, and the audit trail (read-only): admins see their
organisation's events, unit admins their units'."""
from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from ..db import get_session
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


@bp.get("/audit")
def audit():
    """Events newest first, filtered by action, actor, dates and record, paged."""
    db = get_session()
    scope = audit_trail.scope_of(db, current_user.staff)
    form = AuditFilterForm(request.args).with_choices(*audit_trail.choices(db, scope=scope))
    form.validate()  # a hand-edited value that does not validate is simply not applied
    actor = form.valid("actor")
    chosen = audit_trail.TrailFilter(
        action=form.valid("action"), actor_staff_id=int(actor) if actor else None,
        since=form.valid("since"), until=form.valid("until"),
        object_type=form.valid("object_type"), object_id=form.valid("object_id"))
    shown = audit_trail.trail(db, scope=scope, chosen=chosen, page=form.valid("page") or 1)
    return render_template("admin/audit.html", form=form, trail=shown)
