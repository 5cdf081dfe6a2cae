"""Texts: contexts, locale lookup through real gettext catalogs, the extractor and sv sync."""

from __future__ import annotations

import gettext
import io
from collections import Counter

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract
from babel.messages.mofile import write_mo

from app import instruments
from app.instruments.extract import extract_instruments, sync_swedish
from app.instruments.registry import DEFINITIONS, registry
from app.instruments.texts import anchor_ref, language_name, localized, text_entries, text_of

ALL = list(registry())
CEFR = instruments.latest("cefr")
WORK = instruments.latest("work_wheel")


def catalog_for(locale: str, translated: dict[tuple[str, str], str]) -> gettext.GNUTranslations:
    """A compiled catalog, as `pybabel compile` would write it, loaded by gettext."""
    catalog = Catalog(locale=locale)
    for (context, msgid), msgstr in translated.items():
        catalog.add(msgid, msgstr, context=context)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def test_contexts_are_unique_across_all_instruments():
    contexts = Counter(e.context for i in ALL for e in text_entries(i))
    assert [c for c, n in contexts.items() if n > 1] == []


@pytest.mark.parametrize("instrument", ALL, ids=lambda i: i.ident)
def test_every_text_has_english_swedish_and_a_translator_note(instrument):
    for entry in text_entries(instrument):
        assert entry.context.startswith(f"{instrument.ident}.")
        assert entry.text.en.strip() and entry.text.sv.strip()
        assert entry.comment.startswith("Translators:")
    refs = {e.ref for e in text_entries(instrument)}
    assert {"title", "intro", "scoring"} <= refs
    assert {i.key for i in instrument.items} <= refs


def test_contexts_follow_the_documented_shape():
    contexts = {e.context for e in text_entries(CEFR)}
    assert {"cefr-1.reading.A2", "cefr-1.writing.preA1", "cefr-1.listening.C2"} <= contexts
    assert "work_wheel-1.health" in {e.context for e in text_entries(WORK)}
    assert anchor_ref(WORK, "health", 10) == "scale.satisfaction.10"
    assert anchor_ref(instruments.latest("kasam13"), "q3", 7) == "q3.7"


def test_swedish_and_english_come_from_the_definition():
    assert localized(WORK, "health", "sv") == "Hälsa"
    assert localized(WORK, "health", "sv_SE") == "Hälsa"
    assert localized(WORK, "health", "en") == "Health"


def test_other_languages_come_from_the_gettext_catalog():
    arabic = catalog_for("ar", {("work_wheel-1.health", "Health"): "الصحة"})
    assert localized(WORK, "health", "ar", translations=arabic) == "الصحة"


def test_untranslated_text_falls_back_to_english():
    arabic = catalog_for("ar", {})
    assert localized(WORK, "network", "ar", translations=arabic) == text_of(WORK, "network").en
    assert localized(WORK, "network", "fa_AF") == text_of(WORK, "network").en


def test_same_english_in_two_instruments_stays_separate():
    health = instruments.latest("health_wheel")
    assert text_of(WORK, "question").en == text_of(health, "question").en
    arabic = catalog_for("ar", {("work_wheel-1.question", text_of(WORK, "question").en): "عمل"})
    assert localized(WORK, "question", "ar", translations=arabic) == "عمل"
    assert (
        localized(health, "question", "ar", translations=arabic) == text_of(health, "question").en
    )


def test_cefr_names_the_target_language_in_the_readers_language():
    assert (
        localized(CEFR, "reading", "sv", language=language_name("sv", "sv"))
        == "Läsa: hur bra läser du svenska?"
    )
    assert (
        localized(CEFR, "reading", "en", language=language_name("sv", "en"))
        == "Reading: how well do you read Swedish?"
    )
    assert "{language}" in localized(CEFR, "reading", "en")  # left for the caller to fill
    assert localized(CEFR, "reading.A2", "sv").startswith("Jag kan läsa korta")


def test_unknown_ref_is_an_error():
    with pytest.raises(KeyError, match="no text"):
        text_of(WORK, "nonsense")


@pytest.mark.parametrize("instrument", ALL, ids=lambda i: i.ident)
def test_extractor_yields_every_text_as_pgettext(instrument):
    path = DEFINITIONS / f"{instrument.ident}.toml"
    with path.open("rb") as handle:
        found = list(extract_instruments(handle, ["pgettext"], ["Translators:"], {}))
    assert [(f[1], f[2]) for f in found] == [
        ("pgettext", (e.context, e.text.en)) for e in text_entries(instrument)
    ]
    assert all(f[0] >= 1 for f in found)


def test_babel_runs_the_extractor_by_its_babel_cfg_name():
    path = DEFINITIONS / "cefr-1.toml"
    with path.open("rb") as handle:
        messages = list(
            extract(
                "app.instruments.extract:extract_instruments",
                handle,
                comment_tags=("Translators:",),
            )
        )
    by_context = {m[3]: m for m in messages}  # (lineno, message, comments, context)
    assert by_context["cefr-1.reading.A2"][1].startswith("I can read short")
    assert any("Translators:" in c for c in by_context["cefr-1.reading"][2])


def test_babel_cfg_registers_the_extractor():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "babel.cfg").read_text()
    assert "instrument = app.instruments.extract:extract_instruments" in text
    assert "[instrument: app/instruments/definitions/*.toml]" in text


def test_sync_writes_definition_swedish_into_the_sv_catalog():
    catalog = Catalog(locale="sv")
    catalog.add("Health", "Gammal översättning", context="work_wheel-1.health", flags=["fuzzy"])
    written = sync_swedish(catalog, ALL)
    assert written == sum(len(text_entries(i)) for i in ALL)
    health = catalog.get("Health", context="work_wheel-1.health")
    assert health.string == "Hälsa" and "fuzzy" not in health.flags
    assert (
        catalog.get(text_of(CEFR, "reading.A2").en, context="cefr-1.reading.A2").string
        == text_of(CEFR, "reading.A2").sv
    )


def test_extracting_the_definitions_directory_finds_every_text():
    from babel.messages.extract import extract_from_dir

    found = list(
        extract_from_dir(
            str(DEFINITIONS),
            method_map=[("*.toml", "app.instruments.extract:extract_instruments")],
            comment_tags=("Translators:",),
        )
    )
    assert len(found) == sum(len(text_entries(i)) for i in ALL)
    assert {f[4] for f in found} == {e.context for i in ALL for e in text_entries(i)}
