"""Signed tokens, one serializer and salt per purpose. A token says who; the database says
whether (revoked, expired, completed).

The signing secret is an argument, not read from an app: cron jobs, the message worker and
tests sign and check links with the same functions the web pages use.
"""
from __future__ import annotations

from itsdangerous import BadData, URLSafeTimedSerializer

INVITATION_SALT = "stegvis.invitation.v1"
PASSWORD_LINK_SALT = "stegvis.password-link.v1"


class TokenInvalid(Exception):
    """The token was tampered with, malformed, or older than its maximum age."""


def _serializer(secret: str, salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=salt)


def invitation_token(invitation_id: int, *, secret: str) -> str:
    """The token in a participant's link."""
    return _serializer(secret, INVITATION_SALT).dumps({"invitation": invitation_id})


def invitation_id_from(token: str, *, secret: str, max_age_seconds: int) -> int:
    """The invitation id a token names, or TokenInvalid."""
    try:
        data = _serializer(secret, INVITATION_SALT).loads(token, max_age=max_age_seconds)
        return int(data["invitation"])
    except (BadData, KeyError, TypeError, ValueError) as exc:
        raise TokenInvalid(str(exc)) from exc


def password_link_token(staff_id: int, nonce: str, *, secret: str) -> str:
    """The token in a staff user's one-time set-password link."""
    return _serializer(secret, PASSWORD_LINK_SALT).dumps({"staff": staff_id, "nonce": nonce})


def password_link_from(token: str, *, secret: str, max_age_seconds: int) -> tuple[int, str]:
    """The staff id and nonce a set-password token names, or TokenInvalid."""
    try:
        data = _serializer(secret, PASSWORD_LINK_SALT).loads(token, max_age=max_age_seconds)
        return int(data["staff"]), str(data["nonce"])
    except (BadData, KeyError, TypeError, ValueError) as exc:
        raise TokenInvalid(str(exc)) from exc
