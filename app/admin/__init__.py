"""Administration (units, staff, goals, licensed instruments, privacy settings)."""
from flask import Blueprint

from ..models import Role
from ..security import guard_blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
guard_blueprint(bp, Role.ADMIN, Role.UNIT_ADMIN)
