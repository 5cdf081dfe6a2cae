"""Sign in, sign out, and the landing page that sends each role to its workspace."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.routing import BuildError

from ..db import get_session
from ..extensions import limiter
from ..security import request_actor
from ..services import audit, staff
from . import ROLE_HOME, bp
from .forms import LoginForm


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths: an open redirect after login would help phishing."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def home_url_for(role: str) -> str:
    """The workspace a role lands in."""
    try:
        return url_for(ROLE_HOME[role])
    except (KeyError, BuildError):
        return url_for("auth.signed_in")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def login():
    """Email and password sign-in."""
    form = LoginForm()
    if form.validate_on_submit():
        db = get_session()
        user = staff.authenticate(db, email=form.email.data, password=form.password.data)
        if user is None:
            audit.record(db, action="login_failed", ip=request.remote_addr,
                         details={"email": staff.normalise_email(form.email.data)})
            db.commit()
            flash(_("Wrong email or password."), "error")
            return render_template("auth/login.html", form=form), 200
        session.clear()
        login_user(user)
        session.permanent = True
        audit.record(db, action="login", **request_actor())
        db.commit()
        return redirect(_safe_next(request.args.get("next")) or home_url_for(user.role))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    """Sign out and forget the session."""
    db = get_session()
    audit.record(db, action="logout", **request_actor())
    db.commit()
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


@bp.get("/signed-in")
@login_required
def signed_in():
    """A fallback landing page for roles whose workspace is not built yet."""
    return render_template("auth/signed_in.html")
