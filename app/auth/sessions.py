"""What a signed-in session must keep proving on every request.

The cookie's lifetime alone cannot end an idle session: a copied cookie stays valid until it
expires, and a permanent session is re-issued on each response. So the session stores the time
of the last request, and each request checks it on the server against SESSION_IDLE_MINUTES.
"""
from __future__ import annotations

import time

from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

LAST_SEEN = "last_seen"
MUST_ENROL_TOTP = "must_enrol_totp"
# Pages a user who still has to set up two-factor sign-in may reach.
ENROLMENT_ENDPOINTS = frozenset({"auth.totp_setup", "auth.logout", "static"})


def idle_expired(last_seen: float | None, *, now: float, idle_minutes: int) -> bool:
    """True when the session has no last-activity time or it lies too far back."""
    return last_seen is None or now - last_seen > idle_minutes * 60


def start(*, must_enrol_totp: bool) -> None:
    """Stamp a fresh session right after sign-in."""
    session.permanent = True
    session[LAST_SEEN] = time.time()
    if must_enrol_totp:
        session[MUST_ENROL_TOTP] = True


def enforce() -> object | None:
    """Before every request: sign out idle sessions and hold back unenrolled users."""
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    now = time.time()
    if idle_expired(session.get(LAST_SEEN), now=now,
                    idle_minutes=current_app.config["SESSION_IDLE_MINUTES"]):
        logout_user()
        session.clear()
        flash(_("You were signed out because you were inactive for a while. Please sign in again."),
              "info")
        return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))
    session[LAST_SEEN] = now
    if session.get(MUST_ENROL_TOTP) and request.endpoint not in ENROLMENT_ENDPOINTS:
        return redirect(url_for("auth.totp_setup"))
    return None
