"""Participants' pages. No accounts: an invitation token or short code is the way in."""
from flask import Blueprint

bp = Blueprint("participant", __name__)

from . import messages, routes  # noqa: F401
