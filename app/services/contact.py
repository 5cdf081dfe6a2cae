"""A participant's contact details as coaches type them, checked and stored in one form.

Mobile numbers are stored in E.164 (`+46701740605`), whatever way they were typed: Swedish
national (`070-174 06 05`), with the country code (`+46 70 174 06 05`, `0046…`, the
`+46 (0)70…` of business cards) or international (`+44 7700 900123`). A Swedish number must
be a mobile one (07x, nine digits after +46): a landline cannot receive an SMS. E-mail
addresses are checked for syntax only (no DNS look-up: the address may be on a closed
network) and stored with the domain in lower case.
"""
from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email

from .errors import N_, DomainError

SWEDEN = "46"
# E.164: a country code and subscriber number of at most 15 digits in all.
E164_DIGITS = range(8, 16)
SEPARATORS = re.compile(r"[\s\-./()]")


class InvalidContact(DomainError, ValueError):
    """A mobile number or e-mail address that cannot be used; the message says which."""

    message = N_("Check the contact details.")


class InvalidMobile(InvalidContact):
    message = N_("Type a mobile number, e.g. 070-123 45 67 or +46 70 123 45 67.")


class NotAMobile(InvalidContact):
    message = N_("That is a Swedish landline number; an SMS needs a mobile number (07…).")


class InvalidEmail(InvalidContact):
    message = N_("Type an e-mail address like name@example.se.")


def normalise_mobile(typed: str | None) -> str | None:
    """The number in E.164, None when nothing was typed; InvalidMobile or NotAMobile."""
    raw = (typed or "").strip()
    if not raw:
        return None
    raw = raw.replace("(0)", "")
    compact = SEPARATORS.sub("", raw)
    if compact.startswith("+"):
        digits = compact[1:]
    elif compact.startswith("00"):
        digits = compact[2:]
    elif compact.startswith("0"):
        digits = SWEDEN + compact[1:]
    else:
        raise InvalidMobile()
    if not digits.isdigit() or len(digits) not in E164_DIGITS or digits.startswith("0"):
        raise InvalidMobile()
    if digits.startswith(SWEDEN):
        national = digits[len(SWEDEN):]
        if national.startswith("0"):
            national = national[1:]  # "+46 070…": the trunk zero typed after the country code
        if len(national) != 9:
            raise InvalidMobile()
        if not national.startswith("7"):
            raise NotAMobile()
        digits = SWEDEN + national
    return "+" + digits


def normalise_email(typed: str | None) -> str | None:
    """The address checked for syntax, the domain in lower case; None when empty."""
    raw = (typed or "").strip()
    if not raw:
        return None
    try:
        checked = validate_email(raw, check_deliverability=False)
    except EmailNotValidError:
        raise InvalidEmail() from None
    return checked.normalized


def shown_mobile(e164: str) -> str:
    """A stored number as Swedes read it (070-174 06 05); other countries' as stored."""
    if not e164.startswith("+" + SWEDEN):
        return e164
    national = "0" + e164[3:]
    return f"{national[:3]}-{national[3:6]} {national[6:8]} {national[8:]}"
