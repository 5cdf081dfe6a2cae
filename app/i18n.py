"""Which of the known languages (`app.languages`) a request may speak, and how it is chosen.

A language is offered once its compiled catalog exists under translations/, so adding Somali is
adding a catalog. On a participant's pages only the languages their organisation offers are
(`g.participant_languages`, set when the invitation is loaded; Swedish always among them).
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

import flask_babel
from flask import current_app, g, request
from flask_login import current_user

from .instruments import Instrument
from .instruments.texts import localized
from .languages import BY_CODE, DEFAULT_LANGUAGE, LANGUAGES, SOURCE_LANGUAGE, Language
from .services.errors import DomainError


@cache
def _catalog_exists(directory: str, code: str) -> bool:
    # The compiled catalog, which is what Flask-Babel serves: a language offered without one
    # would show English under its own lang and dir.
    return (Path(directory) / code / "LC_MESSAGES" / "messages.mo").exists()


def catalog_languages() -> list[Language]:
    """Languages with a compiled catalog (plus the source language), in the order people see
    them: what an organisation can choose to offer its participants."""
    directory = current_app.config["BABEL_TRANSLATION_DIRECTORIES"]
    return [
        language
        for language in LANGUAGES
        if language.code == SOURCE_LANGUAGE or _catalog_exists(directory, language.code)
    ]


def offered_languages() -> list[Language]:
    """The languages this request may be in: those with a catalog, and on a participant's
    pages only those their organisation offers (picker and negotiation alike)."""
    allowed = g.get("participant_languages")
    return [language for language in catalog_languages()
            if allowed is None or language.code in allowed]


def language(code: str | None) -> Language:
    """The Language for `code`, falling back to Swedish for anything unknown."""
    return BY_CODE.get(code or "", BY_CODE[DEFAULT_LANGUAGE])


def served_language(code: str | None) -> Language:
    """The language a page for someone who chose `code` is written in: theirs once it has a
    catalog, else the source language that gettext falls back to, so `lang` and `dir` always
    match the words (never English laid out right to left)."""
    chosen = BY_CODE.get(code or "")
    offered = {language.code for language in offered_languages()}
    return chosen if chosen and chosen.code in offered else BY_CODE[SOURCE_LANGUAGE]


def select_locale() -> str:
    """Flask-Babel's selector: a page's explicit choice, then the staff user's, then the browser."""
    chosen = g.get("locale")
    if chosen:
        return chosen
    if current_user and getattr(current_user, "is_authenticated", False):
        return current_user.preferred_language
    codes = [lang.code for lang in offered_languages()]
    matches = {code.replace("_", "-"): code for code in codes}
    best = request.accept_languages.best_match(list(matches) + codes) if request else None
    return matches.get(best, best) or DEFAULT_LANGUAGE


def current_language() -> Language:
    """The Language of the current request (templates use it for lang, dir and voices)."""
    from flask_babel import get_locale

    locale = get_locale()
    code = f"{locale.language}_{locale.territory}" if locale and locale.territory else None
    return BY_CODE.get(code) or language(locale.language if locale else None)


class RequestCatalog:
    """Flask-Babel's catalog for the current request, in the `Translations` shape that the
    instruments' pure text lookup (`instruments.texts.localized`) takes."""

    def pgettext(self, context: str, message: str) -> str:
        return str(flask_babel.pgettext(context, message))


def localized_now(instrument: Instrument, ref: str, *, licences=(), **values: str) -> str:
    """`localized()` for the current request's locale, through Flask-Babel's catalogs."""
    return localized(instrument, ref, str(flask_babel.get_locale() or DEFAULT_LANGUAGE),
                     translations=RequestCatalog(), licences=licences, **values)


def message_of(error: DomainError) -> str:
    """A service's refusal in the reader's language."""
    return flask_babel.gettext(error.message, **error.values)
