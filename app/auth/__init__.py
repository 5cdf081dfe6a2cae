"""Staff sign-in. Public by design: it is how staff get past the other blueprints' guards."""
from flask import Blueprint

from ..db import get_session
from ..extensions import login_manager
from ..models import StaffUser

bp = Blueprint("auth", __name__)

# Where each role lands after signing in.
ROLE_HOME = {
    "coach": "coach.caseload",
    "unit_admin": "coach.caseload",
    "evaluator": "evaluator.cohort",
    "admin": "evaluator.cohort",
}


@login_manager.user_loader
def load_staff_user(user_id: str) -> StaffUser | None:
    """The signed-in staff user, if still active."""
    user = get_session().get(StaffUser, int(user_id))
    return user if user and user.active else None


from . import routes  # noqa: E402,F401  (routes register on bp)
