"""GET /healthz: whether this app server can reach its database (for load balancers)."""
from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from .db import engine_of
from .logs import note_unavailable

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """200 with the database status when it answers, 503 (with Retry-After) when it does not."""
    engine = engine_of()
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        note_unavailable(exc)
        body = {"status": "unavailable", "database": {"ok": False, "error": type(exc).__name__}}
        return jsonify(body), 503
    body = {"status": "ok", "database": {"ok": True, "dialect": engine.dialect.name}}
    return jsonify(body), 200
