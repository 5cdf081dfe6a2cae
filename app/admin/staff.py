"""Staff accounts: the list, a new account with its set-password link, role and units,
deactivation, password and two-factor resets."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..db import get_session
from ..i18n import message_of
from ..models import Organisation, Role, StaffUser
from ..services import password_links, staffing
from ..services import units as unit_service
from ..services.administration import OutsideYourReach
from ..vocabulary import ROLE_HINTS, ROLE_LABELS
from . import bp
from .access import organisation_chooser, organisation_in_view, staff_for
from .forms import ActiveForm, ButtonForm, StaffForm

ACCOUNT_STATE_LABELS = {
    staffing.AccountState.ACTIVE: _l("Active"),
    staffing.AccountState.AWAITING_PASSWORD: _l("Waiting to set a password"),
    staffing.AccountState.INACTIVE: _l("Deactivated"),
}
# Which field a refusal of the staff use cases belongs under.
FIELD_OF = {
    staffing.EmailInvalid: "email",
    staffing.EmailTaken: "email",
    staffing.RoleNotYours: "role",
    staffing.OwnAccount: "role",
    staffing.UnitsRequired: "unit_ids",
    staffing.UnitsOutsideOrganisation: "unit_ids",
    OutsideYourReach: "role",
}


@bp.context_processor
def _labels() -> dict:
    return {"ROLE_LABELS": ROLE_LABELS, "ROLE_HINTS": ROLE_HINTS,
            "ACCOUNT_STATE_LABELS": ACCOUNT_STATE_LABELS}


@bp.get("/staff")
def staff():
    """The organisation's staff: role, units, state; a link to each account one may change."""
    organisation = organisation_in_view()
    rows = staffing.staff_list(get_session(), actor=current_user.staff, organisation=organisation)
    return render_template("admin/staff.html", organisation=organisation, rows=rows,
                           chooser=organisation_chooser(organisation))


def _form(organisation: Organisation, user: StaffUser | None = None, **kwargs) -> StaffForm:
    """The staff form with the roles the administrator may give (only their own, on their own
    account) and the organisation's active units plus any the person already works in."""
    db = get_session()
    own = user is not None and user.id == current_user.id
    grants = Role(current_user.role).access.grants
    roles = [Role(user.role)] if own else [role for role in Role if role in grants]
    working_in = set(staffing.units_of(db, user)) if user else set()
    units = [unit for unit in unit_service.units_of(db, organisation.id)
             if unit.active or unit.id in working_in]
    return StaffForm(**kwargs).with_choices(roles, units)


def _refused(form: StaffForm, refusal: Exception) -> None:
    form[FIELD_OF[type(refusal)]].errors.append(message_of(refusal))


@bp.route("/staff/new", methods=["GET", "POST"])
def staff_new():
    """Add someone by email; the page then shows their one-time set-password link."""
    organisation = organisation_in_view()
    form = _form(organisation)
    if form.validate_on_submit():
        try:
            link = staffing.add_staff(
                get_session(), actor=current_user.staff, organisation=organisation,
                email=form.email.data, display_name=form.display_name.data, role=form.role.data,
                unit_ids=form.unit_ids.data, secret=current_app.secret_key, ip=request.remote_addr)
        except tuple(FIELD_OF) as refused:
            _refused(form, refused)
        else:
            return _link_page(link, new=True)
    return render_template("admin/staff_form.html", form=form, organisation=organisation, user=None)


@bp.route("/staff/<int:staff_id>", methods=["GET", "POST"])
def staff_edit(staff_id: int):
    """Change someone's name, role and units; the page also holds the account's buttons."""
    db = get_session()
    user = staff_for(staff_id)
    organisation = db.get(Organisation, user.organisation_id)
    form = _form(organisation, user, obj=user, unit_ids=staffing.units_of(db, user))
    del form.email  # the email is how they sign in: a new one is a new account
    if form.validate_on_submit():
        try:
            staffing.change_staff(db, actor=current_user.staff, user=user,
                                  display_name=form.display_name.data, role=form.role.data,
                                  unit_ids=form.unit_ids.data, ip=request.remote_addr)
        except tuple(FIELD_OF) as refused:
            _refused(form, refused)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("admin.staff", organisation=organisation.id))
    return render_template("admin/staff_form.html", form=form, organisation=organisation, user=user,
                           own=user.id == current_user.id, state=staffing.state_of(user),
                           active_form=ActiveForm(),
                           button_form=ButtonForm())


@bp.post("/staff/<int:staff_id>/active")
def staff_active(staff_id: int):
    """Deactivate an account (its sessions end) or let it in again (`active`: on or off)."""
    user = staff_for(staff_id)
    form = ActiveForm()
    if form.validate_on_submit():
        return _done(staffing.set_staff_active, user, active=form.wanted,
                     message=_("%(email)s can sign in again.", email=user.email) if form.wanted
                     else _("%(email)s is deactivated and signed out everywhere.", email=user.email))
    return redirect(url_for("admin.staff_edit", staff_id=user.id))


@bp.post("/staff/<int:staff_id>/two-factor")
def staff_two_factor(staff_id: int):
    """Turn off someone's two-factor sign-in (a lost phone); they set it up again."""
    user = staff_for(staff_id)
    return _done(staffing.reset_two_factor, user,
                 message=_("Two-factor sign-in is reset for %(email)s.", email=user.email))


def _done(use_case, user: StaffUser, *, message: str, **values):
    """Run a button's use case on `user`, and say how it went on their page."""
    try:
        use_case(get_session(), actor=current_user.staff, user=user, ip=request.remote_addr, **values)
    except staffing.OwnAccount as refused:
        flash(message_of(refused), "error")
    else:
        flash(message, "success")
    return redirect(url_for("admin.staff_edit", staff_id=user.id))


@bp.post("/staff/<int:staff_id>/password")
def staff_password(staff_id: int):
    """Reset someone's password: the old one stops working; the page shows their new link."""
    user = staff_for(staff_id)
    try:
        link = staffing.reset_password(get_session(), actor=current_user.staff, user=user,
                                       secret=current_app.secret_key, ip=request.remote_addr)
    except staffing.OwnAccount as refused:
        flash(message_of(refused), "error")
        return redirect(url_for("admin.staff_edit", staff_id=user.id))
    return _link_page(link, new=False)


def _link_page(link: password_links.PasswordLink, *, new: bool):
    """The one-time link on screen (rendered, not redirected to: it must not sit in a URL or a
    cookie), handed to the outbox too once mail exists."""
    address = current_app.config["BASE_URL"].rstrip("/") + url_for("auth.set_password", token=link.token)
    return render_template("admin/staff_link.html", link=link, address=address, new=new,
                           mailed=password_links.hand_to_outbox(link, address))
