"""Sign in (password, then a one-time code when set up), sign out, own account settings, and
the one-time set-password link."""
from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user

from ..db import get_session
from ..models import Role
from ..qr import qr_svg
from ..security import CODE_PER_ACCOUNT, CODE_PER_IP, failure_limits, sign_in_limits
from ..services import password_links, staff
from ..tokens import TokenInvalid
from ..urls import is_plain_path
from . import SignedInStaff, bp, sessions
from .forms import ChangePasswordForm, CodeForm, LoginForm, SetPasswordForm, SignOutEverywhereForm

# A password check waits this long for its one-time code before it must be repeated.
PENDING_CODE_SECONDS = 300
PENDING = "totp_pending"
NEW_SECRET = "totp_new_secret"


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths: an open redirect after login would help phishing."""
    if not target or not is_plain_path(target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def home_url_for(role: str) -> str:
    """The workspace a role lands in."""
    return url_for(Role(role).access.home)


def _signed_in(result: staff.SignIn, next_url: str | None):
    """Start the web session of a signed-in user; those whose organisation requires
    two-factor sign-in but who lack it enrol first."""
    session.clear()
    login_user(SignedInStaff(result.user))
    sessions.start(must_enrol_totp=result.must_enrol_totp)
    if result.must_enrol_totp:
        return redirect(url_for("auth.totp_setup"))
    return redirect(_safe_next(next_url) or home_url_for(result.user.role))


def _pending_account() -> str:
    """The account whose password was right and whose one-time code is asked for now."""
    return f"account-code:{(session.get(PENDING) or {}).get('id')}"


@bp.route("/login", methods=["GET", "POST"])
@sign_in_limits
def login():
    """Email and password sign-in."""
    form = LoginForm()
    if form.validate_on_submit():
        result = staff.sign_in_with_password(get_session(), email=form.email.data,
                                             password=form.password.data, ip=request.remote_addr)
        if result.outcome is staff.SignInOutcome.FAILED:
            flash(_("Wrong email or password."), "error")
            return render_template("auth/login.html", form=form), 200
        if result.outcome is staff.SignInOutcome.NEEDS_CODE:
            session.clear()
            session[PENDING] = {"id": result.user.id, "at": time.time(),
                                "next": request.args.get("next")}
            return redirect(url_for("auth.totp_verify"))
        return _signed_in(result, request.args.get("next"))
    return render_template("auth/login.html", form=form)


@bp.route("/login/code", methods=["GET", "POST"])
@failure_limits((CODE_PER_ACCOUNT, _pending_account), (CODE_PER_IP, get_remote_address))
def totp_verify():
    """Second step: the one-time code, within a few minutes of the password check."""
    pending = session.get(PENDING)
    if not pending or time.time() - pending["at"] > PENDING_CODE_SECONDS:
        session.pop(PENDING, None)
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        result = staff.sign_in_with_code(get_session(), user_id=pending["id"], code=form.code.data,
                                         ip=request.remote_addr)
        if result.outcome is staff.SignInOutcome.SIGNED_IN:
            return _signed_in(result, pending.get("next"))
        form.code.errors.append(_("That code is not right. Check the time on your phone and try the newest code."))
    return render_template("auth/totp_verify.html", form=form)


@bp.route("/account/two-factor", methods=["GET", "POST"])
@login_required
def totp_setup():
    """Enrol an authenticator app: scan the QR code, then prove it with one code.

    The new secret waits in the (signed) session until proven, so an abandoned enrolment
    leaves the account as it was.
    """
    secret = session.get(NEW_SECRET) or staff.new_totp_secret()
    session[NEW_SECRET] = secret
    form = CodeForm()
    if form.validate_on_submit():
        if staff.enable_totp(get_session(), user=current_user.staff, secret=secret,
                             code=form.code.data, ip=request.remote_addr):
            session.pop(NEW_SECRET)
            session.pop(sessions.MUST_ENROL_TOTP, None)
            flash(_("Two-factor sign-in is on. Next time you sign in, we ask for a code."), "success")
            return redirect(home_url_for(current_user.role))
        form.code.errors.append(_("That code is not right. Check the time on your phone and try the newest code."))
    uri = staff.totp_provisioning_uri(secret, current_user.email)
    return render_template(
        "auth/totp_setup.html", form=form, secret=secret,
        qr=qr_svg(uri, title=_("QR code for your authenticator app")),
        required=session.get(sessions.MUST_ENROL_TOTP, False),
    )


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change one's own password."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            staff.change_password(get_session(), user=current_user.staff, current=form.current.data,
                                  new=form.new.data, ip=request.remote_addr)
        except staff.WrongPassword:
            form.current.errors.append(_("That is not your current password."))
        else:
            # Every session ended with the old password; this browser carries on in the new one.
            login_user(SignedInStaff(current_user.staff))
            flash(_("Your password is changed. You are signed out on all other devices."), "success")
            return redirect(home_url_for(current_user.role))
    return render_template("auth/change_password.html", form=form,
                           everywhere_form=SignOutEverywhereForm())


@bp.route("/password/<token>", methods=["GET", "POST"])
def set_password(token: str):
    """A one-time set-password link (a new account, or a password reset): choose a password,
    then sign in with it. Whoever was signed in on this browser is signed out first."""
    db, secret = get_session(), current_app.secret_key
    form = SetPasswordForm()
    try:
        holder = password_links.link_holder(db, token=token, secret=secret)
        if form.validate_on_submit():
            password_links.set_password_with_link(db, token=token, secret=secret, password=form.new.data,
                                            ip=request.remote_addr)
            logout_user()
            session.clear()
            flash(_("Your password is set. Sign in with your email and the new password."), "success")
            return redirect(url_for("auth.login"))
    except TokenInvalid:  # not a link we made, or older than any link lives
        return _link_unusable(404)
    except password_links.LinkUnusable:  # used, replaced, expired, or the account was closed
        return _link_unusable(410)
    return render_template("auth/set_password.html", form=form, email=holder.email)


def _link_unusable(status: int):
    return render_template("auth/link_unusable.html", hours=password_links.LINK_VALID_HOURS), status


@bp.post("/account/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    """End every session of the user, this one included (a lost phone, a shared computer)."""
    if SignOutEverywhereForm().validate_on_submit():
        staff.sign_out_everywhere(get_session(), user=current_user.staff, ip=request.remote_addr)
        logout_user()
        session.clear()
        flash(_("You are signed out on all devices, this one too."), "info")
        return redirect(url_for("auth.login"))
    return redirect(url_for("auth.change_password"))


@bp.post("/logout")
@login_required
def logout():
    """Sign out: this session and every other one of the user's end."""
    staff.sign_out(get_session(), user=current_user.staff, ip=request.remote_addr)
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.get("/")
def index():
    """Staff go to their workspace; anyone else to the sign-in page."""
    if current_user.is_authenticated:
        return redirect(home_url_for(current_user.role))
    return redirect(url_for("auth.login"))

