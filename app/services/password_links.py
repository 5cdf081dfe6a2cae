"""One-time set-password links: the only way to a password an administrator never sees (a new
account, or a reset).

The token is signed (salt per purpose, `app.tokens`) and names the account and a random
nonce; the account keeps only the nonce's SHA-256 and when the link expires. Using the link,
issuing a new one, or deactivating the account makes the old link useless: a token says who,
the database says whether.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from .. import tokens
from ..models import StaffUser, utcnow
from . import staff
from .errors import N_, DomainError

LINK_VALID_HOURS = 72


class LinkUnusable(DomainError):
    """The set-password link was used, replaced, has expired or its account is closed."""

    message = N_("This link does not work any more. Ask your administrator for a new one.")


@dataclass(frozen=True)
class PasswordLink:
    """A freshly issued set-password link: the account, the token for its address, expiry."""

    user: StaffUser
    token: str
    expires_at: datetime


def _digest(nonce: str) -> str:
    return hashlib.sha256(nonce.encode()).hexdigest()


def issue(user: StaffUser, *, secret: str, now: datetime) -> PasswordLink:
    """A new link for `user`, replacing any earlier one. The caller audits and commits."""
    nonce = secrets.token_urlsafe(32)
    user.password_link_digest = _digest(nonce)
    user.password_link_expires_at = now + timedelta(hours=LINK_VALID_HOURS)
    return PasswordLink(user, tokens.password_link_token(user.id, nonce, secret=secret),
                        user.password_link_expires_at)


def revoke(user: StaffUser) -> None:
    """Make the user's link, if they have one, useless. The caller commits."""
    user.password_link_digest = user.password_link_expires_at = None


def hand_to_outbox(link: PasswordLink, address: str) -> bool:
    """Where a set-password link will be mailed once mail transports exist (issue 14). There
    is no outbox yet, so nothing is sent and this says so (False): the page shows the link for
    the administrator to pass on. Never pretend a mail left."""
    del link, address  # the outbox will take both
    return False


def link_holder(session: Session, *, token: str, secret: str,
                now: datetime | None = None) -> StaffUser:
    """The account a set-password link is for, if the link still works; else LinkUnusable.
    A token that is not ours at all raises tokens.TokenInvalid."""
    staff_id, nonce = tokens.password_link_from(token, secret=secret,
                                                max_age_seconds=LINK_VALID_HOURS * 3600)
    user = session.get(StaffUser, staff_id)
    if (user is None or not user.active or user.password_link_digest is None
            or not hmac.compare_digest(user.password_link_digest, _digest(nonce))
            or user.password_link_expires_at <= (now or utcnow())):
        raise LinkUnusable()
    return user


def set_password_with_link(session: Session, *, token: str, secret: str, password: str,
                           ip: str | None = None, now: datetime | None = None) -> StaffUser:
    """Use a set-password link once: the person's chosen password is stored, the link stops
    working, and every older session ends; audited as their own password change."""
    user = link_holder(session, token=token, secret=secret, now=now)
    if len(password) < staff.MIN_PASSWORD_LENGTH:  # before the link is spent
        raise staff.WeakPassword(staff.MIN_PASSWORD_LENGTH)
    revoke(user)
    return staff.set_password(session, user=user, password=password, staff_id=user.id, ip=ip)
