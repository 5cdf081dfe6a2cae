"""Error pages: 503 in the visitor's language while the database is away, recovery by itself
when it is back, and a 500 page whose reference leads to the logged traceback."""
from __future__ import annotations

import logging
import re
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.pool import NullPool

from app import create_app
from app.db import engine_of
from app.errors import database_unavailable
from app.migrate import upgrade
from app.services import invitations
from app.tokens import invitation_token

UNAVAILABLE = "Stegvis cannot be used right now"
REFERENCE = "Error reference: %(reference)s"
A_NAME = "Maria Andersson"  # a value a log must never show


@contextmanager
def database_away(app, tmp_path):
    """The database goes away as in a crash: pooled connections die and new ones are refused.

    Leaving the block brings it back; the app itself is not touched or restarted.
    """
    engine = engine_of(app)

    def unreachable(_dialect, _record, cargs, cparams):
        if engine.dialect.name == "sqlite":
            cargs[0] = str(tmp_path / "gone" / "db.sqlite")  # a directory that does not exist
        else:
            cparams.update(host="127.0.0.1", port=1)  # nothing listens there

    event.listen(engine, "do_connect", unreachable)
    if engine.dialect.name == "sqlite":
        engine.dispose()
    else:  # the server ends our sessions; the pool's pre-ping has to notice
        killer = create_engine(engine.url, poolclass=NullPool)
        with killer.connect() as connection:
            connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
        killer.dispose()
    try:
        yield
    finally:
        event.remove(engine, "do_connect", unreachable)


def check_unavailable_page(response, translated, language: str) -> None:
    """503, Retry-After, the page in `language`, and the reference the header names."""
    page = response.get_data(as_text=True)
    reference = response.headers["X-Request-ID"]
    assert response.status_code == 503, page[:300]
    assert int(response.headers["Retry-After"]) > 0
    assert translated(language, UNAVAILABLE) in page
    assert translated(language, REFERENCE, reference=reference) in page
    assert "Traceback" not in page


def test_pages_answer_503_while_the_database_is_away_and_work_again_after(
        app, client, login_as, translated, caplog, tmp_path):
    login_as("coach")
    link = f"/i/{invitation_token(4242, secret=app.secret_key)}"  # only the database can say more
    token = link.removeprefix("/i/")
    caplog.set_level(logging.INFO, logger="app")

    with database_away(app, tmp_path):
        for language, direction in (("sv", "ltr"), ("ar", "rtl")):
            for path in ("/answer/", link, "/coach/"):
                response = client.get(path, headers={"Accept-Language": language})
                check_unavailable_page(response, translated, language)
                assert f'<html lang="{language}" dir="{direction}">' in response.get_data(as_text=True)
        health = client.get("/healthz")
        assert health.status_code == 503 and health.headers["Retry-After"]
        as_json = client.get("/answer/", headers={"Accept": "application/json"})
        assert as_json.status_code == 503 and as_json.json == {"error": "Service Unavailable", "status": 503}

    warnings = [r for r in caplog.records if r.levelno == logging.WARNING and "503" in r.getMessage()]
    assert len(warnings) == 3 * 2 + 2
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], "an outage is not a defect"
    assert "/i/…" in caplog.text and token not in caplog.text

    assert client.get("/healthz").status_code == 200
    assert client.get("/coach/").status_code == 200  # still signed in: nothing was forgotten
    assert client.get("/answer/").headers["Location"].endswith("/kod")


def test_an_app_started_without_its_database_answers_503(app, tmp_path, translated):
    backend = engine_of(app).dialect.name  # of the test run; this test makes an app of its own
    folder = tmp_path / "not-yet"
    url = {"sqlite": f"sqlite:///{folder / 'db.sqlite'}",
           "postgresql": "postgresql+psycopg://postgres@127.0.0.1:1/test"}[backend]
    cut_off = create_app({"TESTING": True, "DATABASE_URL": url, "SERVER_NAME": "stegvis.test"})
    client = cut_off.test_client()
    with client.session_transaction() as cookie:
        cookie["_user_id"], cookie["_fresh"] = "1:0", True  # a coach's session from before the outage
    check_unavailable_page(client.get("/coach/", headers={"Accept-Language": "sv"}), translated, "sv")
    check_unavailable_page(client.get("/answer/", headers={"Accept-Language": "ar"}), translated, "ar")
    if backend == "postgresql":
        return  # nothing can open that port; recovery on PostgreSQL is the test above
    folder.mkdir()
    upgrade(url)
    assert client.get("/healthz").status_code == 200
    assert client.get("/answer/").status_code == 302  # to the short-code page, no restart


