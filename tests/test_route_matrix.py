"""Who may open what: every route of the app, with every method it answers, requested by each
kind of visitor, against the status written down for it in one table.

The visitors: nobody signed in; a participant who opened their invitation; a coach of unit A
(where the person and their invitation live); a coach of unit B (same organisation, other
unit: given unit A's ids, they must learn nothing, so 404 rather than 403); a unit admin of
unit A; an evaluator; an admin. Every visitor gets a fresh world, so what one of them changes
(closing an invitation, erasing the person) cannot decide the next one's answer.

The requests carry no form data: the table records who gets in, not what a valid form does.
A new route fails `test_every_route_has_a_row` until someone writes its row and so decides,
role by role, who may use it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from app import assets, instruments
from app.services import evaluation_projects, goals, invitations
from app.tokens import invitation_token

from . import factories

VISITORS = ("anonymous", "participant", "coach_a", "coach_b", "unit_admin", "evaluator", "admin")

# 302 on a staff page for someone not signed in means "sent to sign in" (checked below); a
# participant page without an opened invitation sends the visitor on to where they can get in
# (302), and one not begun yet to its start. 404 for a coach of another unit: an id outside
# your units does not exist for you. The administration's ids (unit A, a coach of unit A) are
# the unit admin's organisation; other organisations' ids are 404 (tests/admin/test_pages.py).
# A set-password link is its own key: given an invitation's token it is no link at all (404).
# Without form data a unit's page saves the name it has (302); the other admin forms say what
# is missing (200), and the account buttons act or send back to the account's page (302).
MATRIX = """
endpoint                  method  anonymous participant coach_a coach_b unit_admin evaluator admin
static                    GET     200       200         200     200     200        200       200
assets.vendor             GET     200       200         200     200     200        200       200
health.healthz            GET     200       200         200     200     200        200       200
auth.index                GET     302       302         302     302     302        302       302
auth.login                GET     200       200         200     200     200        200       200
auth.login                POST    200       200         200     200     200        200       200
auth.logout               POST    302       302         302     302     302        302       302
auth.totp_verify          GET     302       302         302     302     302        302       302
auth.totp_verify          POST    302       302         302     302     302        302       302
auth.totp_setup           GET     302       302         200     200     200        200       200
auth.totp_setup           POST    302       302         200     200     200        200       200
auth.change_password      GET     302       302         200     200     200        200       200
auth.change_password      POST    302       302         200     200     200        200       200
auth.sign_out_everywhere  POST    302       302         302     302     302        302       302
auth.set_password         GET     404       404         404     404     404        404       404
auth.set_password         POST    404       404         404     404     404        404       404
participant.open_link     GET     302       302         302     302     302        302       302
participant.short_code    GET     200       200         200     200     200        200       200
participant.short_code    POST    200       200         200     200     200        200       200
participant.about         GET     302       200         302     302     302        302       302
participant.language      GET     302       200         302     302     302        302       302
participant.language      POST    302       200         302     302     302        302       302
participant.bilingual     POST    302       302         302     302     302        302       302
participant.resume        GET     302       302         302     302     302        302       302
participant.begin         GET     302       200         302     302     302        302       302
participant.begin         POST    302       302         302     302     302        302       302
participant.question      GET     302       302         302     302     302        302       302
participant.question      POST    302       302         302     302     302        302       302
participant.thanks        GET     302       302         302     302     302        302       302
participant.own_results   GET     302       200         302     302     302        302       302
participant.own_copy      GET     302       200         302     302     302        302       302
participant.own_copy      POST    302       200         302     302     302        302       302
participant.done          POST    302       302         302     302     302        302       302
participant.finished      GET     200       200         200     200     200        200       200
coach.caseload            GET     302       302         200     200     200        403       403
coach.due                 GET     302       302         200     200     200        403       403
coach.register            GET     302       302         200     200     200        403       403
coach.register            POST    302       302         200     200     200        403       403
coach.participant         GET     302       302         200     404     200        403       403
coach.edit                GET     302       302         200     404     200        403       403
coach.edit                POST    302       302         302     404     302        403       403
coach.occasions           GET     302       302         200     404     200        403       403
coach.occasions           POST    302       302         302     404     302        403       403
coach.record_exit         GET     302       302         200     404     200        403       403
coach.record_exit         POST    302       302         200     404     200        403       403
coach.invite              GET     302       302         200     404     200        403       403
coach.invite              POST    302       302         200     404     200        403       403
coach.report              GET     302       302         200     404     200        403       403
coach.access              GET     302       302         200     404     200        403       403
coach.access_json         GET     302       302         200     404     200        403       403
coach.erase               GET     302       302         200     404     200        403       403
coach.erase               POST    302       302         200     404     200        403       403
coach.invitation          GET     302       302         200     404     200        403       403
coach.invitation_print    GET     302       302         200     404     200        403       403
coach.close               POST    302       302         302     404     302        403       403
coach.revoke              POST    302       302         302     404     302        403       403
coach.reissue             POST    302       302         302     404     302        403       403
evaluator.cohort          GET     302       302         403     403     403        200       200
evaluator.export          POST    302       302         403     403     403        302       302
evaluator.tables_download GET     302       302         403     403     403        200       200
evaluator.goal_list       GET     302       302         403     403     403        200       200
evaluator.goal_list       POST    302       302         403     403     403        200       200
evaluator.goal_delete     POST    302       302         403     403     403        302       302
admin.audit               GET     302       302         403     403     200        403       200
admin.home                GET     302       302         403     403     200        403       200
admin.units               GET     302       302         403     403     200        403       200
admin.unit_new            GET     302       302         403     403     200        403       200
admin.unit_new            POST    302       302         403     403     200        403       200
admin.unit_edit           GET     302       302         403     403     200        403       200
admin.unit_edit           POST    302       302         403     403     302        403       302
admin.unit_active         POST    302       302         403     403     302        403       302
admin.staff               GET     302       302         403     403     200        403       200
admin.staff_new           GET     302       302         403     403     200        403       200
admin.staff_new           POST    302       302         403     403     200        403       200
admin.staff_edit          GET     302       302         403     403     200        403       200
admin.staff_edit          POST    302       302         403     403     200        403       200
admin.staff_active        POST    302       302         403     403     302        403       302
admin.staff_two_factor    POST    302       302         403     403     302        403       302
admin.staff_password      POST    302       302         403     403     200        403       200
admin.move_participant    GET     302       302         403     403     200        403       200
admin.move_participant    POST    302       302         403     403     200        403       200
admin.audit_csv           GET     302       302         403     403     200        403       200
admin.installation.organisation_list GET 302 302         403     403     403        403       200
admin.installation.organisation_new GET 302 302          403     403     403        403       200
admin.installation.organisation_new POST 302 302         403     403     403        403       200
admin.installation.organisation GET 302   302         403     403     403        403       200
admin.installation.organisation POST 302  302         403     403     403        403       200
admin.installation.project_new GET 302    302         403     403     403        403       200
admin.installation.project_new POST 302   302         403     403     403        403       200
admin.installation.project GET 302        302         403     403     403        403       200
admin.installation.project POST 302       302         403     403     403        403       200
admin.installation.project_rotate GET 302 302         403     403     403        403       200
admin.installation.project_rotate POST 302 302        403     403     403        403       200
"""


def _read_matrix(text: str) -> dict[tuple[str, str], dict[str, int]]:
    header, *rows = [line.split() for line in text.strip().splitlines()]
    assert tuple(header[2:]) == VISITORS, "the table's columns must be VISITORS, in order"
    return {(row[0], row[1]): dict(zip(VISITORS, map(int, row[2:]), strict=True)) for row in rows}


EXPECTED = _read_matrix(MATRIX)


def _routes(application) -> set[tuple[str, str]]:
    return {(rule.endpoint, method) for rule in application.url_map.iter_rules()
            for method in rule.methods - {"HEAD", "OPTIONS"}}


def test_every_route_has_a_row(app):
    missing = sorted(_routes(app) - set(EXPECTED))
    assert not missing, (
        "These routes have no row in tests/test_route_matrix.py MATRIX: add one per method, "
        "with the status each visitor must get (anonymous, participant, coach of unit A, coach "
        "of unit B given unit A's ids, unit admin, evaluator, admin). Deciding that row is "
        f"deciding who may use the route: {missing}")


def test_every_row_is_a_route(app):
    stale = sorted(set(EXPECTED) - _routes(app))
    assert not stale, f"Rows for routes that no longer exist; remove them: {stale}"


@dataclass
class World:
    """Unit A holds a person with an open invitation; unit B is a sibling unit."""

    unit_a: object
    unit_b: object
    token: str
    paths: dict[str, object]


def _world(app, session) -> World:
    organisation = factories.make_organisation(session)
    unit_a = factories.make_unit(session, organisation)
    unit_b = factories.make_unit(session, organisation)
    person = factories.make_participant(session, unit=unit_a)
    with app.test_request_context():
        invitation = invitations.issue(session, participant=person, occasion_kind="intake",
                                       instrument_keys=["work_wheel", "cefr"],
                                       environment="development")
    goal = goals.create_goal(session, organisation_id=organisation.id, title="Goal",
                             instrument_key="work_wheel", measure="any_increase", target=None,
                             target_percent=50.0)
    project = evaluation_projects.create_project(session, organisation=organisation,
                                                 terms=evaluation_projects.ProjectTerms("ESF"))
    token = invitation_token(invitation.id, secret=app.secret_key)
    colleague = factories.make_staff(session, units=[unit_a])
    paths = {"participant_id": person.id, "invitation_id": invitation.id, "goal_id": goal.id,
             "unit_id": unit_a.id, "staff_id": colleague.id,
             "organisation_id": organisation.id, "project_id": project.id,
             "token": token, "key": "work_wheel",
             "item_key": instruments.latest("work_wheel").items[0].key,
             "version": assets.digest("plotly.min.js"), "name": "plotly.min.js", "filename": "favicon.svg"}
    return World(unit_a=unit_a, unit_b=unit_b, token=token, paths=paths)


STAFF_OF_VISITOR = {"coach_a": ("coach", "unit_a"), "coach_b": ("coach", "unit_b"),
                    "unit_admin": ("unit_admin", "unit_a"), "evaluator": ("evaluator", "unit_a"),
                    "admin": ("admin", "unit_a")}


def _browser_of(app, session, visitor: str, world: World):
    """A fresh test client, signed in or holding an opened invitation as `visitor` would."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    if visitor == "participant":
        assert client.get(f"/i/{world.token}").status_code == 302
        chosen = client.post("/answer/language", data={"language": "en", "next": "/answer/"})
        assert chosen.status_code == 302
    elif visitor in STAFF_OF_VISITOR:
        role, unit = STAFF_OF_VISITOR[visitor]
        user = factories.make_staff(session, role=role, units=[getattr(world, unit)])
        signed_in = client.post("/login", data={"email": user.email,
                                                "password": factories.PASSWORD})
        assert signed_in.status_code == 302
    return client


