"""The languages Stegvis knows, as plain data: the web (`app.i18n`) offers those with a
catalog, and the services check an organisation's choice of participant languages against
them without importing the web framework.

English is the msgid language; `sv` is easy-to-read Swedish (lättläst) and always offered.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    """A language as people choose it: named in its own script, with direction and voice tag."""

    code: str  # gettext locale code, e.g. fa_AF
    native_name: str
    direction: str  # "ltr" or "rtl"
    speech_tag: str  # BCP 47 tag for the browser's speech synthesis

    @property
    def html_lang(self) -> str:
        """The BCP 47 tag for `<html lang>` (gettext's fa_AF is fa-AF there)."""
        return self.code.replace("_", "-")


LANGUAGES: tuple[Language, ...] = (
    Language("sv", "Svenska", "ltr", "sv-SE"),
    Language("en", "English", "ltr", "en-GB"),
    Language("ar", "العربية", "rtl", "ar"),
    Language("fa_AF", "دری", "rtl", "fa-AF"),
    Language("so", "Soomaali", "ltr", "so-SO"),
    Language("ti", "ትግርኛ", "ltr", "ti-ER"),
    Language("uk", "Українська", "ltr", "uk-UA"),
)
BY_CODE = {language.code: language for language in LANGUAGES}
SOURCE_LANGUAGE = "en"
DEFAULT_LANGUAGE = "sv"
