"""Administration: the audit trail for admins and unit admins (`routes`), and the whole
installation's organisations and evaluation projects for admins only (`installation`)."""
from flask import Blueprint

from ..models import Role
from ..security import guard_blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
guard_blueprint(bp, Role.ADMIN, Role.UNIT_ADMIN)

from . import routes  # noqa: F401  (routes register on bp)
from .installation import installation

bp.register_blueprint(installation)
