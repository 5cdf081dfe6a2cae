"""The database engine of an app, and one SQLModel Session per request (the unit of work).

Constraint names follow one convention so SQLite batch migrations and PostgreSQL agree.
"""
from __future__ import annotations

from collections.abc import Iterator

from flask import Flask, current_app, g
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, create_engine

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION

_ENGINE_KEY = "stegvis.engine"


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets foreign keys on, so cascades behave as on PostgreSQL."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def init_app(app: Flask) -> None:
    """Create the app's engine and close the request's session on teardown."""
    app.extensions[_ENGINE_KEY] = make_engine(app.config["DATABASE_URL"])
    app.teardown_appcontext(_close_session)


def engine_of(app: Flask | None = None) -> Engine:
    """The engine bound to `app` (default: the current app)."""
    return (app or current_app).extensions[_ENGINE_KEY]


def get_session() -> Session:
    """The request's Session, opened lazily."""
    if "db_session" not in g:
        g.db_session = Session(engine_of(), expire_on_commit=False)
    return g.db_session


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def closing_when_read(session: Session, chunks: Iterator[bytes]) -> Iterator[bytes]:
    """A streamed body that reads the database, with a session of its own closed at its end.
    Flask tears the request's session down before a streamed body is read, so such a body
    cannot use it (`stream_with_context` keeps the request, not the app context's `g`)."""
    try:
        yield from chunks
    finally:
        session.close()


def session_scope(app: Flask) -> Session:
    """A session outside a request (CLI, scripts), closed by the caller's `with`."""
    return Session(engine_of(app), expire_on_commit=False)