@pytest.fixture
def quiet_app(app):
    """The app as in production: an unexpected exception becomes the 500 page."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    return app


def test_an_unexpected_exception_gives_a_500_page_whose_reference_is_in_the_log(
        quiet_app, client, monkeypatch, caplog, capsys, translated):
    def broken(_session, token, **_kwargs):
        raise RuntimeError(f"could not open /i/{token}")  # as a careless library might say

    monkeypatch.setattr(invitations, "open_by_token", broken)
    token = "tok.EN-that_must.not-leak"
    response = client.get(f"/i/{token}", headers={"Accept-Language": "sv"})
    reference = response.headers["X-Request-ID"]
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert translated("sv", REFERENCE, reference=reference) in page and "RuntimeError" not in page

    [record] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert record.exc_info[0] is RuntimeError
    written = capsys.readouterr().err  # what the app's own handler wrote
    assert f"ERROR app.errors [{reference}] Unexpected RuntimeError on GET /i/…" in written
    assert "Traceback" in written and "could not open /i/…" in written
    assert token not in written


@pytest.mark.parametrize("statements", [
    ["SELECT * FROM no_such_table WHERE name = :name"],  # on SQLite an OperationalError too
    ["CREATE TEMPORARY TABLE person (name VARCHAR(50) UNIQUE)",  # PostgreSQL's DETAIL repeats it
     "INSERT INTO person VALUES (:name)", "INSERT INTO person VALUES (:name)"],
], ids=["missing table", "duplicate"])
def test_a_failing_query_is_a_500_whose_log_has_the_sql_but_not_its_values(
        quiet_app, client, capsys, statements):
    @quiet_app.get("/test-broken-query")
    def broken_query():
        from app.db import get_session
        for statement in statements:
            get_session().execute(text(statement), {"name": A_NAME})

    response = client.get("/test-broken-query")
    written = capsys.readouterr().err
    assert response.status_code == 500  # a defect, not an outage: no 503, no Retry-After
    assert "Retry-After" not in response.headers
    assert "person" in written or "no_such_table" in written
    assert A_NAME not in written


def test_tests_still_see_real_exceptions(app, client):
    @app.get("/test-raises")
    def raises():
        raise ZeroDivisionError("a defect")

    with pytest.raises(ZeroDivisionError):
        client.get("/test-raises")


@pytest.mark.parametrize(("offered", "kept"), [
    ("proxy-7f3a.1_b", True), ("has space", False), ("x" * 65, False), ("åäö", False), ("", False)])
def test_request_id_is_taken_from_the_caller_only_when_short_and_plain(client, offered, kept):
    response = client.get("/healthz", headers={"X-Request-ID": offered})
    answered = response.headers["X-Request-ID"]
    assert (answered == offered) is kept
    assert re.fullmatch(r"[A-Za-z0-9._-]{1,64}", answered)


def test_each_request_gets_its_own_id(client):
    first, second = (client.get("/healthz").headers["X-Request-ID"] for _ in range(2))
    assert first != second


def _dbapi_error(cls, *, invalidated=False, orig=None):
    return cls("SELECT 1", {}, orig or Exception("driver says no"), connection_invalidated=invalidated)


@pytest.mark.parametrize(("error", "outage"), [
    (_dbapi_error(OperationalError), True),
    (_dbapi_error(IntegrityError), False),  # a double submit, say: a defect to fix, not to retry
    (_dbapi_error(IntegrityError, invalidated=True), True),  # the connection died under it
    (PoolTimeout("QueuePool limit reached"), True),
    (RuntimeError("no"), False),
])
def test_which_errors_mean_the_database_is_away(error, outage):
    assert database_unavailable(error) is outage
