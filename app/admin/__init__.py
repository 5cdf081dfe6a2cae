"""Administration: for now the audit trail (read-only); units, staff and settings are
managed from the command line."""
from flask import Blueprint

from ..models import Role
from ..security import guard_blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
guard_blueprint(bp, Role.ADMIN, Role.UNIT_ADMIN)

from . import reminders, routes  # noqa: F401  (routes register on bp)
