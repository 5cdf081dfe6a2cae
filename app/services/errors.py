"""Domain exceptions: a use case refusing what it was asked, in words people can read.

A service cannot know the reader's language (it runs in cron jobs and workers too), so an
error carries a message id marked with `N_` (Babel extracts it into the catalogs) and the
values for its placeholders. The web layer translates it (`app.i18n.message_of`); the
command line prints it in English (`str(error)`).
"""
from __future__ import annotations


def N_(message: str) -> str:  # noqa: N802  (the gettext convention for "mark, translate later")
    """Mark `message` for the catalogs without translating it here."""
    return message


class DomainError(Exception):
    """A rule of the domain said no. Subclasses set `message`, a msgid with %(name)s fields."""

    message = N_("That cannot be done.")

    def __init__(self, message: str | None = None, **values: object) -> None:
        self.message = message or type(self).message
        self.values = values
        super().__init__(self.message % values if values else self.message)
