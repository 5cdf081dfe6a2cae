"""Evaluation projects, as an admin keeps them: what each is for, and its pseudonym secret.

A project's export pseudonyms are an HMAC of each participant under the project's secret
(`exports.rows.pseudonym`): files of one project join on them, files of two projects never
do. Rotating the secret makes a new series: earlier files of the project no longer join with
later ones. That is what a rotation is for (a file went astray; a new evaluation period must
not be linkable to the last), so it is an explicit step, confirmed by typing the project's
name. The secret itself is never shown, logged or audited; the audit says that it happened.
"""
from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from ..models import EvaluationProject, Organisation
from . import audit
from .errors import N_, DomainError
from .organisations import NAME_LENGTH, InvalidSettings, SettingProblem, text_problem
from .transactions import savepoint

PURPOSE_LENGTH = 2000  # the column's length


@dataclass(frozen=True)
class ProjectTerms:
    """What an evaluation project is: its name and the purpose its exports are made under.
    Health Wheel and KASAM answers leave only when the purpose includes them."""

    name: str
    purpose: str = ""
    includes_health: bool = False
    includes_kasam: bool = False


class InvalidProject(InvalidSettings):
    """The project was refused, with every problem found (`problems`); nothing was saved."""

    message = N_("The evaluation project was not saved.")


class RotationNotConfirmed(DomainError):
    """The typed confirmation is not the project's name: the secret was kept."""

    message = N_("Type the project's name exactly to confirm.")


def _problems(session: Session, terms: ProjectTerms, organisation_id: int,
              project_id: int | None) -> list[SettingProblem]:
    problems = [
        text_problem("name", terms.name, NAME_LENGTH, N_("Give the evaluation project a name.")),
        # A purpose is needed only for sensitive answers to leave under it.
        text_problem("purpose", terms.purpose, PURPOSE_LENGTH, N_(
            "Write the purpose of the evaluation to include Health Wheel or KASAM answers."))
        if terms.purpose or terms.includes_health or terms.includes_kasam else None,
    ]
    problems = [problem for problem in problems if problem is not None]
    if not any(p.field == "name" for p in problems) and _name_taken(
            session, terms.name, organisation_id, project_id):
        problems.append(_taken(terms.name))
    return problems


def _taken(name: str) -> SettingProblem:
    return SettingProblem("name", N_("The organisation already has an evaluation project "
                                     "called %(name)s."), name=name)


def _name_taken(session: Session, name: str, organisation_id: int, project_id: int | None) -> bool:
    same = session.exec(select(EvaluationProject.id).where(
        EvaluationProject.organisation_id == organisation_id,
        EvaluationProject.name == name)).first()
    return same is not None and same != project_id


def _checked(session: Session, terms: ProjectTerms, organisation_id: int,
             project_id: int | None = None) -> ProjectTerms:
    tidy = ProjectTerms(terms.name.strip(), terms.purpose.strip(), terms.includes_health,
                        terms.includes_kasam)
    problems = _problems(session, tidy, organisation_id, project_id)
    if problems:
        raise InvalidProject(problems)
    return tidy


def projects_of(session: Session, organisation_id: int) -> list[EvaluationProject]:
    """The organisation's evaluation projects, by name."""
    return list(session.exec(select(EvaluationProject).where(
        EvaluationProject.organisation_id == organisation_id)
        .order_by(EvaluationProject.name)).all())


def create_project(session: Session, *, organisation: Organisation, terms: ProjectTerms,
                   staff_id: int | None = None, ip: str | None = None) -> EvaluationProject:
    """A new project with a fresh secret; audited with its terms (never the secret)."""
    tidy = _checked(session, terms, organisation.id)
    project = EvaluationProject(organisation_id=organisation.id, **asdict(tidy))
    try:
        with savepoint(session):
            session.add(project)
            session.flush()
    except IntegrityError:  # an export created it by that name since the check
        raise InvalidProject([_taken(tidy.name)]) from None
    audit.record(session, action="evaluation_project.created", staff_id=staff_id, ip=ip,
                 object_type="evaluation_project", object_id=project.id,
                 details={"organisation_id": organisation.id, "after": asdict(tidy)})
    session.commit()
    return project


def change_project(session: Session, *, project: EvaluationProject, terms: ProjectTerms,
                   staff_id: int | None = None, ip: str | None = None) -> set[str]:
    """Save the project's terms; audited with before and after of what changed (the names)."""
    tidy = _checked(session, terms, project.organisation_id, project.id)
    changed = audit.record_changes(session, project, asdict(tidy), staff_id=staff_id, ip=ip,
                                   action="evaluation_project.changed",
                                   object_type="evaluation_project")
    try:
        session.commit()
    except IntegrityError:  # renamed to a name taken since the check
        session.rollback()
        raise InvalidProject([_taken(tidy.name)]) from None
    return changed


def rotate_secret(session: Session, *, project: EvaluationProject, confirmation: str,
                  staff_id: int | None = None, ip: str | None = None) -> None:
    """Give the project a new pseudonym secret (see the module docstring), once the project's
    name is typed (spaces around it forgiven). Audited without any secret."""
    if confirmation.strip() != project.name:
        raise RotationNotConfirmed()
    project.secret = secrets.token_hex(32)
    session.add(project)
    audit.record(session, action="evaluation_project.secret_rotated", staff_id=staff_id, ip=ip,
                 object_type="evaluation_project", object_id=project.id,
                 details={"evaluation": project.name})
    session.commit()
