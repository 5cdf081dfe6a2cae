"""The whole installation, for admins only: licensed instruments (`licences`).

A blueprint nested in `admin` (its pages are under /admin, endpoints `admin.installation.…`)
with a guard of its own: `admin` lets unit admins in, and this guard keeps them out of every
page here by default, without a check in each view.
"""
from flask import Blueprint

from ..models import Role
from ..security import guard_blueprint

installation = Blueprint("installation", __name__)
guard_blueprint(installation, Role.ADMIN)

from . import licences  # noqa: E402, F401  (views register on installation)
