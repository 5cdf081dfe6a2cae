"""Evaluation projects as an admin keeps them: terms checked and audited, and a rotation of
the pseudonym secret that is explained, confirmed by typing, and never shows the secret."""
from __future__ import annotations

import pytest
from sqlmodel import select

from app.exports.rows import pseudonym
from app.models import AuditEvent, EvaluationProject
from app.services import evaluation_projects, exports
from app.services.evaluation_projects import ProjectTerms

from .. import factories

TERMS = ProjectTerms("ESF 2027", "Follow-up of the ESF project", includes_health=True)


def _events(session, action):
    return session.exec(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_a_project_is_created_and_changed_with_before_and_after_never_the_secret(session):
    organisation = factories.make_organisation(session)
    project = evaluation_projects.create_project(session, organisation=organisation, terms=TERMS)
    assert len(project.secret) == 64
    changed = evaluation_projects.change_project(
        session, project=project, terms=ProjectTerms(" ESF 2028 ", TERMS.purpose, True, True))
    assert changed == {"name", "includes_kasam"}
    [created] = _events(session, "evaluation_project.created")
    [event] = _events(session, "evaluation_project.changed")
    assert event.details == {"before": {"includes_kasam": False, "name": "ESF 2027"},
                             "after": {"includes_kasam": True, "name": "ESF 2028"}}
    for details in (created.details, event.details):
        assert project.secret not in repr(details)
    # the evaluator's export finds it by its new name, with its secret
    assert exports.evaluation_project(session, organisation_id=organisation.id,
                                      name="ESF 2028").id == project.id


@pytest.mark.parametrize(("terms", "field", "says"), [
    (ProjectTerms(""), "name", "Give the evaluation project a name"),
    (ProjectTerms("x" * 201), "name", "at most 200"),
    (ProjectTerms("Hälsa", includes_health=True), "purpose", "Write the purpose"),
    (ProjectTerms("KASAM", " ", includes_kasam=True), "purpose", "Write the purpose"),
    (ProjectTerms("Lång", "x" * 2001), "purpose", "at most 2000"),
    (ProjectTerms("ESF\x00"), "name", "control characters"),
    (TERMS, "name", "already has an evaluation project called ESF 2027"),
])
def test_invalid_terms_are_refused_with_what_is_wrong(session, terms, field, says):
    organisation = factories.make_organisation(session)
    evaluation_projects.create_project(session, organisation=organisation, terms=TERMS)
    with pytest.raises(evaluation_projects.InvalidProject) as refused:
        evaluation_projects.create_project(session, organisation=organisation, terms=terms)
    problems = {problem.field: str(problem) for problem in refused.value.problems}
    assert says in problems[field]
    assert len(evaluation_projects.projects_of(session, organisation.id)) == 1


def test_the_same_name_in_another_organisation_is_another_project(session):
    for _ in range(2):
        evaluation_projects.create_project(
            session, organisation=factories.make_organisation(session), terms=TERMS)
    assert len(session.exec(select(EvaluationProject)).all()) == 2


def test_rotation_needs_the_typed_name_and_breaks_the_join_with_earlier_exports(session):
    organisation = factories.make_organisation(session)
    admin = factories.make_staff(session, role="admin", units=[], organisation_id=organisation.id)
    project = evaluation_projects.create_project(session, organisation=organisation, terms=TERMS)
    old = project.secret
    with pytest.raises(evaluation_projects.RotationNotConfirmed):
        evaluation_projects.rotate_secret(session, project=project, confirmation="ESF 2026")
    assert project.secret == old and _events(session, "evaluation_project.secret_rotated") == []
    evaluation_projects.rotate_secret(session, project=project, confirmation=" ESF 2027 ",
                                      staff_id=admin.id, ip="192.0.2.1")
    session.refresh(project)
    assert project.secret != old and len(project.secret) == 64
    assert pseudonym(project.secret, 1) != pseudonym(old, 1)
    [event] = _events(session, "evaluation_project.secret_rotated")
    assert (event.actor_staff_id, event.object_id, event.details) == (
        admin.id, project.id, {"evaluation": "ESF 2027"})
    assert old not in repr(event.details) and project.secret not in repr(event.details)


# -- the pages --------------------------------------------------------------------------------


def test_an_admin_creates_edits_and_rotates_a_project_in_the_browser(client, session, login_as):
    login_as("admin", units=[])
    organisation = factories.make_organisation(session)
    refused = client.post(f"/admin/organisations/{organisation.id}/projects/new",
                          data={"name": "ESF", "includes_health": "y"})
    assert refused.status_code == 200
    assert "Write the purpose of the evaluation" in refused.get_data(as_text=True)
    made = client.post(f"/admin/organisations/{organisation.id}/projects/new",
                       data={"name": "ESF", "purpose": "Uppföljning", "includes_health": "y"})
    assert made.status_code == 302
    project = session.exec(select(EvaluationProject)).one()
    assert (project.purpose, project.includes_health) == ("Uppföljning", True)
    listed = client.get(f"/admin/organisations/{organisation.id}").get_data(as_text=True)
    assert "ESF" in listed and "Uppföljning" in listed and project.secret not in listed
    page = client.get(f"/admin/projects/{project.id}").get_data(as_text=True)
    assert 'value="ESF"' in page and project.secret not in page
    assert client.post(f"/admin/projects/{project.id}", data={
        "name": "ESF", "purpose": "Uppföljning"}).status_code == 302
    session.refresh(project)
    assert project.includes_health is False
    old = project.secret
    explained = client.get(f"/admin/projects/{project.id}/rotate").get_data(as_text=True)
    assert "Files exported before cannot be joined with files exported after" in explained
    assert old not in explained
    wrong = client.post(f"/admin/projects/{project.id}/rotate", data={"confirmation": "esf"})
    assert wrong.status_code == 200 and "Type the project" in wrong.get_data(as_text=True)
    session.refresh(project)
    assert project.secret == old
    done = client.post(f"/admin/projects/{project.id}/rotate", data={"confirmation": "ESF"})
    assert done.status_code == 302
    session.refresh(project)
    assert project.secret != old


@pytest.mark.parametrize(("role", "status"), [("coach", 403), ("evaluator", 403),
                                              ("unit_admin", 403), ("admin", 200)])
def test_only_admins_reach_the_projects(client, session, login_as, role, status):
    login_as(role)
    project = evaluation_projects.create_project(
        session, organisation=factories.make_organisation(session), terms=TERMS)
    paths = (f"/admin/organisations/{project.organisation_id}/projects/new",
             f"/admin/projects/{project.id}", f"/admin/projects/{project.id}/rotate")
    for path in paths:
        assert client.get(path).status_code == status, path
    rotated = client.post(paths[2], data={"confirmation": "ESF 2027"})
    assert rotated.status_code == (302 if role == "admin" else 403)
    assert bool(_events(session, "evaluation_project.secret_rotated")) is (role == "admin")


def test_unknown_projects_are_not_found(client, login_as):
    login_as("admin", units=[])
    for path in ("/admin/projects/424242", "/admin/projects/424242/rotate",
                 "/admin/organisations/424242/projects/new"):
        assert client.get(path).status_code == 404, path
