"""Catalogs: current with the code, complete where they must be, placeholders intact, easy
Swedish for participants, and an honest review status, for every catalog in translations/.

What "participant-facing" means is decided once, in `app.catalogs`; a new language is a new
catalog directory, and every parametrised test here picks it up.
"""
import io
import re
import subprocess
import sys

import pytest
from babel.messages.catalog import Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from app.catalogs import (
    NOT_REVIEWED,
    catalog_path,
    is_known_review_status,
    is_participant_facing,
    locales,
    read_catalog,
    readability,
    review_status,
    source_text,
    strings,
)
from app.config import PROJECT_ROOT
from app.i18n import BY_CODE, SOURCE_LANGUAGE

TRANSLATIONS = PROJECT_ROOT / "translations"
LOCALES = locales(TRANSLATIONS)
TRANSLATED = [code for code in LOCALES if code != SOURCE_LANGUAGE]
COMPLETE_LOCALES = ["sv", "ar"]  # every string, staff pages too (English: msgstr "" is the msgid)
STAFF_LOCALES = ["sv", "en"]  # staff read Swedish or English
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|\{[a-z_]+\}")
LIX_LIMIT = 40
# Participant strings that are rightly the same in every language: names.
SAME_IN_EVERY_LANGUAGE = {"Stegvis"}


def _ids(message) -> tuple:
    return (message.context, message.id if isinstance(message.id, str) else tuple(message.id))


def _template():
    with open(TRANSLATIONS / "messages.pot", "rb") as handle:
        return read_po(handle)


def _untranslated(messages) -> list:
    return [source_text(m)[:60] for m in messages if not all(strings(m))]


def test_messages_pot_is_current(tmp_path):
    """Fails when a string was added without `make translations` (the CI gate on stale strings)."""
    fresh = tmp_path / "fresh.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", "babel.cfg",
         "-c", "Translators:", "-k", "_l", "-k", "lazy_pgettext:1c,2", "-o", str(fresh), "."],
        cwd=PROJECT_ROOT, check=True,
    )
    with open(TRANSLATIONS / "messages.pot", "rb") as committed, open(fresh, "rb") as current:
        committed_ids = {_ids(m) for m in read_po(committed) if m.id}
        current_ids = {_ids(m) for m in read_po(current) if m.id}
    assert current_ids - committed_ids == set(), "new strings: run `make translations`"
    assert committed_ids - current_ids == set(), "removed strings: run `make translations`"


@pytest.mark.parametrize("locale", LOCALES)
def test_every_catalog_has_every_string(locale):
    expected = {_ids(m) for m in _template() if m.id}
    present = {_ids(m) for m in read_catalog(TRANSLATIONS, locale) if m.id}
    assert expected - present == set(), f"{locale}: run `make translations`"


@pytest.mark.parametrize("locale", COMPLETE_LOCALES)
def test_shipped_catalogs_translate_every_string(locale):
    empty = _untranslated(m for m in read_catalog(TRANSLATIONS, locale) if m.id)
    assert empty == [], f"{locale}: {len(empty)} untranslated, e.g. {empty[:5]}"


@pytest.mark.parametrize("locale", [code for code in STAFF_LOCALES if code != SOURCE_LANGUAGE])
def test_staff_strings_are_complete_in_swedish(locale):
    staff = [m for m in read_catalog(TRANSLATIONS, locale) if m.id and not is_participant_facing(m)]
    assert staff, "the staff pages have strings"
    assert _untranslated(staff) == []


@pytest.mark.parametrize("locale", TRANSLATED)
def test_participant_strings_are_complete(locale):
    """Everything a participant reads, in every language that has a catalog."""
    participant = [m for m in read_catalog(TRANSLATIONS, locale) if m.id and is_participant_facing(m)]
    empty = _untranslated(participant)
    assert empty == [], f"{locale}: {len(empty)} participant strings untranslated, e.g. {empty[:5]}"


@pytest.mark.parametrize("locale", LOCALES)
def test_no_fuzzy_translations(locale):
    """A fuzzy msgstr is a guess that gettext does not show: a translator must confirm it."""
    fuzzy = [source_text(m)[:60] for m in read_catalog(TRANSLATIONS, locale) if m.id and m.fuzzy]
    assert fuzzy == [], f"{locale}: confirm or fix in Poedit/Weblate, e.g. {fuzzy[:5]}"


def _placeholders(texts) -> set[str]:
    return {p for text in texts for p in PLACEHOLDER.findall(text)}


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_keeps_placeholders_and_compiles(locale):
    """A translation has exactly the msgid's placeholders (a plural form may leave out the
    number, as Arabic's singular does, but all forms together keep every one)."""
    catalog = read_catalog(TRANSLATIONS, locale)
    for message in catalog:
        targets = [s for s in strings(message) if s]
        if not message.id or not targets:
            continue
        wanted = _placeholders([source_text(message)])
        for target in targets:
            assert _placeholders([target]) <= wanted, (locale, source_text(message), target)
        if isinstance(message.id, str):
            assert _placeholders(targets) == wanted, (locale, message.id, targets)
        else:
            assert _placeholders(targets) >= _placeholders(message.id[1:]), (locale, message.id)
    write_mo(io.BytesIO(), catalog)


