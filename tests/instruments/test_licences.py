"""Licensed KASAM wording: checked against our scoring, overriding demo texts, gating sending."""

from __future__ import annotations

import pytest

from app import instruments
from app.instruments.licences import availability, parse_licensed_wording
from app.instruments.registry import InstrumentDefinitionError
from app.instruments.texts import localized

KASAM = instruments.latest("kasam13")


def licensed_file(
    language: str = "sv", *, flip: str | None = None, drop_anchor: str | None = None
) -> str:
    """A made-up licensed file with the shipped structure (the real wording is never in tests)."""
    lines = [
        'key = "kasam13"',
        "version = 1",
        f'language = "{language}"',
        'title = "Licensierad titel (test)"',
        'intro = "Licensierad inledning (test)"',
    ]
    for item in KASAM.items:
        reverse = (not item.reverse) if item.key == flip else item.reverse
        anchors = (
            '{ 1 = "Låg ände (test)" }'
            if item.key == drop_anchor
            else '{ 1 = "Låg ände (test)", 7 = "Hög ände (test)" }'
        )
        lines += [
            "[[items]]",
            f'key = "{item.key}"',
            f"reverse = {str(reverse).lower()}",
            f'subscale = "{item.subscale}"',
            f'text = "Licensierad {item.key} (test)"',
            f"anchors = {anchors}",
        ]
    return "\n".join(lines) + "\n"


def test_licensed_wording_overrides_the_demo_text_for_its_language():
    wording = parse_licensed_wording(licensed_file(), "kasam-sv.toml", base=KASAM)
    assert localized(KASAM, "q4", "sv", licences=[wording]) == "Licensierad q4 (test)"
    assert localized(KASAM, "q4.7", "sv", licences=[wording]) == "Hög ände (test)"
    assert localized(KASAM, "title", "sv", licences=[wording]) == "Licensierad titel (test)"
    # Another language still sees the demo text; a missing licensed text falls back too.
    assert "Demo text" in localized(KASAM, "q4", "en", licences=[wording])
    assert localized(KASAM, "subscale.manageability", "sv", licences=[wording]) == "Hanterbarhet"


def test_language_option_must_agree_with_the_file():
    with pytest.raises(InstrumentDefinitionError, match="language"):
        parse_licensed_wording(licensed_file("sv"), "k.toml", base=KASAM, language="ar")
    wording = parse_licensed_wording(licensed_file("ar"), "k.toml", base=KASAM, language="ar")
    assert wording.language == "ar"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"flip": "q7"}, "items[6].reverse"),
        ({"drop_anchor": "q2"}, "items[1].anchors"),
    ],
)
def test_wording_whose_structure_differs_from_our_scoring_is_refused(kwargs, field):
    with pytest.raises(InstrumentDefinitionError) as caught:
        parse_licensed_wording(licensed_file(**kwargs), "kasam-sv.toml", base=KASAM)
    assert str(caught.value).startswith(f"kasam-sv.toml: {field}:")


def test_wording_with_missing_items_is_refused():
    text = licensed_file().split("[[items]]")[0]
    with pytest.raises(InstrumentDefinitionError, match=r"kasam-sv\.toml: items"):
        parse_licensed_wording(text, "kasam-sv.toml", base=KASAM)


def test_production_blocks_licensed_instruments_until_wording_is_loaded():
    blocked = availability(KASAM, environment="production", licensed_languages=[])
    assert not blocked.allowed
    assert "flask instruments load" in blocked.reason and "kasam13-1" in blocked.reason
    assert availability(KASAM, environment="production", licensed_languages=["sv"]).allowed


def test_production_needs_wording_in_the_participants_language():
    arabic = availability(KASAM, environment="production", licensed_languages=["sv"], language="ar")
    assert not arabic.allowed and "'ar'" in arabic.reason
    assert availability(
        KASAM, environment="production", licensed_languages=["sv"], language="sv"
    ).allowed


@pytest.mark.parametrize("environment", ["development", "demo", "testing"])
def test_demo_text_is_allowed_outside_production(environment):
    assert availability(KASAM, environment=environment, licensed_languages=[]).allowed


def test_unlicensed_instruments_are_always_allowed():
    work = instruments.latest("work_wheel")
    assert availability(work, environment="production", licensed_languages=[]).allowed
