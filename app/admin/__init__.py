"""Administration in the browser: units, staff and their roles, moving participants between
units, and the audit trail, for unit admins (their own organisation) and admins (every one,
`services.administration`); the whole installation's organisations and evaluation projects for
admins only (`installation`). The `flask` commands stay for scripted installs."""
from flask import Blueprint

from ..security import guard_blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
guard_blueprint(bp)

from . import participants, routes, staff, units  # noqa: F401  (routes register on bp)
from .installation import installation

bp.register_blueprint(installation)
