"""The words of the messages participants get: short, in their language and in easy Swedish,
with the link, the short code and a way to say "no more messages".

What a message never says: which questionnaires (an instrument's name, "Health Wheel",
reveals a health topic to whoever sees the phone's lock screen), any answer, the person's
name or code. Messages are written outside any web request (the reminder run, the command
line), so the catalogs are read here with Babel, not through Flask-Babel.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from babel.support import NullTranslations, Translations

from ..config import translations_directory
from ..models import Invitation, MessagePurpose, ReminderRule
from ..tokens import invitation_token, opt_out_token
from .errors import N_

EASY_SWEDISH = "sv"

SUBJECTS = {
    MessagePurpose.INVITATION: N_("Questions from your coach"),
    MessagePurpose.REMINDER: N_("Reminder: questions from your coach"),
}
OPENINGS = {
    MessagePurpose.INVITATION: N_("Hello! Now it is time to answer some questions about how "
                                  "things are going for you."),
    ReminderRule.NOT_OPENED: N_("Hello! This is a reminder. You have questions to answer."),
    ReminderRule.NOT_FINISHED: N_("Hello! You have started to answer the questions. You can "
                                  "go on where you stopped."),
    ReminderRule.DUE_SOON: N_("Hello! Soon it is time for your next meeting. Please answer the "
                              "questions before it."),
}
LINK_LINE = N_("Open the link: %(link)s")
CODE_LINE = N_("Or go to %(address)s and type the code %(code)s.")
UNTIL_LINE = N_("The link works until %(date)s.")
OPT_OUT_LINE = N_("No more messages?")
SAME_LINK_LINE = N_("The link and the code are above.")


@dataclass(frozen=True)
class Links:
    """Where messages point: the site participants open (never a request's Host header) and
    the secret links are signed with."""

    base_url: str
    secret: str

    def invitation(self, invitation: Invitation) -> str:
        return f"{self.base_url.rstrip('/')}/i/{invitation_token(invitation.id, secret=self.secret)}"

    def short_code_page(self) -> str:
        return f"{self.base_url.rstrip('/')}/kod"

    def opt_out(self, participant_id: int) -> str:
        return f"{self.base_url.rstrip('/')}/stopp/{opt_out_token(participant_id, secret=self.secret)}"


@dataclass(frozen=True)
class Text:
    """A message as it is sent: a subject (e-mail only) and a plain-text body."""

    subject: str
    body: str


@lru_cache(maxsize=16)
def catalog(language: str) -> Translations | NullTranslations:
    """The app's catalog for `language`; English (the source) where there is none."""
    return Translations.load(str(translations_directory()), [language])


def _in(language: str, msgid: str, **values) -> str:
    return catalog(language).ugettext(msgid) % values if values else catalog(language).ugettext(msgid)


def _block(language: str, opening: str, invitation: Invitation, links: Links,
           *, repeat: bool = False) -> str:
    """One language's part; a repeat (easy Swedish after another language) points up to the
    link and code instead of writing them again, so an SMS stays short."""
    if repeat:
        return "\n".join([_in(language, opening), _in(language, SAME_LINK_LINE)])
    code = f"{invitation.short_code[:4]} {invitation.short_code[4:]}"
    return "\n".join([
        _in(language, opening),
        _in(language, LINK_LINE, link=links.invitation(invitation)),
        _in(language, CODE_LINE, address=links.short_code_page(), code=code),
        _in(language, UNTIL_LINE, date=invitation.expires_at.date().isoformat()),
    ])


def compose(*, invitation: Invitation, participant_id: int, language: str, purpose: str,
            rule: str | None = None, links: Links) -> Text:
    """The message in `language`, followed by easy Swedish when that is another language; one
    opt-out link at the end (a signed link: no sign-in needed to use it)."""
    opening = OPENINGS[ReminderRule(rule) if rule else MessagePurpose(purpose)]
    languages = [language] if language == EASY_SWEDISH else [language, EASY_SWEDISH]
    blocks = [_block(each, opening, invitation, links, repeat=position > 0)
              for position, each in enumerate(languages)]
    opt_out = " / ".join(dict.fromkeys(_in(each, OPT_OUT_LINE) for each in languages))
    blocks.append(f"{opt_out} {links.opt_out(participant_id)}")
    subject = " / ".join(dict.fromkeys(_in(each, SUBJECTS[MessagePurpose(purpose)])
                                      for each in languages))
    return Text(subject=subject, body="\n\n".join(blocks))
