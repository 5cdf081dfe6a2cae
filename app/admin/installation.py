"""The whole installation, for admins only: organisations with their settings
(`organisations`) and their evaluation projects (`projects`).

A blueprint nested in `admin` (its pages are under /admin, endpoints `admin.installation.…`)
with a guard of its own: `admin` lets unit admins in for the audit trail, and this guard
keeps them out of every page here by default, without a check in each view.
"""
from flask import Blueprint, abort, current_app

from ..db import get_session
from ..i18n import catalog_languages, message_of
from ..security import guard_blueprint
from ..services.organisations import SettingRules

installation = Blueprint("installation", __name__)
guard_blueprint(installation)


def found(model, record_id: int):
    """The record with this id, or 404."""
    record = get_session().get(model, record_id)
    if record is None:
        abort(404)
    return record


def setting_rules() -> SettingRules:
    """What this installation allows: the STEGVIS_SMALL_CELL floor, the languages it has."""
    return SettingRules(threshold_floor=int(current_app.config["SMALL_CELL_THRESHOLD"]),
                        languages=tuple(language.code for language in catalog_languages()))


def show_problems(form, refused) -> None:
    """A service's refusal, each problem under its field in the reader's language."""
    for problem in refused.problems:
        form[problem.field].errors.append(message_of(problem))


from . import organisations, projects  # noqa: E402, F401  (views register on installation)