def _left_in_english(message: Message) -> bool:
    source = source_text(message)
    letters = re.sub(r"[^\w]|\d|_", "", PLACEHOLDER.sub("", source))
    return bool(letters) and source not in SAME_IN_EVERY_LANGUAGE and any(
        s == source for s in strings(message))


@pytest.mark.parametrize("locale", TRANSLATED)
def test_participant_strings_are_not_left_in_english(locale):
    """A msgstr copied from the English msgid fills the catalog but helps nobody."""
    copied = [m.id for m in read_catalog(TRANSLATIONS, locale)
              if m.id and is_participant_facing(m) and _left_in_english(m)]
    assert copied == [], f"{locale}: translate these, or add a name to SAME_IN_EVERY_LANGUAGE"


def test_every_participant_swedish_text_is_easy_to_read():
    """LIX at most 40 for everything a participant reads in Swedish (pages and instrument
    texts); texts under six words are exempt. Shorter sentences, shorter words."""
    hard = []
    for message in read_catalog(TRANSLATIONS, "sv"):
        if not message.id or not is_participant_facing(message):
            continue
        for text in strings(message):
            measured = readability(text)
            if measured and measured.lix > LIX_LIMIT:
                hard.append((round(measured.lix, 1), message.context, text))
    assert hard == [], f"LIX over {LIX_LIMIT}: {hard}"


@pytest.mark.parametrize(("text", "lix"), [
    # 8 words, 2 sentences, 1 word over six letters: 8/2 + 100 * 1/8
    ("Du kan sluta när du vill. Fortsätt sedan.", 4 + 12.5),
    # a heading without a full stop is one sentence; a placeholder is one short word
    ("Hur bra kan du {language} när någon pratar", 8 + 0),
    ("Sömn", None),  # under six words: a label, exempt
    ("Läs <strong>mer</strong> om vem som ser dina svar.", 8 + 0),  # markup is not text
])
def test_lix_is_counted_as_bjornsson_defines_it(text, lix):
    measured = readability(text)
    assert (measured.lix if measured else None) == (pytest.approx(lix) if lix else None)


def _message(location: str, *, context=None, comments=()) -> Message:
    return Message("Hello", context=context, locations=[(location, None)],
                   auto_comments=list(comments))


@pytest.mark.parametrize(("message", "facing"), [
    (_message("app/templates/participant/question.html"), True),
    (_message("app/participant/flow.py"), True),
    (_message("app/templates/errors/error.html"), True),
    (_message("app/instruments/definitions/cefr-1.toml", context="cefr-1.reading.A2"), True),
    (_message("app/instruments/definitions/cefr-1.toml", context="cefr-1.scoring"), False),
    (_message("app/instruments/definitions/kasam13-1.toml", context="kasam13-1.subscale.x"), False),
    (_message("app/coach/panels.py", comments=["Translators: (participant) on the summary"]), True),
    (_message("app/coach/panels.py"), False),
    (_message("app/templates/evaluator/cohort.html"), False),
])
def test_participant_facing_is_decided_by_source_and_mark(message, facing):
    assert is_participant_facing(message) is facing


@pytest.mark.parametrize("locale", LOCALES)
def test_every_catalog_states_its_review(locale):
    """`# Review: not yet reviewed` until a qualified translator signs it off (TRANSLATING.md)."""
    status = review_status(catalog_path(TRANSLATIONS, locale))
    assert is_known_review_status(status, locale), (
        f"{locale}: the header comment needs '# Review: {NOT_REVIEWED}' or "
        f"'# Review: reviewed by NAME, YYYY-MM-DD' (see TRANSLATING.md), not {status!r}")


def test_readme_lists_the_review_status_of_every_catalog():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    for locale in LOCALES:
        row = f"| `{locale}` | {BY_CODE[locale].native_name} | {review_status(catalog_path(TRANSLATIONS, locale))} |"
        assert row in readme, f"README.md's language table needs the line: {row}"


def test_every_catalog_is_a_known_language():
    for locale in LOCALES:
        assert locale in BY_CODE, f"{locale} is not in app.i18n.LANGUAGES"


def test_right_to_left_languages():
    assert {code for code, language in BY_CODE.items() if language.direction == "rtl"} == {"ar", "fa_AF"}


def test_offered_languages_follow_the_catalogs(app):
    from app.i18n import offered_languages

    with app.app_context():
        codes = [language.code for language in offered_languages()]
    assert {"sv", "en", "ar"} <= set(codes)
    assert all((TRANSLATIONS / code).is_dir() or code == "en" for code in codes)
