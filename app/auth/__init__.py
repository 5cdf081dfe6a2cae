"""Staff sign-in. Public by design: it is how staff get past the other blueprints' guards."""
from flask import Blueprint

from ..db import get_session
from ..extensions import login_manager
from ..models import StaffUser
from . import sessions

bp = Blueprint("auth", __name__)
# Every request of the app (not just this blueprint's) checks inactivity and enrolment.
bp.before_app_request(sessions.enforce)

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


from . import routes  # noqa: F401  (routes register on bp)
