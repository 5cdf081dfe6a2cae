"""What a signed-in session must keep proving on every request.

The cookie's lifetime alone cannot end a session: a copied cookie stays valid until it expires,
and a permanent session is re-issued on each response. So the session stores when it began and
when it was last used, and each request checks both on the server: SESSION_IDLE_MINUTES without
activity, or SESSION_MAX_HOURS after sign-in however active (an attacker who keeps a stolen
cookie busy is still cut off). Ending sessions before that (sign-out, password change,
deactivation) is the session generation's job (`SignedInStaff.get_id`, `load_staff_user`).
"""
from __future__ import annotations

import time

from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

LAST_SEEN = "last_seen"
SIGNED_IN_AT = "signed_in_at"
MUST_ENROL_TOTP = "must_enrol_totp"
# Pages a user who still has to set up two-factor sign-in may reach.
ENROLMENT_ENDPOINTS = frozenset({"auth.totp_setup", "auth.logout", "static"})


def idle_expired(last_seen: float | None, *, now: float, idle_minutes: int) -> bool:
    """True when the session has no last-activity time or it lies too far back."""
    return last_seen is None or now - last_seen > idle_minutes * 60


def lifetime_expired(signed_in_at: float | None, *, now: float, max_hours: int) -> bool:
    """True when the session has no sign-in time or began more than `max_hours` ago."""
    return signed_in_at is None or now - signed_in_at > max_hours * 3600


def start(*, must_enrol_totp: bool) -> None:
    """Stamp a fresh session right after sign-in."""
    session.permanent = True
    session[LAST_SEEN] = session[SIGNED_IN_AT] = time.time()
    if must_enrol_totp:
        session[MUST_ENROL_TOTP] = True


def enforce() -> object | None:
    """Before every request: sign out idle sessions and hold back unenrolled users."""
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    now = time.time()
    config = current_app.config
    if lifetime_expired(session.get(SIGNED_IN_AT), now=now, max_hours=config["SESSION_MAX_HOURS"]):
        return _end(_("You were signed out because you signed in many hours ago. Please sign in again."))
    if idle_expired(session.get(LAST_SEEN), now=now, idle_minutes=config["SESSION_IDLE_MINUTES"]):
        return _end(_("You were signed out because you were inactive for a while. Please sign in again."))
    session[LAST_SEEN] = now
    if session.get(MUST_ENROL_TOTP) and request.endpoint not in ENROLMENT_ENDPOINTS:
        return redirect(url_for("auth.totp_setup"))
    return None


def _end(message: str):
    """Forget the session and send the user to sign in, back to this page afterwards."""
    logout_user()
    session.clear()
    flash(message, "info")
    return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))
