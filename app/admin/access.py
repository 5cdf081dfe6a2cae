"""Scope checks of the administration pages: what the signed-in administrator reaches, else 404.

The rule itself is `services.administration`'s; these helpers only turn its None into a 404,
once, so no route repeats a "not found / not yours" block, and an id of another
organisation's unit or staff reveals nothing, not even that it exists.
"""
from __future__ import annotations

from flask import abort, request
from flask_login import current_user

from ..db import get_session
from ..models import Organisation, ProgrammeGoal, StaffUser, Unit
from ..services import administration, goals
from ..urls import LARGEST_ID
from .forms import OrganisationChoiceForm


def organisation_in_view() -> Organisation:
    """The organisation a page is about: `?organisation=` for an admin of the installation
    (their own when not given), a unit admin's own; another one is 404."""
    wanted = request.args.get("organisation", type=int)
    if wanted is not None and not 0 < wanted <= LARGEST_ID:
        abort(404)
    return _found(administration.organisation(get_session(), current_user.staff, wanted))


def unit_for(unit_id: int) -> Unit:
    """The unit if the signed-in administrator's reach includes it; otherwise 404."""
    return _found(administration.unit(get_session(), current_user.staff, unit_id))


def staff_for(staff_id: int) -> StaffUser:
    """The staff account if the signed-in administrator manages it; otherwise 404."""
    return _found(administration.staff_member(get_session(), current_user.staff, staff_id))


def goal_for(goal_id: int) -> ProgrammeGoal:
    """The programme goal if the signed-in administrator's reach includes its organisation;
    otherwise 404."""
    return _found(goals.goal_of(get_session(), current_user.staff, goal_id))


def _found(thing):
    if thing is None:
        abort(404)
    return thing


def organisation_chooser(organisation: Organisation) -> OrganisationChoiceForm | None:
    """The organisation switch of an admin who looks after several; None for everyone else."""
    organisations = administration.organisations(get_session(), current_user.staff)
    if len(organisations) < 2:
        return None
    return OrganisationChoiceForm(formdata=None).with_organisations(organisations, organisation)
