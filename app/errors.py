"""Friendly error pages in the visitor's language; JSON when the client asks for JSON."""
from __future__ import annotations

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def _render(error: HTTPException):
    if _wants_json():
        return {"error": error.name, "status": error.code}, error.code
    return render_template("errors/error.html", error=error), error.code


def _csrf(error: CSRFError):
    return render_template("errors/error.html", error=error, csrf=True), 400


def _unexpected(error: Exception):
    return _render(InternalServerError())


def init_app(app: Flask) -> None:
    """Register handlers; a stack trace never reaches a visitor."""
    app.register_error_handler(CSRFError, _csrf)
    app.register_error_handler(HTTPException, _render)
    if not app.testing:
        app.register_error_handler(Exception, _unexpected)
