"""Friendly error pages in the visitor's language; JSON when the client asks for JSON.

Every page carries the request id ("Error reference"), and every unexpected exception is
logged with its traceback under that id. While the database cannot be reached the answer is
503 with Retry-After, not 500: it is an outage the app recovers from by itself (the pool
pings connections before use), and the page must render without the database.
"""
from __future__ import annotations

import logging

from flask import Flask, current_app, g, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from . import logs

log = logging.getLogger(__name__)
# SQLite's generic SQLITE_ERROR ("no such table", bad SQL) is a defect, not an outage.
_SQLITE_DEFECT = "SQLITE_ERROR"


def database_unavailable(error: BaseException) -> bool:
    """Whether `error` means the database cannot be reached now (so: 503, try again later)."""
    if isinstance(error, PoolTimeout):
        return True  # every pooled connection busy: the database is not answering in time
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    if not isinstance(error, (OperationalError, InterfaceError)):
        return False  # integrity, programming and data errors are defects: 500
    return getattr(error.orig, "sqlite_errorname", None) != _SQLITE_DEFECT


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def _render(error: HTTPException):
    if _wants_json():
        return {"error": error.name, "status": error.code}, error.code
    return render_template("errors/error.html", error=error), error.code


def _csrf(error: CSRFError):
    return render_template("errors/error.html", error=error, csrf=True), 400


def _propagates(app: Flask) -> bool:
    """Flask's own rule: tests and the debugger see the real exception unless told otherwise."""
    configured = app.config.get("PROPAGATE_EXCEPTIONS")
    return app.testing or app.debug if configured is None else configured


def _unexpected(error: Exception):
    if database_unavailable(error):
        return _unavailable(error)
    log.error("Unexpected %s on %s %s", type(error).__name__, request.method,
              logs.redact_path(request.path), exc_info=error)
    if _propagates(current_app):
        raise error
    return _render(InternalServerError())


def _unavailable(error: Exception):
    """The 503 page, rendered without the database (Retry-After and the warning come with
    every 503, see `logs`)."""
    logs.note_unavailable(error)
    # The staff user is loaded from the database; render this page as for a visitor, whose
    # language comes from the browser (or from a choice this request already made).
    g._login_user = current_app.login_manager.anonymous_user()
    return _render(ServiceUnavailable())


def init_app(app: Flask) -> None:
    """Register handlers; a stack trace never reaches a visitor."""
    logs.init_app(app)
    app.register_error_handler(CSRFError, _csrf)
    app.register_error_handler(HTTPException, _render)
    app.register_error_handler(Exception, _unexpected)
