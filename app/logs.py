"""What Stegvis writes to its logs, and what it never writes there.

Every line carries the request id that the visitor also sees (response header, error page), so
a coach who quotes "Error reference: 3f9a…" leads straight to the traceback. Logs go to people
who must not learn answers, names or tokens: a participant link `/i/<token>` is a key to
someone's answers, so paths are written with the token cut and without their query string,
and SQL parameters never appear in a traceback.
"""
from __future__ import annotations

import json
import logging
import re
import secrets
import sys
from datetime import UTC, datetime
from urllib.parse import unquote

from flask import Flask, g, has_request_context, request
from flask.logging import default_handler
from gunicorn.glogging import Logger as GunicornLogger
from sqlalchemy.exc import StatementError

REQUEST_ID_HEADER = "X-Request-ID"
RETRY_AFTER_SECONDS = 30
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# A participant link is /i/<token>, a staff user's set-password link /password/<token>;
# whatever follows up to the next separator is the token.
_TOKEN_IN_PATH = re.compile(r"(/(?:i|password)/)[^/?#\s\"']+")
# psycopg's messages add a DETAIL line that can repeat a row's values (e.g. a duplicate key).
_DETAIL_LINE = re.compile(r"^DETAIL:.*$", re.MULTILINE)
CUT = "…"

log = logging.getLogger(__name__)


def redact_text(text: str) -> str:
    """`text` with the token of every participant or set-password link path cut out."""
    return _TOKEN_IN_PATH.sub(r"\1" + CUT, text)


def redact_path(path: str | None) -> str:
    """A path or URL fit for a log: token cut, query string (which may carry one) dropped."""
    if not path:
        return "-"
    base, has_query, _query = path.partition("?")
    return redact_text(unquote(base)) + ("?" + CUT if has_query else "")


def request_id() -> str:
    """This request's id: the caller's X-Request-ID when it is short and plain, else a new one."""
    if not has_request_context():
        return "-"
    if "request_id" not in g:
        offered = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = offered if _SANE_REQUEST_ID.fullmatch(offered) else secrets.token_hex(6)
    return g.request_id


def note_unavailable(error: BaseException) -> None:
    """Remember why this request answers 503, for the warning written when it ends.

    Only the driver's own first line is kept (e.g. "connection refused"): the SQLAlchemy message
    around it would repeat the statement and its parameters.
    """
    cause = getattr(error, "orig", None) or error
    first_line = (str(cause).strip().splitlines() or [""])[0][:200]
    g.unavailable_cause = f"{type(cause).__name__}: {first_line}" if first_line else type(cause).__name__


class RequestContextFilter(logging.Filter):
    """Adds `request_id` (and the redacted method and path) to every record; never drops one."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id()
        if has_request_context() and not hasattr(record, "path"):
            record.method, record.path = request.method, redact_path(request.path)
        return True


def _scrub(text: str) -> str:
    return redact_text(_DETAIL_LINE.sub("DETAIL: (hidden)", text))


def _hide_parameters(exc_info) -> None:
    """Make SQLAlchemy print the statement of a failed query without the values bound to it."""
    error, seen = (exc_info[1] if exc_info else None), set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, StatementError):
            error.hide_parameters = True
        error = error.__cause__ or error.__context__


class TextFormatter(logging.Formatter):
    """One readable line per record (plus the traceback), with the request id in brackets."""

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
                         defaults={"request_id": "-"})

    def format(self, record: logging.LogRecord) -> str:
        _hide_parameters(record.exc_info)
        return _scrub(super().format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log shippers: time, level, logger, request_id, message."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": redact_text(record.getMessage()),
        }
        for key in ("method", "path"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            _hide_parameters(record.exc_info)
            entry["exception"] = _scrub(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the moment (test runners and servers swap it)."""

    def __init__(self):
        super().__init__()

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value):
        pass


class _RedactMessage(logging.Filter):
    """For loggers we do not format (Werkzeug's development server): cut tokens from the line."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = redact_text(record.getMessage()), ()
        return True


def configure(log_format: str) -> logging.Handler:
    """Send the app's records to stderr as text or JSON lines; calling it again replaces the handler."""
    logger = logging.getLogger(__package__)
    for handler in list(logger.handlers):
        if handler is default_handler or getattr(handler, "stegvis", False):
            logger.removeHandler(handler)
    handler = _StderrHandler()
    handler.stegvis = True
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    werkzeug = logging.getLogger("werkzeug")
    if not any(isinstance(f, _RedactMessage) for f in werkzeug.filters):
        werkzeug.addFilter(_RedactMessage())
    return handler


def init_app(app: Flask) -> None:
    """Configure logging, and give every response its request id and every 503 its warning."""
    configure(app.config.get("LOG_FORMAT", "text"))
    app.after_request(_stamp_response)
    app.jinja_env.globals["request_id"] = request_id


def _stamp_response(response):
    response.headers[REQUEST_ID_HEADER] = request_id()
    if response.status_code == 503:
        response.headers.setdefault("Retry-After", str(RETRY_AFTER_SECONDS))
        log.warning("Service unavailable (503) for %s %s: %s", request.method,
                    redact_path(request.path), g.get("unavailable_cause", "no cause noted"))
    return response


class RedactingGunicornLogger(GunicornLogger):
    """gunicorn's logger with the access log's paths, referrers and query strings redacted.

    gunicorn would otherwise print `GET /i/<token>`, which is a key to someone's answers.
    """

    _URL_ATOMS = ("U", "f", "{raw_uri}e", "{path_info}e", "{request_uri}e", "{referer}i")

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        target = redact_path(environ.get("RAW_URI") or environ.get("PATH_INFO"))
        atoms["r"] = f"{environ.get('REQUEST_METHOD', '-')} {target} {environ.get('SERVER_PROTOCOL', '-')}"
        for key in self._URL_ATOMS:
            if isinstance(atoms.get(key), str):
                atoms[key] = redact_path(atoms[key])
        for key in ("q", "{query_string}e"):
            if atoms.get(key):
                atoms[key] = CUT
        return {key: redact_text(value) if isinstance(value, str) else value
                for key, value in atoms.items()}