def _path(rule, paths: dict[str, object]) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: str(paths[m.group(1)]), rule.rule)


def _guarded(app, endpoint: str) -> bool:
    """Whether the endpoint's blueprint admits signed-in staff of some roles only."""
    blueprint = app.blueprints.get(endpoint.rpartition(".")[0])
    return bool(getattr(blueprint, "allowed_roles", None))


RULES_BY_ENDPOINT = sorted(EXPECTED)


@pytest.mark.parametrize(("endpoint", "method"), RULES_BY_ENDPOINT,
                         ids=[f"{endpoint}-{method}" for endpoint, method in RULES_BY_ENDPOINT])
def test_each_visitor_gets_the_status_in_the_table(app, session, endpoint, method):
    rule = next(rule for rule in app.url_map.iter_rules() if rule.endpoint == endpoint)
    seen = {}
    for visitor in VISITORS:
        world = _world(app, session)
        client = _browser_of(app, session, visitor, world)
        response = client.open(_path(rule, world.paths), method=method)
        seen[visitor] = response.status_code
        if visitor in ("anonymous", "participant") and _guarded(app, endpoint):
            assert "/login" in response.headers.get("Location", ""), (visitor, method, rule.rule)
    assert seen == EXPECTED[endpoint, method], (
        f"{method} {rule.rule}: got {seen}; if the table is wrong, say why in the commit")
