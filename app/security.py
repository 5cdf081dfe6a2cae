"""Security at the web edge, written once: role guards and the headers on every response.

Password hashing lives in `app.passwords`, which needs no web framework."""
from __future__ import annotations

import secrets

from flask import Blueprint, Flask, abort, g, redirect, request, url_for
from flask_login import current_user


def guard_blueprint(blueprint: Blueprint, *roles: str) -> None:
    """Default deny: every route of `blueprint` needs a signed-in staff user with one of `roles`."""

    @blueprint.before_request
    def _require_role():
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path))
        if current_user.role not in roles:
            abort(403)
        return None

    blueprint.allowed_roles = roles


def init_app(app: Flask) -> None:
    """Give every request a CSP nonce and every response the security headers."""
    app.before_request(_make_nonce)
    app.after_request(_security_headers)
    app.jinja_env.globals["csp_nonce"] = lambda: g.get("csp_nonce", "")


def _make_nonce() -> None:
    g.csp_nonce = secrets.token_urlsafe(16)


def content_security_policy(nonce: str) -> str:
    """Our own scripts and styles only; no third-party origin, no inline code without nonce."""
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'self'",
        ]
    )


def _security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", content_security_policy(g.get("csp_nonce", "")))
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    headers.setdefault("Referrer-Policy", "same-origin")
    if request.endpoint != "static" and "Cache-Control" not in headers:
        # Pages may show personal data: no shared or browser cache may keep them.
        headers["Cache-Control"] = "no-store"
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def request_actor() -> dict:
    """Who is acting and from where, as keyword arguments for `services.audit.record`."""
    staff_id = current_user.id if current_user and current_user.is_authenticated else None
    return {"staff_id": staff_id, "ip": request.remote_addr}
