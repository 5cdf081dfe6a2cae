"""Every text of an instrument, with its gettext context, and lookup in a locale.

One translators' workflow for the whole app
-------------------------------------------
English is the msgid language of Stegvis. Instrument texts live in the definition files with
an English and an easy-to-read Swedish (`sv`) version; every other language (Arabic first,
later Dari, Somali, Tigrinya, Ukrainian …) is translated in the ordinary gettext catalogs:

1. extract: `pybabel extract -F babel.cfg -c Translators: -o translations/messages.pot .`
   `babel.cfg` maps `app/instruments/definitions/*.toml` to our extractor
   (`app/instruments/extract.py`), which yields each text as
   `pgettext("<key>-<version>.<ref>", "<English>")`, e.g. context `cefr-1.reading.A2` or
   `work_wheel-1.health`. The context keeps identical short strings of different
   instruments (and versions) apart, so a new version gets fresh entries to translate.
2. update: `pybabel update -i translations/messages.pot -d translations` gives each
   `<locale>/LC_MESSAGES/messages.po` the new entries; translators fill in msgstr.
3. sync Swedish: `flask instruments sync-sv translations/sv/LC_MESSAGES/messages.po` copies
   the `sv` texts of the definitions into the Swedish catalog, so the sv catalog is complete
   and cannot drift from the definitions (the definition stays the source of truth).
4. compile: `pybabel compile -d translations`.

At run time `localized()` takes Swedish and English straight from the definition and every
other locale from the catalog (falling back to English when a msgstr is empty, as gettext
does). Licensed wording loaded by an admin (`licences.py`) overrides all of them for its
language.

Texts may contain `{language}` (CEFR): it is filled with the target language's name in the
reader's language (`language_name()`). Translators keep the placeholder as it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from babel import Locale, UnknownLocaleError

from .schema import Instrument, Text


@dataclass(frozen=True)
class TextEntry:
    """One translatable text: `ref` within the instrument, `context` for pgettext."""

    ref: str
    context: str
    text: Text
    comment: str = ""


class Translations(Protocol):
    """What `gettext.GNUTranslations` and Flask-Babel's domain both offer."""

    def pgettext(self, context: str, message: str) -> str: ...


def _value_ref(scale_value_names: dict[int, str], value: int) -> str:
    return scale_value_names.get(value, str(value))


@cache
def text_entries(instrument: Instrument) -> tuple[TextEntry, ...]:
    """All texts of an instrument in reading order; the extractor and lookup share this."""
    kind = (
        "licensed instrument: demo placeholder, replaced by licensed wording"
        if instrument.requires_licence
        else ""
    )
    entries: list[tuple[str, Text, str]] = [
        ("title", instrument.title, "Title of a questionnaire shown to participants."),
        ("intro", instrument.intro, "Short easy-to-read introduction before the first question."),
    ]
    if instrument.question is not None:
        entries.append(
            (
                "question",
                instrument.question,
                "The question shown above every area of the wheel; the area follows.",
            )
        )
    for key, scale in instrument.scales.items():
        for value, text in sorted(scale.anchors.items()):
            entries.append(
                (
                    f"scale.{key}.{_value_ref(scale.value_names, value)}",
                    text,
                    f"Label of answer {value} on the scale.",
                )
            )
    for subscale in instrument.subscales:
        entries.append(
            (f"subscale.{subscale.key}", subscale.title, "Name of a subscale (staff pages).")
        )
    for item in instrument.items:
        scale = instrument.scale_of(item)
        hint = (
            "One area of the wheel, after the question." if instrument.question else "A question."
        )
        entries.append((item.key, item.text, hint))
        for value, text in sorted(item.anchors.items()):
            name = _value_ref(scale.value_names, value)
            note = (
                f"Statement for level {name} in '{item.key}'; the statements go from easy to "
                f"hard, and participants choose the last one that is true for them."
                if scale.value_names
                else f"Label of answer {value} for this question only."
            )
            entries.append((f"{item.key}.{name}", text, note))
    entries.append(
        (
            "scoring",
            instrument.scoring.description,
            "How scores are computed (codebook for evaluators).",
        )
    )
    result = []
    for ref, text, note in entries:
        notes = [note, kind]
        if "{language}" in text.en:
            notes.append("Keep {language} as it is: it becomes the name of a language.")
        comment = "Translators: " + " ".join(n for n in notes if n)
        result.append(TextEntry(ref, f"{instrument.ident}.{ref}", text, comment))
    return tuple(result)


def text_of(instrument: Instrument, ref: str) -> Text:
    """The definition's en/sv text for `ref`; KeyError names an unknown ref."""
    for entry in text_entries(instrument):
        if entry.ref == ref:
            return entry.text
    raise KeyError(f"{instrument.ident}: no text '{ref}'")


def anchor_ref(instrument: Instrument, item_key: str, value: int) -> str:
    """The ref of an answer label: the item's own anchor, else the scale's."""
    item = instrument.item(item_key)
    scale = instrument.scale_of(item)
    name = _value_ref(scale.value_names, value)
    if value in item.anchors:
        return f"{item_key}.{name}"
    return f"scale.{item.scale}.{name}"


def _language_matches(licence_language: str, locale: str) -> bool:
    return licence_language == locale or licence_language == locale.split("_")[0]


class _KeepMissing(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _fill(text: str, values: dict[str, str]) -> str:
    if not values:
        return text
    try:
        return text.format_map(_KeepMissing(values))
    except (ValueError, IndexError, AttributeError):
        return text  # a licensed text with literal braces is shown as written


def localized(
    instrument: Instrument,
    ref: str,
    locale: str,
    *,
    translations: Translations | None = None,
    licences: Iterable = (),
    **values: str,
) -> str:
    """The text `ref` of `instrument` for `locale`.

    Order: licensed wording for that language (any object with `.language` and
    `.text(ref)` for this instrument: see `licences.LicensedWording`); then `sv`/`en` from
    the definition; then `translations.pgettext(context, English)`; else English.
    `values` fill placeholders such as `{language}`.
    """
    text = text_of(instrument, ref)
    for licence in licences:
        if (licence.key, licence.version) == (
            instrument.key,
            instrument.version,
        ) and _language_matches(licence.language, locale):
            licensed = licence.text(ref)
            if licensed:
                return _fill(licensed, values)
    language = locale.split("_")[0]
    if language == "sv":
        return _fill(text.sv, values)
    if language == "en" or translations is None:
        return _fill(text.en, values)
    return _fill(translations.pgettext(f"{instrument.ident}.{ref}", text.en), values)


def language_name(language: str, locale: str) -> str:
    """The name of `language` (e.g. 'sv') in `locale`: 'svenska' in sv, 'Swedish' in en."""
    try:
        name = Locale.parse(locale).languages.get(language.split("_")[0])
    except (UnknownLocaleError, ValueError):
        name = None
    return name or language
