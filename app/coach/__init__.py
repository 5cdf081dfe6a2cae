"""The coach workspace: caseload, invitations, progression, printable report."""
from flask import Blueprint

from ..security import guard_blueprint

bp = Blueprint("coach", __name__, url_prefix="/coach")
guard_blueprint(bp)

from . import invitations, privacy, results, routes  # noqa: F401  (routes register on bp)
