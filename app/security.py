"""Security at the web edge, written once: role guards, the proxy in front, the headers on
every response, and the rate limits on guessable secrets.

Password hashing lives in `app.passwords`, which needs no web framework."""
from __future__ import annotations

import secrets

from flask import Blueprint, Flask, abort, g, redirect, request, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from .extensions import limiter
from .models import Role


def guard_blueprint(blueprint: Blueprint) -> None:
    """Default deny: every route of `blueprint` needs a signed-in staff user whose role lets
    them into this workspace (`Role.allowed_in`, read from the roles' one table)."""
    roles = Role.allowed_in(blueprint.name)

    @blueprint.before_request
    def _require_role():
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path))
        if current_user.role not in roles:
            abort(403)
        return None

    blueprint.allowed_roles = roles


def init_app(app: Flask) -> None:
    """Believe the trusted proxies, give every request a CSP nonce and every response the
    security headers."""
    trust_proxies(app, app.config["TRUSTED_PROXIES"])
    app.before_request(_make_nonce)
    app.after_request(_security_headers)
    app.jinja_env.globals["csp_nonce"] = lambda: g.get("csp_nonce", "")


def trust_proxies(app: Flask, hops: int) -> None:
    """Behind `hops` proxies (TLS terminators, load balancers), take the client's address,
    scheme, host, port and path prefix from their X-Forwarded-* headers, so the audit and the
    rate limits see the client rather than the proxy and HTTPS is recognised (HSTS, secure
    redirects). With 0 the headers are ignored: anyone could send them."""
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops,
                                x_port=hops, x_prefix=hops)


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


# Rate limits on the guessable secrets. Each limit counts only failed attempts (the form shown
# again, HTTP 200; a success redirects), so busy offices and classrooms sharing one address are
# never slowed by people who get it right. Limits are per client IP (after ProxyFix) or per
# account, never global: nobody can lock a whole programme out. The numbers are in the README.
SIGN_IN_PER_ACCOUNT = "5 per minute;20 per hour"  # wrong passwords for one email, from anywhere
SIGN_IN_PER_IP = "20 per minute;100 per hour"  # wrong passwords from one address, any email
CODE_PER_ACCOUNT = "5 per minute;20 per hour"  # wrong one-time codes for one account
CODE_PER_IP = "20 per minute;100 per hour"
SHORT_CODE_PER_IP = "10 per minute;50 per hour"  # unknown /kod codes from one address


def _failed(response) -> bool:
    return response.status_code == 200


def _account_signing_in() -> str:
    """The email being tried, as stored (lower case), so case variants share one count."""
    return "account:" + request.form.get("email", "").strip().lower()


def failure_limits(*rules: tuple[str, object]):
    """A decorator applying each (limit, key function) to the view's POSTs, failures only."""
    decorators = [limiter.limit(value, key_func=key, methods=["POST"], deduct_when=_failed)
                  for value, key in rules]

    def decorate(view):
        for apply in reversed(decorators):
            view = apply(view)
        return view

    return decorate


sign_in_limits = failure_limits((SIGN_IN_PER_ACCOUNT, _account_signing_in),
                                (SIGN_IN_PER_IP, get_remote_address))
short_code_limits = failure_limits((SHORT_CODE_PER_IP, get_remote_address))
# The one-time-code step keys its per-account limit on the pending sign-in (app/auth/routes.py).
