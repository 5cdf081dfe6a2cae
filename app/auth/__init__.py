"""Staff sign-in. Public by design: it is how staff get past the other blueprints' guards."""
from flask import Blueprint
from flask_login import UserMixin

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


class SignedInStaff(UserMixin):
    """Flask-Login's view of a staff user. An adapter, so the table model (which services,
    cron jobs and the worker use) carries nothing of the web layer. Attribute reads go to the
    model; pass `.staff` to a service that changes the user."""

    def __init__(self, staff: StaffUser) -> None:
        self.staff = staff

    def __getattr__(self, name: str):
        return getattr(self.staff, name)

    def get_id(self) -> str:
        return str(self.staff.id)

    @property
    def is_active(self) -> bool:  # Flask-Login asks this before it lets a session in
        return self.staff.active


@login_manager.user_loader
def load_staff_user(user_id: str) -> SignedInStaff | None:
    """The signed-in staff user, if still active."""
    user = get_session().get(StaffUser, int(user_id))
    return SignedInStaff(user) if user and user.active else None


from . import routes  # noqa: F401  (routes register on bp)
