"""Fixtures: every app test runs on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set.

Each run gets a fresh PostgreSQL database of its own (created and dropped here), so parallel
runs on one server never see each other. In CI (CI=true) a missing or unreachable PostgreSQL
fails the run: those tests must never be skipped there.
"""
from __future__ import annotations

import os
import secrets
import shutil
import uuid
from collections import Counter

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, SQLModel

from app import create_app
from app.config import PROJECT_ROOT
from app.db import engine_of
from app.i18n import _catalog_exists
from app.migrate import upgrade

from . import factories

# Read when an app is created, so every app a test creates (and every server a test starts)
# gets them: a development environment said explicitly (unset means production, which refuses
# the development secret), and cheap password hashing (production refuses these values).
os.environ.update(STEGVIS_ENV="development", STEGVIS_ARGON2_TIME_COST="1",
                  STEGVIS_ARGON2_MEMORY_KIB="8", STEGVIS_ARGON2_PARALLELISM="1")

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
IN_CI = os.environ.get("CI", "").lower() == "true"
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])
_ran_on = Counter()


def pytest_configure(config):
    if IN_CI and not POSTGRES_URL:
        raise pytest.UsageError("CI=true but TEST_DATABASE_URL is not set: PostgreSQL tests must run in CI.")


class TemporaryPostgres:
    """Create and drop uniquely named databases on the TEST_DATABASE_URL server."""

    def __init__(self, url: str):
        self.url = make_url(url)
        self.admin = create_engine(self.url, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
        self.names: list[str] = []

    def create(self) -> str:
        name = f"stegvis_test_{uuid.uuid4().hex[:12]}"
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        self.names.append(name)
        return self.url.set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        with self.admin.connect() as connection:
            for name in self.names:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


@pytest.fixture(scope="session")
def temporary_postgres():
    """The PostgreSQL server for this run (fails loudly when configured but unreachable)."""
    if not POSTGRES_URL:
        pytest.skip("TEST_DATABASE_URL not set")
    server = TemporaryPostgres(POSTGRES_URL)
    yield server
    server.drop_all()


@pytest.fixture(scope="session")
def empty_database_url(tmp_path_factory, request):
    """A factory of empty databases for a backend: tests that migrate by themselves use it."""

    def make(backend: str) -> str:
        if backend == "sqlite":
            return f"sqlite:///{tmp_path_factory.mktemp('db') / 'empty.sqlite'}"
        return request.getfixturevalue("temporary_postgres").create()

    return make


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, empty_database_url):
    """A database migrated to head, shared by the app tests of one backend."""
    url = empty_database_url(request.param)
    upgrade(url)
    return url


@pytest.fixture
def app(database_url, request):
    """The app on a migrated database; every table is emptied after the test."""
    backend = make_url(database_url).get_backend_name()
    _ran_on[backend] += 1
    application = create_app({
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_hex(32),
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": "stegvis.test",
        "BASE_URL": "https://stegvis.test",
    })
    yield application
    engine = engine_of(application)
    with engine.begin() as connection:
        for table in reversed(SQLModel.metadata.sorted_tables):
            connection.execute(table.delete())
    engine.dispose()


@pytest.fixture
def catalogs(app, tmp_path):
    """The app serves a copy of the real catalogs that a test changes (a language is offered
    once its compiled catalog exists): `catalogs("xx")` offers a language, with an empty
    catalog when it has none; `catalogs(empty=["fa_AF"])` empties one, so every text falls
    back to English; `catalogs(without=["fa_AF"])` removes one, so it is not offered."""
    directory = tmp_path / "translations"
    shutil.copytree(PROJECT_ROOT / "translations", directory)

    def write_empty(code: str) -> None:
        folder = directory / code / "LC_MESSAGES"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "messages.po").write_text("", encoding="utf-8")
        with (folder / "messages.mo").open("wb") as handle:
            write_mo(handle, Catalog(locale=code))

    def offer(*codes: str, empty=(), without=()) -> None:
        for code in codes:
            if not (directory / code / "LC_MESSAGES" / "messages.mo").exists():
                write_empty(code)
        for code in empty:
            write_empty(code)
        for code in without:
            shutil.rmtree(directory / code)
        _serve_catalogs_from(app, str(directory))

    offer()
    yield offer
    _forget_read_catalogs(app)


def _serve_catalogs_from(app, directory: str) -> None:
    """Point the offered languages and Flask-Babel's catalogs at `directory`."""
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = directory
    app.extensions["babel"].translation_directories = [directory]
    _forget_read_catalogs(app)


def _forget_read_catalogs(app) -> None:
    """Flask-Babel keeps the catalogs it read by locale alone, for every app in the process."""
    with app.app_context():
        app.extensions["babel"].instance.domain_instance.cache.clear()
    _catalog_exists.cache_clear()


@pytest.fixture
def session(app):
    """A Session on the test's database, outside any request."""
    with Session(engine_of(app), expire_on_commit=False) as db:
        yield db


@pytest.fixture
def client(app):
    """A browser that prefers English, so asserts read the msgids; tests of other languages
    send their own Accept-Language or choose a language in the flow."""
    test_client = app.test_client()
    test_client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return test_client


@pytest.fixture
def login_as(client, session):
    """Sign in as a new staff user of `role`; returns that user."""

    def sign_in(role: str, **overrides):
        user = factories.make_staff(session, role=role, **overrides)
        response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return sign_in


@pytest.fixture
def translated(app):
    """`translated("ar", "Next")`: a msgid as the catalog renders it, for language-aware asserts."""
    from flask_babel import force_locale, gettext

    def render(locale: str, msgid: str, **values) -> str:
        with app.test_request_context(), force_locale(locale):
            return gettext(msgid, **values)

    return render


def pytest_sessionfinish(session):
    """Under pytest-xdist a worker hands its counts to the controller, which prints them."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["ran_on"] = dict(_ran_on)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    _ran_on.update(getattr(node, "workeroutput", {}).get("ran_on", {}))


def pytest_terminal_summary(terminalreporter):
    if _ran_on:
        counts = ", ".join(f"{backend}: {count}" for backend, count in sorted(_ran_on.items()))
        terminalreporter.write_line(f"app tests per database backend: {counts}")
