"""Staff sign-in. Public by design: it is how staff get past the other blueprints' guards."""
from flask import Blueprint
from flask_login import UserMixin

from ..db import get_session
from ..extensions import login_manager
from ..models import Role, StaffUser
from . import sessions

bp = Blueprint("auth", __name__)
# Every request of the app (not just this blueprint's) checks inactivity and enrolment.
bp.before_app_request(sessions.enforce)


class SignedInStaff(UserMixin):
    """Flask-Login's view of a staff user. An adapter, so the table model (which services,
    cron jobs and the worker use) carries nothing of the web layer. Attribute reads go to the
    model; pass `.staff` to a service that changes the user."""

    def __init__(self, staff: StaffUser) -> None:
        self.staff = staff

    def __getattr__(self, name: str):
        return getattr(self.staff, name)

    def get_id(self) -> str:
        """What the session cookie holds: the user and the session generation it began in."""
        return f"{self.staff.id}:{self.staff.session_generation}"

    def can_open(self, workspace: str) -> bool:
        """Whether the role lets the user into `workspace` (a blueprint), for navigation."""
        return workspace in Role(self.staff.role).access.workspaces

    @property
    def is_active(self) -> bool:  # Flask-Login asks this before it lets a session in
        return self.staff.active


@login_manager.user_loader
def load_staff_user(session_id: str) -> SignedInStaff | None:
    """The signed-in staff user, if still active and the session is of their current
    generation (a session from before a sign-out or password change, or one signed before
    generations existed, is refused)."""
    user_id, _, generation = session_id.partition(":")
    try:
        user_id, generation = int(user_id), int(generation)
    except ValueError:
        return None
    if not 0 < user_id < 2**63:  # beyond any database's integer: no such user
        return None
    user = get_session().get(StaffUser, user_id)
    if user is None or not user.active or user.session_generation != generation:
        return None
    return SignedInStaff(user)


from . import routes  # noqa: F401  (routes register on bp)
