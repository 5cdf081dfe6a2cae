"""Serving our own build of plotly.js: precompressed, versioned by content, cached for a year.

Only chart pages link it. Served by us, never a CDN, because the CSP allows no third-party
script. The file names carry a content digest, so a new build is a new URL.
"""
from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from flask import Blueprint, abort, request, send_file, url_for

from .config import PROJECT_ROOT

bp = Blueprint("assets", __name__, url_prefix="/assets")
VENDOR = PROJECT_ROOT / "static" / "vendor"
ONE_YEAR = 365 * 24 * 3600
SERVED = {"plotly.min.js": "text/javascript", "plotly.css": "text/css"}
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))


@cache
def digest(name: str) -> str | None:
    """A short content hash of a vendor file, or None when it was not built."""
    path = VENDOR / name
    if not path.exists():
        return None
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def vendor_url(name: str) -> str | None:
    """The versioned URL of a vendor file, or None when it was not built."""
    version = digest(name)
    return url_for("assets.vendor", version=version, name=name) if version else None


@bp.get("/vendor/<version>/<name>")
def vendor(version: str, name: str):
    """A vendor file, precompressed when the browser accepts it."""
    if name not in SERVED or version != digest(name):
        abort(404)
    path, encoding = VENDOR / name, None
    for candidate, suffix in ENCODINGS:
        if candidate in request.accept_encodings and (VENDOR / (name + suffix)).exists():
            path, encoding = VENDOR / (name + suffix), candidate
            break
    response = send_file(Path(path), mimetype=SERVED[name], max_age=ONE_YEAR, conditional=True)
    response.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
    response.headers["Vary"] = "Accept-Encoding"
    if encoding:
        response.headers["Content-Encoding"] = encoding
    return response
