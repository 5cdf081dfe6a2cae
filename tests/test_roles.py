"""Roles in one place: the Role table decides where each role lands, which workspaces let it
in, whose data it sees and what it may grant; the guards, the check constraint and the
sign-in read it, and no other module compares a role with a string of its own."""
from __future__ import annotations

import ast
import re

import pytest
from flask import url_for
from sqlalchemy import CheckConstraint

from app.config import PROJECT_ROOT
from app.models import Role, StaffUser
from app.models.staff import ROLE_ACCESS

from . import factories


def test_every_role_has_its_access_and_the_check_constraint_lists_exactly_the_roles():
    assert set(ROLE_ACCESS) == set(Role)
    (check,) = [c for c in StaffUser.__table__.constraints
                if isinstance(c, CheckConstraint) and c.name.endswith("role_known")]
    assert set(re.findall(r"'(\w+)'", str(check.sqltext))) == {role.value for role in Role}


def test_each_guard_lets_in_exactly_the_roles_whose_workspaces_name_it(app):
    guarded = {bp.name: bp.allowed_roles for bp in app.blueprints.values()
               if getattr(bp, "allowed_roles", None)}
    assert set(guarded) == {"coach", "evaluator", "admin", "installation"}
    for name, roles in guarded.items():
        assert set(roles) == {role for role in Role if name in role.access.workspaces}


def test_a_role_lands_on_a_page_of_a_workspace_it_may_open(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    for role in Role:
        home = role.access.home
        assert home in endpoints and home.partition(".")[0] in role.access.workspaces, role


@pytest.mark.parametrize("role", list(Role))
def test_signing_in_lands_on_the_roles_home(app, client, session, role):
    user = factories.make_staff(session, role=role)
    response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    with app.test_request_context():
        home = url_for(role.access.home)
    assert response.status_code == 302 and response.headers["Location"].endswith(home)
    assert client.get(home).status_code == 200


def test_a_unit_admin_never_grants_admin_and_only_admins_reach_every_organisation():
    assert Role.ADMIN not in Role.UNIT_ADMIN.access.grants
    assert [r for r in Role if r.access.whole_installation] == [Role.ADMIN]
    assert [r for r in Role if r.access.grants] == [Role.UNIT_ADMIN, Role.ADMIN]
    assert not Role.EVALUATOR.access.sees_participants


ROLE_STRINGS = {role.value for role in Role}
COMPARISON_IN_TEMPLATE = re.compile(r"role\s*(?:==|!=|\bin\b)\s*[\"'(\[]")


def _string_comparisons_with_role(source: str) -> list[int]:
    """Lines comparing something called `role` with a role's string literal."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Compare):
            continue
        sides = [node.left, *node.comparators]
        names = {getattr(side, "attr", getattr(side, "id", "")) for side in sides}
        literals = {side.value for side in ast.walk(node)
                    if isinstance(side, ast.Constant) and isinstance(side.value, str)}
        if any(name.endswith("role") for name in names) and literals & ROLE_STRINGS:
            found.append(node.lineno)
    return found


def test_no_module_or_template_compares_a_role_with_a_string_of_its_own():
    offenders = []
    for path in (PROJECT_ROOT / "app").rglob("*.py"):
        offenders += [f"{path.name}:{line}" for line in
                      _string_comparisons_with_role(path.read_text(encoding="utf-8"))]
    for path in (PROJECT_ROOT / "app" / "templates").rglob("*.html"):
        if COMPARISON_IN_TEMPLATE.search(path.read_text(encoding="utf-8")):
            offenders.append(path.name)
    assert not offenders, (
        "Compare roles through the Role table (app/models/staff.py: Role.access, "
        f"current_user.can_open(workspace)), not with strings: {offenders}")


def test_self_check_the_comparison_finder_catches_both_spellings():
    assert _string_comparisons_with_role('if user.role == "admin":\n    pass\n') == [1]
    assert _string_comparisons_with_role('ok = role in ("coach", "unit_admin")\n') == [1]
    assert _string_comparisons_with_role('if user.role in Role.ADMIN.access.grants: pass\n') == []
    assert COMPARISON_IN_TEMPLATE.search('{% if current_user.role == "unit_admin" %}')
