"""Cohort statistics and pseudonymised exports. Evaluators never see who a person is."""
from flask import Blueprint

from ..security import guard_blueprint

bp = Blueprint("evaluator", __name__, url_prefix="/evaluator")
guard_blueprint(bp)
from . import routes  # noqa: F401
