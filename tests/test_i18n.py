"""Catalogs: current with the code, complete for the shipped languages, placeholders intact."""
import io
import re
import subprocess
import sys

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from app.config import PROJECT_ROOT
from app.i18n import BY_CODE

TRANSLATIONS = PROJECT_ROOT / "translations"
COMPLETE_LOCALES = ["sv", "ar"]  # English is the msgid language: an empty msgstr is the msgid
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|\{[a-z_]+\}")


def _catalog(locale: str):
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=locale)


def _ids(message) -> tuple:
    return (message.context, message.id if isinstance(message.id, str) else tuple(message.id))


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


@pytest.mark.parametrize("locale", COMPLETE_LOCALES)
def test_shipped_catalogs_translate_every_string(locale):
    catalog = _catalog(locale)
    with open(TRANSLATIONS / "messages.pot", "rb") as handle:
        expected = {_ids(m) for m in read_po(handle) if m.id}
    present = {_ids(m) for m in catalog if m.id}
    assert expected <= present, f"{locale}: run `make translations`; missing {sorted(expected - present)[:5]}"
    empty = [m.id for m in catalog if m.id and not all(
        (m.string,) if isinstance(m.string, str) else m.string)]
    assert empty == [], f"{locale}: {len(empty)} untranslated, e.g. {empty[:5]}"


@pytest.mark.parametrize("locale", sorted(p.name for p in TRANSLATIONS.iterdir() if p.is_dir()))
def test_catalog_keeps_placeholders_and_compiles(locale):
    catalog = _catalog(locale)
    for message in catalog:
        if not message.id or not message.string:
            continue
        source = message.id if isinstance(message.id, str) else message.id[-1]
        targets = [message.string] if isinstance(message.string, str) else list(message.string)
        for target in filter(None, targets):
            assert set(PLACEHOLDER.findall(target)) <= set(PLACEHOLDER.findall(" ".join(
                [message.id] if isinstance(message.id, str) else message.id))), (locale, source, target)
    write_mo(io.BytesIO(), catalog)


def test_every_catalog_is_a_known_language():
    for directory in TRANSLATIONS.iterdir():
        if directory.is_dir():
            assert directory.name in BY_CODE, f"{directory.name} is not in app.i18n.LANGUAGES"


def test_right_to_left_languages():
    assert {code for code, language in BY_CODE.items() if language.direction == "rtl"} == {"ar", "fa_AF"}


def test_offered_languages_follow_the_catalogs(app):
    from app.i18n import offered_languages

    with app.app_context():
        codes = [language.code for language in offered_languages()]
    assert {"sv", "en", "ar"} <= set(codes)
    assert all((TRANSLATIONS / code).is_dir() or code == "en" for code in codes)
