"""Every route under hostile input (hypothesis): random and malicious values in every form field
and query parameter the app reads, sent to every endpoint of `app.url_map` by a signed-in user
of a role that may use it (a participant session for the participant pages) with real object
ids in the path. The server never answers 5xx, and a request it refuses (a 4xx, or a form sent
back with its errors) leaves the database exactly as it was.

Examples per route are bounded so the module stays within CI's time; with CI=true the examples
are derandomised (the same every run), locally each run tries new ones; FUZZ_EXAMPLES=200
searches harder.
"""
from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import pytest
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select as sa_select
from sqlmodel import SQLModel

import app as application_package
from app import instruments
from app.db import engine_of
from app.models import AuditEvent, Organisation
from app.services import evaluation_projects, goals, invitations
from app.tokens import invitation_token

from . import factories

settings.register_profile("fuzz", max_examples=int(os.environ.get("FUZZ_EXAMPLES", "10")), deadline=None, database=None,
                          derandomize=os.environ.get("CI", "").lower() == "true",
                          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                 HealthCheck.too_slow])

HOSTILE_TEXTS = [
    "", " ", "\x00", "a\x00b", "\r\nSet-Cookie: x=1", "\t", "\x7f\x1b[31m", "💩" * 60,
    "\u202e\u200f\u200e", "/answer/\r\nX: y", "/coach/\x00", "'; DROP TABLE participant; --", "\" OR 1=1 --",
    "<script>alert(1)</script>", "{{7*7}}", "%(count)s %s %d", "../../etc/passwd",
    "x" * 10_000, "9999-12-31", "0000-00-00", "2026-02-30", "-1", "0", "9223372036854775808",
    str(-2**63 - 1), "1e309", "NaN", "sNaN", "-Infinity", "-0", "None", "null", "true", "work_wheel:99999999999",
    "=HYPERLINK(\"http://x\")", "//evil.example", "javascript:alert(1)",
]
VALUES = st.one_of(
    st.sampled_from(HOSTILE_TEXTS),
    st.text(max_size=40),
    st.integers(min_value=-2**80, max_value=2**80).map(str),
    st.dates().map(str),
    st.lists(st.sampled_from(HOSTILE_TEXTS), min_size=2, max_size=3),  # a repeated field
)


def _form_field_names() -> set[str]:
    """Every field of every form class, and every parameter read by hand from the request."""
    names: set[str] = set()
    classes = list(FlaskForm.__subclasses__())
    while classes:
        form_class = classes.pop()
        classes += form_class.__subclasses__()
        names |= {name for name in dir(form_class)
                  if type(getattr(form_class, name, None)).__name__ == "UnboundField"}
    source = Path(application_package.__file__).parent
    for path in source.rglob("*.py"):
        names |= set(re.findall(r"request\.(?:args|form|values)\.get(?:list)?\(\s*[\"'](\w+)",
                                path.read_text(encoding="utf-8")))
    return names - {"csrf_token"}


def _rules():
    from app import create_app
    rules = create_app({"TESTING": True, "DATABASE_URL": "sqlite://", "SECRET_KEY": "x" * 64})
    return sorted((rule.endpoint, rule.rule) for rule in rules.url_map.iter_rules())


RULES = _rules()
ANONYMOUS = {"auth.login", "auth.totp_verify", "auth.index", "health.healthz", "static",
             "assets.vendor"}
ROLE_OF_BLUEPRINT = {"coach": "coach", "evaluator": "evaluator", "admin": "admin", "auth": "coach"}


def database_state(app) -> dict[str, str]:
    """A digest of every row of every table but the audit trail (which records views of
    personal data whatever their outcome, by design): equal states, nothing stored changed."""
    state = {}
    with engine_of(app).connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            if table.name == AuditEvent.__tablename__:
                continue
            rows = sorted(repr(tuple(row)) for row in connection.execute(sa_select(table)))
            state[table.name] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return state


@pytest.fixture
def world(app, session):
    """One organisation with a unit, a person with an open invitation and some answers, an
    evaluator's goal and a staff user of each role; path values for every rule argument."""
    unit = factories.make_unit(session)
    staff = {role: factories.make_staff(session, role=role, units=[unit])
             for role in ("coach", "unit_admin", "evaluator", "admin")}
    people = [factories.make_participant(session, unit=unit) for _ in range(6)]
    with app.test_request_context():
        invitation = invitations.issue(session, participant=people[0], occasion_kind="intake",
                                       instrument_keys=["work_wheel", "cefr"],
                                       environment="development")
        token = invitation_token(invitation.id, secret=app.secret_key)
    goal = goals.create_goal(session, organisation_id=unit.organisation_id, title="Goal",
                             instrument_key="work_wheel", measure="any_increase", target=None,
                             target_percent=50.0, staff_id=staff["evaluator"].id)
    project = evaluation_projects.create_project(
        session, organisation=session.get(Organisation, unit.organisation_id),
        terms=evaluation_projects.ProjectTerms("ESF"))
    wheel = instruments.latest("work_wheel")
    paths = {"participant_id": people[1].id, "invitation_id": invitation.id,
             "goal_id": goal.id, "organisation_id": unit.organisation_id,
             "project_id": project.id, "token": token, "key": "work_wheel",
             "item_key": wheel.items[0].key, "version": "1", "name": "plotly.min.js",
             "filename": "css/app.css", "unit_id": unit.id, "staff_id": staff["coach"].id}
    return {"staff": staff, "paths": paths, "token": token}


def _client_for(app, endpoint: str, world):
    """A fresh browser signed in as whoever may use `endpoint`."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    blueprint = endpoint.partition(".")[0]
    if endpoint in ANONYMOUS:
        return client
    if blueprint == "participant":
        assert client.get(f"/i/{world['token']}").status_code == 302
        chosen = client.post("/answer/language", data={"language": "en", "next": "/answer/"})
        assert chosen.status_code == 302 and client.get("/answer/").status_code in (200, 302)
        return client
    user = world["staff"][ROLE_OF_BLUEPRINT[blueprint]]
    response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302
    return client


FIELDS = sorted(_form_field_names())


@pytest.mark.parametrize(("endpoint", "rule"), RULES, ids=[endpoint for endpoint, _ in RULES])
def test_no_route_fails_or_changes_anything_when_it_refuses_hostile_input(app, world, endpoint,
                                                                          rule):
    arguments = re.findall(r"<(?:[^:<>]+:)?([^<>]+)>", rule)

    @settings(settings.get_profile("fuzz"))
    @given(method=st.sampled_from(["GET", "POST"]),
           query=st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=4),
           form=st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=6),
           hostile_path=st.dictionaries(st.sampled_from(arguments or ["-"]),
                                        st.sampled_from(HOSTILE_TEXTS[:24]), max_size=1))
    def attempt(method, query, form, hostile_path):
        client = _client_for(app, endpoint, world)
        values = {name: hostile_path.get(name, world["paths"][name]) for name in arguments}
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: str(values[m.group(1)]), rule)
        before = database_state(app)
        response = client.open(path, method=method, query_string=query,
                               data=form if method == "POST" else None)
        assert response.status_code < 500, (method, path, query, form)
        page = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
        response.close()  # as a server does: a streamed download unread ends its request
        refused = response.status_code >= 400 or any(
            mark in page for mark in ("field-error", "error-summary", "notice-error"))
        if refused:
            after = database_state(app)
            changed = [name for name in before if after[name] != before[name]]
            assert not changed, (method, path, query, form, response.status_code, changed)

    attempt()
